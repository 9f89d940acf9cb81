import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSample } from '../../testing/samples.js';
import { ImportFileError, type SourceCell, type SourceDocument } from '../source.js';
import { readSource } from './readSource.js';

function rowsOf(doc: SourceDocument): SourceCell[][] {
  const table = doc.blocks[0];
  if (doc.blocks.length !== 1 || table?.type !== 'table') throw new Error('expected one table');
  return table.rows.map((row) => row.cells);
}

function texts(row: SourceCell[] | undefined): string[] {
  return (row ?? []).map((c) => c.text);
}

/** The grid width a row covers, counting each cell's span. */
function width(row: SourceCell[]): number {
  return row.reduce((sum, c) => sum + c.colSpan, 0);
}

async function bytesOf(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A plan the way people lay one out: a title, a header on row 4, merged theme cells, dates real and typed. */
async function planWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Notes').getCell('A1').value = 'Read me first';
  const sheet = workbook.addWorksheet('Plan');
  sheet.getCell('A1').value = 'Culture plan';
  sheet.getRow(4).values = ['Theme', 'Action', 'Target date', 'Status'];
  sheet.getRow(5).values = ['Trust', 'Launch dashboard', new Date(Date.UTC(2021, 7, 7)), 'Complete'];
  sheet.getRow(6).values = [null, 'Revise complaints', 'end of sept 21', 'In progress'];
  sheet.getRow(7).values = [null, 'Survey staff', '07/08/2021', 'Not started'];
  sheet.getRow(8).values = ['Welfare heading'];
  sheet.getRow(9).values = ['Welfare', 'Review rotas'];
  sheet.mergeCells('A5:A7');
  sheet.mergeCells('A8:D8');
  sheet.mergeCells('C9:D10');
  sheet.getCell('B10').value = 'Last action';
  sheet.headerFooter.oddFooter = '&C&"Arial,Bold"OFFICIAL&RPage &P of &N';
  return bytesOf(workbook);
}

describe('reading a workbook', () => {
  it('reads the chosen sheet as one table from row 1 to the last row in use, every row as wide as the sheet', async () => {
    const doc = await readSource('plan.xlsx', await planWorkbook(), { sheet: 'Plan' });
    expect(doc.kind).toBe('xlsx');
    expect(doc.sheets).toEqual({ names: ['Notes', 'Plan'], chosen: 'Plan' });
    const rows = rowsOf(doc);
    expect(rows).toHaveLength(10);
    expect(rows.map(width)).toEqual(Array(10).fill(4));
    expect(texts(rows[0])).toEqual(['Culture plan', '', '', '']);
    expect(texts(rows[1])).toEqual(['', '', '', '']);
    expect(texts(rows[3])).toEqual(['Theme', 'Action', 'Target date', 'Status']);
  });

  it('reads the marking from the printed footer, leaving out page numbers', async () => {
    const doc = await readSource('plan.xlsx', await planWorkbook(), { sheet: 'Plan' });
    expect(doc.pageFurniture).toEqual(['OFFICIAL']);
  });

  it('writes real dates the UK way and keeps dates typed as text as they were typed', async () => {
    const rows = rowsOf(await readSource('plan.xlsx', await planWorkbook(), { sheet: 'Plan' }));
    expect(rows[4]![2]!.text).toBe('7 August 2021');
    expect(rows[5]![2]!.text).toBe('end of sept 21');
    expect(rows[6]![2]!.text).toBe('07/08/2021');
  });

  it('lays merged ranges over the grid: the top-left cell spans, cells below continue it', async () => {
    const rows = rowsOf(await readSource('plan.xlsx', await planWorkbook(), { sheet: 'Plan' }));
    expect(rows[4]![0]).toEqual({ text: 'Trust', html: '<p>Trust</p>', colSpan: 1, mergedAbove: false });
    expect(rows[5]![0]).toEqual({ text: '', html: '', colSpan: 1, mergedAbove: true });
    expect(rows[6]![0]!.mergedAbove).toBe(true);
    expect(rows[7]).toEqual([
      { text: 'Welfare heading', html: '<p>Welfare heading</p>', colSpan: 4, mergedAbove: false },
    ]);
    expect(rows[8]!.map((c) => [c.text, c.colSpan, c.mergedAbove])).toEqual([
      ['Welfare', 1, false],
      ['Review rotas', 1, false],
      ['', 2, false],
    ]);
    expect(rows[9]!.map((c) => [c.text, c.colSpan, c.mergedAbove])).toEqual([
      ['', 1, false],
      ['Last action', 1, false],
      ['', 2, true],
    ]);
  });

  it('reads the first sheet a person would see when none is named, and names the sheets when one is unknown', async () => {
    const bytes = await planWorkbook();
    expect((await readSource('plan.xlsx', bytes)).sheets?.chosen).toBe('Notes');

    const refusal = readSource('plan.xlsx', bytes, { sheet: 'Actions' });
    await expect(refusal).rejects.toBeInstanceOf(ImportFileError);
    await expect(refusal).rejects.toThrow(
      'The workbook has no sheet called "Actions"; its sheets are: Notes, Plan',
    );

    const hiddenFirst = new ExcelJS.Workbook();
    hiddenFirst.addWorksheet('Lookups', { state: 'hidden' }).getCell('A1').value = 'RAG';
    hiddenFirst.addWorksheet('Actions').getCell('A1').value = 'Action';
    const doc = await readSource('plan.xlsx', await bytesOf(hiddenFirst));
    expect(doc.sheets).toEqual({ names: ['Lookups', 'Actions'], chosen: 'Actions' });
  });

  it('shows numbers, booleans, formulas, links and rich text as Excel displays them', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Values');
    sheet.getRow(1).values = [0.1 + 0.2, 42, true, false];
    sheet.getCell('E1').value = { formula: 'B1*2', result: 84 };
    sheet.getCell('F1').value = { formula: 'CONCAT("On ","track")', result: 'On track' };
    sheet.getCell('A2').value = { text: 'GOV.UK', hyperlink: 'https://www.gov.uk' };
    sheet.getCell('B2').value = {
      richText: [
        { text: 'Bold', font: { bold: true } },
        { text: ' italic', font: { italic: true } },
        { text: ' under', font: { underline: true } },
        { text: ' & plain' },
      ],
    };
    sheet.getCell('C2').value = 'First line\nSecond <line>';
    const rows = rowsOf(await readSource('values.xlsx', await bytesOf(workbook)));
    expect(texts(rows[0])).toEqual(['0.3', '42', 'TRUE', 'FALSE', '84', 'On track']);
    expect(rows[1]![0]!.text).toBe('GOV.UK');
    expect(rows[1]![1]).toMatchObject({
      text: 'Bold italic under & plain',
      html: '<p><b>Bold</b><i> italic</i><u> under</u> &amp; plain</p>',
    });
    expect(rows[1]![2]).toMatchObject({
      text: 'First line\nSecond <line>',
      html: '<p>First line<br>Second &lt;line&gt;</p>',
    });
  });

  it('refuses a sheet whose cells run far beyond any plan, without laying it out', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Plan');
    sheet.getCell('A1').value = 'Action';
    sheet.getCell('XFD1048576').value = 'stray';
    const refusal = readSource('plan.xlsx', await bytesOf(workbook));
    await expect(refusal).rejects.toBeInstanceOf(ImportFileError);
    await expect(refusal).rejects.toThrow(/^The sheet runs to row 1048576 and column 16384/);
  });
});

describe('reading the sample workbook', () => {
  it('reads the staff-survey workbook: the marking and title merged across rows 1, 2 and 24, the header on row 3', async () => {
    const doc = await readSource(
      'staff-survey-action-plan.xlsx',
      await readSample('staff-survey-action-plan.xlsx'),
    );
    expect(doc.sheets).toEqual({ names: ['Sheet1'], chosen: 'Sheet1' });
    const rows = rowsOf(doc);
    expect(rows).toHaveLength(24);
    expect(rows.map(width)).toEqual(Array(24).fill(6));
    expect(rows[0]).toEqual([
      {
        text: 'NOT PROTECTIVELY MARKED',
        html: '<p>NOT PROTECTIVELY MARKED</p>',
        colSpan: 6,
        mergedAbove: false,
      },
    ]);
    expect(rows[1]![0]).toMatchObject({ text: 'Staff Survey - Action Plan', colSpan: 6 });
    expect(rows[23]![0]).toMatchObject({ text: 'NOT PROTECTIVELY MARKED', colSpan: 6 });
    expect(texts(rows[2])).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery of future actions',
      'Status',
    ]);
    const focusGroups = rows.find((r) => r[0]!.text.startsWith('Hold focus groups with Directorates'))!;
    expect(focusGroups[1]!.text).toBe('Luke Baldock');
    // The workbook's dates are text as typed, not real dates.
    expect(rows.find((r) => r[0]!.text.startsWith('Update July PAB'))![4]!.text).toBe('Sep-21');
    expect(rows.find((r) => r[0]!.text.startsWith('Hold dedicated Focus Group'))![4]!.text).toBe(
      'end of sept 21',
    );
    // Its printed header and footer hold only fields (sheet name, page number), so no furniture is read from them.
    expect(doc.pageFurniture).toEqual([]);
  });
});
