// The PDFs Headway draws itself, read back with pdftotext: every section and deliverable, the marking on every page,
// the header row on every page, and nothing past the page's margins.
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { draftCultureReport } from '../testing/reports.js';
import { makeAction, makePlan, makeTheme, makeUpdate } from '../testing/factories.js';
import { missingTools, pageShows, problemsWithPages, readPdfPages, withPdfFile } from '../testing/pdfText.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToPdf } from './actionPlanPdf.js';
import { printable } from './pdfLayout.js';
import { reportToPdf } from './reportPdf.js';

const missing = missingTools(['pdftotext']);
if (missing) console.warn(`Skipping the PDF text checks: ${missing}`);
const pagesOf = (bytes: Buffer) => withPdfFile(bytes, readPdfPages);

describeEachDatabase('the PDF documents', (current) => {
  const runs = missing ? it.skip : it;

  runs('gives both sample plans as landscape action-plan documents a board can read', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    for (const slug of ['staff-survey-2021', 'culture-action-plan']) {
      const doc = buildActionPlanDocument(
        await loadPlanContents(current().kysely, slug, { updates: 'all' }),
        '2026-11-23',
      );
      // The culture plan has no marking of its own; one is set so that both show it on every page.
      doc.marking ||= 'OFFICIAL';
      const pages = await pagesOf(await actionPlanToPdf(doc));
      const expected = [
        doc.title,
        'Generated on 23 November 2026',
        ...actionsInOrder(doc).map((a) => a.title),
        // The culture plan has two horizons, so each action says its own.
        ...(doc.columns.includes('Horizon') ? ['Horizon', 'Short term', 'Medium term'] : []),
        ...doc.focusAreas.map((a) => a.title),
        ...(doc.focusAreas.length > 0 ? ['Rolling Updates:'] : []),
      ].map(printable);
      expect(problemsWithPages(pages, { texts: expected, marking: doc.marking })).toEqual([]);
      expect(pages[0]!.width).toBeGreaterThan(pages[0]!.height);
      pages.forEach((page, index) => {
        for (const column of doc.columns) expect(pageShows(page, column)).toBe(true);
        expect(page.text).toContain(`Page ${index + 1} of ${pages.length}`);
      });
    }
  });

  runs(
    'gives the highlight report as a portrait board paper with every section and deliverable',
    async () => {
      const db = current();
      const model = await draftCultureReport(db);
      const pages = await pagesOf(await reportToPdf(model));
      const expected = [
        model.title,
        'STRATEGIC SPONSOR',
        'PERIOD COVERED',
        'OVERALL PROJECT STATUS',
        ...model.sections.map((s) => s.label.toUpperCase()),
        ...model.progress.flatMap((h) =>
          h.themes.flatMap((g) => [g.theme, ...g.deliverables.map((d) => d.title)]),
        ),
        'Completed in this period',
        'Overdue',
        'Due in the next period',
        'Changes since the last board',
      ].map(printable);
      expect(problemsWithPages(pages, { texts: expected, marking: model.marking })).toEqual([]);
      expect(pages[0]!.width).toBeLessThan(pages[0]!.height);
    },
  );

  runs(
    'repeats the header and the theme on every page a long theme runs to, and writes £, dashes and quotes',
    async () => {
      const db = current();
      const plan = await makePlan(db, { title: 'Long plan', marking: 'OFFICIAL' });
      const theme = await makeTheme(db, plan.id, { title: 'Wellbeing and welfare' });
      const titles: string[] = [];
      for (let n = 1; n <= 12; n++) {
        const title = `Action ${n}: spend £${n},000 on the ‘wellbeing’ hub – “quickly” — Gŵyl`;
        titles.push(title);
        const action = await makeAction(db, plan.id, {
          title,
          themeId: theme.id,
          progress: 'Under way. '.repeat(40),
        });
        for (let day = 1; day <= 6; day++)
          await makeUpdate(
            db,
            plan.id,
            { actionId: action.id },
            {
              body: `Entry ${day} for action ${n}: ${'the team met and agreed the next steps. '.repeat(4)}`,
              effectiveOn: `2024-03-${String(day).padStart(2, '0')}`,
            },
          );
      }
      const doc = buildActionPlanDocument(
        await loadPlanContents(db.kysely, plan.slug, { updates: 'all' }),
        '2026-11-23',
      );
      const pages = await pagesOf(await actionPlanToPdf(doc));
      expect(pages.length).toBeGreaterThan(2);
      expect(problemsWithPages(pages, { texts: titles.map(printable), marking: 'OFFICIAL' })).toEqual([]);
      expect(pageShows(pages[0]!, 'Action 1: spend £1,000 on the ‘wellbeing’ hub – “quickly” — Gwyl')).toBe(
        true,
      );
      expect(pageShows(pages[0]!, 'Update 1/3/24: Entry 1 for action 1:')).toBe(true);
      for (const page of pages.slice(1)) {
        for (const column of doc.columns) expect(pageShows(page, column)).toBe(true);
        expect(pageShows(page, 'Wellbeing and welfare (continued)')).toBe(true);
      }
    },
  );
});
