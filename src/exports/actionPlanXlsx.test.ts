import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToXlsx } from './actionPlanXlsx.js';

async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

function rowsOf(sheet: ExcelJS.Worksheet): Record<string, unknown>[] {
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, number) => {
    if (number > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return rows;
}

describeEachDatabase('the action-plan document as a workbook', (current) => {
  const workbookOf = async (slug: string) => {
    await loadDemo(current(), { name: 'Test Manager' });
    const contents = await loadPlanContents(current().kysely, slug, { updates: 'all' });
    const doc = buildActionPlanDocument(contents, '2026-11-23');
    return { contents, doc, workbook: await readWorkbook(await actionPlanToXlsx(doc)) };
  };

  it('has a sheet of actions, one row each, with a frozen, filtered, wrapped header', async () => {
    const { contents, doc, workbook } = await workbookOf('staff-survey-2021');
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Actions', 'Updates', 'Focus areas']);
    const sheet = workbook.getWorksheet('Actions')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery',
      'Status',
      'Parsed start',
      'Parsed end',
    ]);
    expect(sheet.getRow(2).getCell(3).alignment).toMatchObject({ wrapText: true });
    expect(sheet.getColumn(3).width).toBeGreaterThan(40);

    const rows = rowsOf(sheet);
    const actionRows = rows.slice(
      0,
      rows.findIndex((r) => r.Action === 'Rolling Updates:'),
    );
    expect(sheet.getCell(actionRows.length + 2, 1).isMerged).toBe(true);
    expect(actionRows).toHaveLength(14);
    expect(contents.actions).toHaveLength(14);
    expect(actionRows.map((r) => r.Action)).toEqual(actionsInOrder(doc).map((a) => a.title));
    expect(actionRows.map((r) => r.Status)).toEqual(actionsInOrder(doc).map((a) => a.statusLabel));
    expect(new Set(actionRows.map((r) => r.Status))).toEqual(new Set(['Complete', 'Ongoing']));
    // The focus areas follow, so that importing the first sheet gives the whole plan back.
    expect(rows.slice(actionRows.length + 1).map((r) => r.Action)).toEqual(
      doc.focusAreas.map((f) => f.title),
    );
  });

  it('adds a sheet of the findings coverage after the others when the plan has findings, and none when not', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const contents = await loadPlanContents(current().kysely, 'staff-survey-2021', { updates: 'all' });
    const lines = [
      '2 survey findings: 2 with actions, 1 complete',
      '4 focus-group themes: 3 with actions, none complete',
    ];
    const workbook = await readWorkbook(
      await actionPlanToXlsx(buildActionPlanDocument(contents, '2026-11-23', lines)),
    );
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Actions',
      'Updates',
      'Focus areas',
      'Findings coverage',
    ]);
    expect(rowsOf(workbook.getWorksheet('Findings coverage')!)).toEqual(
      lines.map((line) => ({ 'Findings coverage': line })),
    );
  });

  it('gives a date it could read as a real date, and leaves the words as written', async () => {
    const { workbook } = await workbookOf('staff-survey-2021');
    const june = rowsOf(workbook.getWorksheet('Actions')!).find(
      (r) => r['Dates for delivery'] === 'End of June 2021',
    )!;
    expect(june['Parsed end']).toEqual(new Date(Date.UTC(2021, 5, 30)));
    expect(june['Parsed start']).toBeInstanceOf(Date);
    const ongoing = rowsOf(workbook.getWorksheet('Actions')!).find(
      (r) => r['Dates for delivery'] === 'ongoing',
    )!;
    expect(ongoing['Parsed end']).toBeNull();
    const sheet = workbook.getWorksheet('Actions')!;
    const endColumn = (sheet.getRow(1).values as unknown[]).indexOf('Parsed end');
    expect(sheet.getRow(2).getCell(endColumn).numFmt).toBe('d mmmm yyyy');
  });

  it('lists every update with its real date, author and status change, and every focus area', async () => {
    const { contents, doc, workbook } = await workbookOf('staff-survey-2021');
    const updates = rowsOf(workbook.getWorksheet('Updates')!);
    expect(updates).toHaveLength(contents.updates.length);
    expect(Object.keys(updates[0]!)).toEqual([
      'Action or focus area',
      'Date',
      'Author',
      'Update',
      'Status change',
    ]);
    const first = updates.find((u) => u['Action or focus area'] === 'Return to Work Plan')!;
    expect(first.Date).toEqual(new Date(Date.UTC(2021, 7, 7)));
    expect(first.Author).toBeTruthy();
    expect(String(first.Update)).not.toMatch(/<[a-z]/);

    const areas = rowsOf(workbook.getWorksheet('Focus areas')!);
    expect(areas.map((a) => a['Focus area'])).toEqual(doc.focusAreas.map((f) => f.title));
    expect(areas.map((a) => a.Lead)).toEqual(doc.focusAreas.map((f) => f.lead));
    expect(areas.every((a) => a.Lead !== '')).toBe(true);
  });

  it('carries the marking in the printed header and footer, and prints landscape with the header on every page', async () => {
    const { workbook } = await workbookOf('staff-survey-2021');
    const sheet = workbook.getWorksheet('Actions')!;
    expect(sheet.headerFooter.oddHeader).toBe('&C&BNOT PROTECTIVELY MARKED&B');
    expect(sheet.headerFooter.oddFooter).toContain('NOT PROTECTIVELY MARKED');
    expect(sheet.headerFooter.oddFooter).toContain('Page &P of &N');
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', printTitlesRow: '1:1' });
  });
});
