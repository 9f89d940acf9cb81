// The visual check of the Word files: both sample plans' action-plan documents and the culture plan's highlight
// report, printed to PDF by LibreOffice, read back with pdftotext. LibreOffice lays the pages out independently of
// the library that wrote the files, so a table wider than the page or a header that is not on every page shows here.
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { draftCultureReport } from '../testing/reports.js';
import {
  missingTools,
  pageShows,
  problemsWithPages,
  readPdfPages,
  withLibreOfficePdfs,
} from '../testing/pdfText.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToDocx } from './actionPlanDocx.js';
import { reportToWord } from './reportWord.js';

const missing = missingTools(['soffice', 'pdftotext']);
if (missing) console.warn(`Skipping the LibreOffice visual check of the Word files: ${missing}`);

describeEachDatabase('the Word files as LibreOffice prints them', (current) => {
  (missing ? it.skip : it)(
    'shows every section, deliverable and focus area, the marking on every page and no table past the margins',
    async () => {
      const db = current();
      await loadDemo(db, { name: 'Test Manager' });
      const documents = await Promise.all(
        ['staff-survey-2021', 'culture-action-plan'].map(async (slug) => {
          const doc = buildActionPlanDocument(
            await loadPlanContents(db.kysely, slug, { updates: 'all' }),
            '2026-11-23',
          );
          // The culture plan has no marking of its own; one is set so that both show it on every page.
          doc.marking ||= 'OFFICIAL';
          return { doc, bytes: await actionPlanToDocx(doc) };
        }),
      );
      const model = await draftCultureReport(db);

      await withLibreOfficePdfs(
        [
          { name: 'staff-survey-plan', bytes: documents[0]!.bytes },
          { name: 'culture-plan', bytes: documents[1]!.bytes },
          { name: 'culture-report', bytes: await reportToWord(model) },
        ],
        async ([staffSurvey, culture, highlightReport]) => {
          for (const [file, { doc }] of [
            [staffSurvey!, documents[0]!],
            [culture!, documents[1]!],
          ] as const) {
            const pages = await readPdfPages(file);
            const texts = [
              doc.title,
              'Generated on 23 November 2026',
              ...actionsInOrder(doc).map((a) => a.title),
              ...doc.focusAreas.map((a) => a.title),
              ...(doc.focusAreas.length > 0 ? ['Rolling Updates:'] : []),
            ];
            expect(problemsWithPages(pages, { texts, marking: doc.marking }), doc.title).toEqual([]);
            expect(pages[0]!.width).toBeGreaterThan(pages[0]!.height);
            // The header row is repeated at the top of every page.
            for (const page of pages) expect(pageShows(page, doc.columns[0]!)).toBe(true);
          }

          const pages = await readPdfPages(highlightReport!);
          const texts = [
            'STRATEGIC SPONSOR',
            'PERIOD COVERED',
            'OVERALL PROJECT STATUS',
            ...model.sections.map((s) => s.label.toUpperCase()),
            ...model.progress.flatMap((h) => [
              h.heading,
              ...h.themes.flatMap((g) => [g.theme, ...g.deliverables.map((d) => d.title)]),
            ]),
            'Completed in this period',
            'Overdue',
            'Due in the next period',
            'Changes since the last board',
          ];
          expect(problemsWithPages(pages, { texts, marking: model.marking }), 'highlight report').toEqual([]);
          expect(pages[0]!.width).toBeLessThan(pages[0]!.height);
        },
      );
    },
    240_000,
  );
});
