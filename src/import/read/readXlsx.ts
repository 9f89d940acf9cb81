// Reads an Excel .xlsx sheet as one table: merged cells, real dates written the UK way, rich text and formula results.
import ExcelJS from 'exceljs';
import { formatUkDate } from '../../dates/ukDate.js';
import {
  cell,
  ImportFileError,
  type ReadOptions,
  type SourceCell,
  type SourceDocument,
  type SourceRow,
} from '../source.js';
import { escapeHtml } from './xml.js';
import { openZip } from './zip.js';

function isoOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function numberText(value: number): string {
  return String(Number(value.toPrecision(15)));
}

function plainHtml(text: string): string {
  return text === '' ? '' : `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
}

/** The words and HTML of a cell's value, whatever kind of value Excel stored. */
function valueOf(value: ExcelJS.CellValue): { text: string; html: string } {
  if (value === null || value === undefined) return { text: '', html: '' };
  if (value instanceof Date) {
    const text = Number.isNaN(value.getTime()) ? '' : formatUkDate(isoOf(value));
    return { text, html: plainHtml(text) };
  }
  if (typeof value === 'number') return { text: numberText(value), html: plainHtml(numberText(value)) };
  if (typeof value === 'boolean')
    return { text: value ? 'TRUE' : 'FALSE', html: plainHtml(value ? 'TRUE' : 'FALSE') };
  if (typeof value === 'string') return { text: value, html: plainHtml(value) };
  if ('richText' in value && Array.isArray(value.richText)) {
    let html = '';
    for (const run of value.richText) {
      let part = escapeHtml(run.text ?? '').replace(/\r?\n/g, '<br>');
      if (run.font?.underline) part = `<u>${part}</u>`;
      if (run.font?.italic) part = `<i>${part}</i>`;
      if (run.font?.bold) part = `<b>${part}</b>`;
      html += part;
    }
    const text = value.richText.map((run) => run.text ?? '').join('');
    return { text, html: text === '' ? '' : `<p>${html}</p>` };
  }
  if ('formula' in value || 'sharedFormula' in value)
    return valueOf((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('hyperlink' in value) {
    const text = String((value as ExcelJS.CellHyperlinkValue).text ?? '');
    return { text, html: plainHtml(text) };
  }
  if ('error' in value) return { text: '', html: '' };
  return { text: '', html: '' };
}

function trimmedText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

export async function readXlsx(
  fileName: string,
  bytes: Buffer,
  options: ReadOptions,
): Promise<SourceDocument> {
  await openZip(bytes, options); // refuses zip bombs before the spreadsheet library inflates anything
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new ImportFileError(
      `The file is damaged: Headway could not read it as a workbook (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`,
    );
  }
  const names = workbook.worksheets.map((sheet) => sheet.name);
  if (names.length === 0) throw new ImportFileError('The workbook has no sheets');
  const sheet = options.sheet ? workbook.getWorksheet(options.sheet) : workbook.worksheets[0];
  if (!sheet)
    throw new ImportFileError(
      `The workbook has no sheet called "${options.sheet}"; its sheets are: ${names.join(', ')}`,
    );

  const rows: SourceRow[] = [];
  let lastRow = 0;
  let lastColumn = 0;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    row.eachCell({ includeEmpty: false }, (c, columnNumber) => {
      if (trimmedText(valueOf(c.value).text) !== '' || c.isMerged) {
        lastRow = Math.max(lastRow, rowNumber);
        lastColumn = Math.max(lastColumn, columnNumber);
      }
    });
  });
  for (let r = 1; r <= lastRow; r++) {
    const cells: SourceCell[] = [];
    for (let c = 1; c <= lastColumn; c++) {
      const here = sheet.getCell(r, c);
      const master = here.isMerged ? here.master : here;
      if (master !== here && Number(master.row) === r) continue; // covered by a merge to its left
      let span = 1;
      while (c + span <= lastColumn) {
        const next = sheet.getCell(r, c + span);
        if (!next.isMerged || next.master.address !== master.address) break;
        span++;
      }
      if (master !== here) {
        cells.push(cell('', '', span, true));
      } else {
        const { text, html } = valueOf(here.value);
        cells.push(cell(trimmedText(text), html, span, false));
      }
      c += span - 1;
    }
    rows.push({ cells, repeatedHeader: false });
  }
  return {
    kind: 'xlsx',
    fileName,
    blocks: rows.length > 0 ? [{ type: 'table', rows }] : [],
    pageFurniture: [],
    sheets: { names, chosen: sheet.name },
  };
}
