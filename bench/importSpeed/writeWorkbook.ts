// Writes the benchmark plan as a workbook laid out like the ones organisations keep: title, header on row 3, merged themes.
import ExcelJS from 'exceljs';
import type { ImportedPlan, ImportedRow } from './importedPlan.js';

export const workbookHeaders = [
  'Ref',
  'Theme',
  'Action',
  'Owner',
  'Progress',
  'Future planned actions',
  'Target date',
  'Status',
  'RAG',
];
const widths = [8, 22, 40, 22, 60, 40, 16, 14, 8];
const headerRow = 3;

export async function writeWorkbook(plan: ImportedPlan, file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  // Fixed, so the same seed gives the same file byte for byte apart from the zip's own timestamps.
  workbook.created = workbook.modified = new Date(Date.UTC(2024, 2, 31));
  workbook.creator = 'Headway import benchmark';
  const sheet = workbook.addWorksheet('Action plan', {
    views: [{ state: 'frozen', ySplit: headerRow }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = widths.map((width) => ({ width }));

  sheet.getCell('A1').value = plan.title;
  sheet.getCell('A1').font = { bold: true, size: 14 };
  sheet.mergeCells(1, 1, 1, workbookHeaders.length);

  const header = sheet.getRow(headerRow);
  header.values = workbookHeaders;
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
  });
  sheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: 9 } };

  let next = headerRow + 1;
  for (const theme of plan.themes) {
    const first = next;
    for (const row of theme.rows) {
      const written = sheet.getRow(next);
      written.values = cellValues(row, next === first ? theme.title : null);
      written.alignment = { vertical: 'top', wrapText: true };
      written.getCell(7).numFmt = 'dd/mm/yyyy';
      next += 1;
    }
    // The theme is written once and merged down over its rows, as people do to make the sheet readable.
    if (next - 1 > first) sheet.mergeCells(first, 2, next - 1, 2);
  }
  await workbook.xlsx.writeFile(file);
}

function cellValues(row: ImportedRow, theme: string | null): ExcelJS.CellValue[] {
  const progress = [row.progress, ...row.progressPoints.map((point) => `• ${point}`), ...row.entries];
  return [
    row.ref,
    theme,
    row.title,
    row.owners.join('\n'),
    progress.join('\n'),
    row.futureActions.map((line) => `- ${line}`).join('\n'),
    'date' in row.target ? row.target.date : row.target.text,
    row.status,
    row.rag,
  ];
}
