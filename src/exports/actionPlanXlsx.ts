// The action-plan document as a workbook: "Actions" (one row per action, then the focus areas under "Rolling
// Updates:", so that importing the first sheet gives the whole plan back), "Updates" and "Focus areas".
// Rich text becomes plain text, lists numbered; dates that could be read become real Excel dates.
import ExcelJS from 'exceljs';
import {
  actionAsText,
  actionsInOrder,
  focusAreaAsText,
  parsedDateColumns,
  type ActionPlanColumn,
  type ActionPlanDocument,
} from './actionPlanDocument.js';
import { richTextToCellText } from './richTextToCellText.js';

const dateFormat = 'd mmmm yyyy';

const widths: Record<ActionPlanColumn | (typeof parsedDateColumns)[number], number> = {
  Theme: 24,
  Ref: 8,
  Horizon: 20,
  Action: 40,
  Owner: 20,
  Progress: 60,
  'Future Planned Actions': 45,
  'Dates for delivery': 18,
  Status: 13,
  RAG: 8,
  '% complete': 11,
  'Parsed start': 16,
  'Parsed end': 16,
};

function excelDate(iso: string | null): Date | null {
  return iso ? new Date(`${iso}T00:00:00Z`) : null;
}

/** The marking in Excel's header and footer codes: &C centres, &B toggles bold, a literal ampersand is doubled. */
function markingCode(marking: string): string {
  return marking ? `&B${marking.replace(/&/g, '&&')}&B` : '';
}

/** A sheet that reads and prints as a table: bold header frozen and repeated on every printed page, filters, wrapping. */
function tableSheet(
  workbook: ExcelJS.Workbook,
  doc: ActionPlanDocument,
  name: string,
  columns: Partial<ExcelJS.Column>[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    },
    headerFooter: {
      oddHeader: doc.marking ? `&C${markingCode(doc.marking)}` : '',
      oddFooter: `&C${doc.marking ? `${markingCode(doc.marking)}\n` : ''}Page &P of &N`,
    },
  });
  sheet.columns = columns;
  return sheet;
}

/** Excel's tallest row, in points. */
const tallestRow = 409;

/**
 * Rows as tall as their wrapped text. Readers differ on whether they fit a row's height to its text when they open a
 * file (LibreOffice does not), so the height is written: about one 15 pt line per column's width of characters.
 */
function fitRowHeights(sheet: ExcelJS.Worksheet): void {
  sheet.eachRow((row) => {
    let lines = 1;
    row.eachCell((cell, column) => {
      if (typeof cell.value !== 'string' || cell.isMerged) return;
      // A column's width counts zeros; ordinary text fits a few more characters than that.
      const perLine = Math.max(1, Math.floor((sheet.getColumn(column).width ?? 10) * 1.15));
      const cellLines = cell.value
        .split('\n')
        .reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / perLine)), 0);
      lines = Math.max(lines, cellLines);
    });
    row.height = Math.min(tallestRow, lines * 15 + 3);
  });
}

function finishTable(sheet: ExcelJS.Worksheet): void {
  fitRowHeights(sheet);
  const header = sheet.getRow(1);
  header.font = { name: 'Calibri', size: 11, bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8E8E8' } };
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columnCount } };
  sheet.eachRow((row) => {
    row.alignment = { wrapText: true, vertical: 'top' };
  });
}

export async function actionPlanToXlsx(doc: ActionPlanDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Headway';
  workbook.title = doc.title;
  workbook.created = new Date(`${doc.generatedOn}T00:00:00Z`);

  const columns = [...doc.columns, ...parsedDateColumns];
  const actions = tableSheet(
    workbook,
    doc,
    'Actions',
    columns.map((header) => ({ header, key: header, width: widths[header] })),
  );
  for (const action of actionsInOrder(doc))
    actions.addRow({
      ...actionAsText(action),
      'Parsed start': excelDate(action.targetStart),
      'Parsed end': excelDate(action.targetEnd),
    });
  if (doc.focusAreas.length > 0) {
    // Across the whole row, as in the Word file: a heading, not an action, whichever column comes first.
    const heading = actions.addRow([]);
    heading.getCell(1).value = 'Rolling Updates:';
    heading.font = { name: 'Calibri', size: 11, bold: true, underline: true };
    actions.mergeCells(heading.number, 1, heading.number, columns.length);
    for (const area of doc.focusAreas) actions.addRow(focusAreaAsText(area));
  }
  for (const header of parsedDateColumns) actions.getColumn(header).numFmt = dateFormat;
  finishTable(actions);

  const updates = tableSheet(workbook, doc, 'Updates', [
    { header: 'Action or focus area', key: 'subject', width: 45 },
    { header: 'Date', key: 'date', width: 16, style: { numFmt: dateFormat } },
    { header: 'Author', key: 'author', width: 22 },
    { header: 'Update', key: 'body', width: 80 },
    { header: 'Status change', key: 'status', width: 16 },
  ]);
  const subjects = [...actionsInOrder(doc), ...doc.focusAreas];
  for (const subject of subjects)
    for (const update of subject.updates)
      updates.addRow({
        subject: subject.title,
        date: excelDate(update.effectiveOn),
        author: update.author,
        body: richTextToCellText(update.body),
        status: update.statusChangeLabel,
      });
  finishTable(updates);

  const areas = tableSheet(workbook, doc, 'Focus areas', [
    { header: 'Focus area', key: 'title', width: 40 },
    { header: 'Lead', key: 'lead', width: 24 },
    { header: 'Status', key: 'status', width: 14 },
    { header: 'Progress', key: 'progress', width: 60 },
    { header: 'Future Planned Actions', key: 'future', width: 50 },
  ]);
  for (const area of doc.focusAreas)
    areas.addRow({
      title: area.title,
      lead: area.lead,
      status: area.status,
      progress: richTextToCellText(area.progress),
      future: richTextToCellText(area.futureActions),
    });
  finishTable(areas);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
