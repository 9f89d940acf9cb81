import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { openZip } from '../import/read/zip.js';
import { readSource } from '../import/read/readSource.js';
import { understandDocument } from '../import/understand/understandDocument.js';
import { loadPlanContents } from '../plans/planContents.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToCsv, actionPlanToWorkbook } from './actionPlanSheets.js';
import { actionPlanToWord } from './actionPlanWord.js';

const plain = (html: string | undefined) =>
  richTextToPlain(html ?? '')
    .replace(/\s+/g, ' ')
    .trim();

describeEachDatabase('the action-plan document', (current) => {
  const contentsOf = async (slug: string) => {
    await loadDemo(current(), { name: 'Test Manager' });
    return loadPlanContents(current().kysely, slug, { updates: 'all' });
  };

  it('is a landscape Word file with a repeated header, merged themes and the marking on every page', async () => {
    const contents = await contentsOf('culture-action-plan');
    const word = await actionPlanToWord(buildActionPlanDocument(contents, '2026-11-23'));
    const zip = await openZip(word, { maxExpandedBytes: 50_000_000 });
    const xml = (await zip.read('word/document.xml'))!;
    expect(xml).toContain('w:orient="landscape"');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml.match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(6); // five themes and the actions without one
    for (const action of contents.actions)
      expect(xml).toContain(action.title.replace(/'/g, '&apos;').slice(0, 30));
    expect(xml).toContain('Generated on 23 November 2026');

    const survey = await actionPlanToWord(buildActionPlanDocument(await contentsOf('staff-survey-2021')));
    const parts = await openZip(survey, { maxExpandedBytes: 50_000_000 });
    const header = zip.names.find((n) => /^word\/header\d*\.xml$/.test(n));
    expect(header).toBeUndefined(); // the culture plan has no marking
    const headerXml = await parts.read(parts.names.find((n) => /^word\/header\d*\.xml$/.test(n))!);
    const footerXml = await parts.read(parts.names.find((n) => /^word\/footer\d*\.xml$/.test(n))!);
    expect(headerXml).toContain('NOT PROTECTIVELY MARKED');
    expect(footerXml).toContain('NOT PROTECTIVELY MARKED');
    expect(footerXml).toContain('NUMPAGES');
  });

  for (const form of ['docx', 'xlsx'] as const) {
    for (const slug of ['staff-survey-2021', 'culture-action-plan']) {
      it(`round-trips ${slug} through .${form}: same themes, actions, owners, statuses, dates and updates`, async () => {
        const contents = await contentsOf(slug);
        const doc = buildActionPlanDocument(contents);
        const bytes = form === 'docx' ? await actionPlanToWord(doc) : await actionPlanToWorkbook(doc);
        const { draft, warnings } = understandDocument(await readSource(`${slug}.${form}`, bytes));
        expect(warnings.filter((w) => !w.message.includes('introduction'))).toEqual([]);

        // The document lists actions without a theme first; compare in the document's order.
        const inDocument = doc.groups.flatMap((g) => g.actions.map((a) => a.title));
        contents.actions.sort((a, b) => inDocument.indexOf(a.title) - inDocument.indexOf(b.title));
        expect(draft.actions.map((a) => a.title)).toEqual(contents.actions.map((a) => a.title));
        expect(draft.actions.map((a) => a.owners)).toEqual(contents.actions.map((a) => a.owners));
        expect(draft.actions.map((a) => a.status)).toEqual(contents.actions.map((a) => a.status));
        expect(draft.actions.map((a) => a.targetDate ?? '')).toEqual(
          contents.actions.map((a) => a.target_text),
        );
        const themeOf = new Map(contents.themes.map((t) => [t.id, t.title]));
        expect(draft.actions.map((a) => a.theme)).toEqual(
          contents.actions.map((a) => (a.theme_id ? themeOf.get(a.theme_id) : null)),
        );
        expect(draft.themes.map((t) => t.title)).toEqual(contents.themes.map((t) => t.title));
        expect(draft.themes.map((t) => t.lead ?? null)).toEqual(contents.themes.map((t) => t.lead));

        const updatesBefore = contents.updates
          .map(
            (u) =>
              `${u.action_id ? contents.actions.find((a) => a.id === u.action_id)!.title : themeOf.get(u.theme_id!)}|${u.effective_on}|${plain(u.body)}`,
          )
          .sort();
        const updatesAfter = [
          ...draft.actions.flatMap((a) =>
            a.updates.map((u) => `${a.title}|${u.effectiveOn}|${plain(u.body)}`),
          ),
          ...draft.themes.flatMap((t) =>
            t.updates.map((u) => `${t.title}|${u.effectiveOn}|${plain(u.body)}`),
          ),
        ];
        expect([...new Set(updatesAfter)].sort()).toEqual(updatesBefore);
      });
    }
  }

  it('is a workbook with a frozen, filtered header, real dates and a sheet of updates', async () => {
    const contents = await contentsOf('staff-survey-2021');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await actionPlanToWorkbook(buildActionPlanDocument(contents))) as unknown as ArrayBuffer,
    );
    const actions = workbook.getWorksheet('Actions')!;
    expect(actions.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(actions.autoFilter).toBeTruthy();
    const header = (actions.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 6)).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery',
      'Status',
    ]);
    const endColumn = header.indexOf('Parsed end') + 1;
    const juneRow = [...Array(actions.rowCount).keys()]
      .map((i) => actions.getRow(i + 1))
      .find((r) => r.getCell(5).value === 'End of June 2021')!;
    expect(juneRow.getCell(endColumn).value).toEqual(new Date(Date.UTC(2021, 5, 30)));
    expect(actions.getRow(2).alignment?.wrapText).toBe(true);
    const updates = workbook.getWorksheet('Updates')!;
    expect(updates.rowCount - 1).toBe(contents.updates.length);
    expect(workbook.getWorksheet('Focus areas')!.rowCount - 1).toBe(4);
  });

  it('is a CSV with a byte-order mark and one row per action', async () => {
    const contents = await contentsOf('staff-survey-2021');
    const csv = actionPlanToCsv(buildActionPlanDocument(contents));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(csv.subarray(3).toString('utf8')) as string[][];
    expect(rows).toHaveLength(15);
    expect(rows[0]!.slice(0, 2)).toEqual(['Action', 'Owner']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(contents.actions.map((a) => a.owners.join('; ')));
  });
});
