// Reads an Excel .xlsx sheet as one table: merged cells, real dates written the UK way, rich text and formula results.
// The small parts (workbook, relationships, styles) are parsed as trees; the sheet and its strings, which can be
// large, are read as a stream of tags (saxes), so a workbook of thousands of rows stays quick and small in memory.
import { formatUkDate } from '../../dates/ukDate.js';
import {
  cell,
  ImportFileError,
  type ReadOptions,
  type SourceCell,
  type SourceDocument,
  type SourceRow,
} from '../source.js';
import { attribute, child, children, escapeHtml, parseXml, scanXml, type XmlElement } from './xml.js';
import type { ZipParts } from './zip.js';

interface CellContent {
  text: string;
  html: string;
}

interface Sheet {
  name: string;
  path: string;
  hidden: boolean;
}

interface Workbook {
  sheets: Sheet[];
  date1904: boolean;
  /** For each cell style index, whether it shows a date, a percentage, or a number as it is. */
  numberStyles: NumberStyle[];
  sharedStrings: CellContent[];
}

/** A merged range, by row and column numbers counted from 1. */
interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** What the sheet holds: its non-empty cells by row and column, its merges and its printed headers and footers. */
interface SheetContent {
  values: Map<number, Map<number, CellContent>>;
  lastRow: number;
  lastColumn: number;
  merges: Merge[];
  furniture: string[];
}

const empty: CellContent = { text: '', html: '' };

/** Built-in number formats that show dates (ECMA-376 18.8.30). */
const dateFormatIds = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

/** Excel's limits: a reference beyond them is damage, not data. */
const maxRows = 1_048_576;
const maxColumns = 16_384;
/** More cells than any action plan has (50,000 rows of 40 columns): beyond it a sheet is refused, not laid out. */
const maxGridCells = 2_000_000;

function plainHtml(text: string): string {
  return text === '' ? '' : `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
}

/** Collects the text and formatted HTML of a string item (<si> or <is>): plain <t>, or rich text runs. */
class StringCollector {
  private text = '';
  private html = '';
  private rich = false;
  private run = { bold: false, italic: false, underline: false };
  private words: string | null = null;
  /** Inside a phonetic guide (<rPh>), whose text is not part of the words. */
  private phonetic = false;

  open(name: string, attributes: Record<string, string>): void {
    if (name === 'rPh') this.phonetic = true;
    else if (this.phonetic) return;
    else if (name === 'r') {
      this.rich = true;
      this.run = { bold: false, italic: false, underline: false };
    } else if (name === 't') this.words = '';
    else if (this.rich && (name === 'b' || name === 'i' || name === 'u')) {
      const on = !['0', 'false', 'none'].includes(attributes.val ?? '');
      if (name === 'b') this.run.bold = on;
      else if (name === 'i') this.run.italic = on;
      else this.run.underline = on;
    }
  }

  characters(text: string): void {
    if (this.words !== null) this.words += text;
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic = false;
    if (name !== 't' || this.words === null) return;
    let part = escapeHtml(this.words).replace(/\r?\n/g, '<br>');
    if (this.run.underline) part = `<u>${part}</u>`;
    if (this.run.italic) part = `<i>${part}</i>`;
    if (this.run.bold) part = `<b>${part}</b>`;
    this.text += this.words;
    this.html += part;
    this.words = null;
  }

  result(): CellContent {
    if (this.text === '') return empty;
    return { text: this.text, html: this.rich ? `<p>${this.html}</p>` : plainHtml(this.text) };
  }
}

function readSharedStrings(xml: string): CellContent[] {
  const strings: CellContent[] = [];
  let current: StringCollector | null = null;
  scanXml(xml, 'xl/sharedStrings.xml', {
    open(name, attributes) {
      if (name === 'si') current = new StringCollector();
      else current?.open(name, attributes);
    },
    text(text) {
      current?.characters(text);
    },
    close(name) {
      if (name === 'si') {
        strings.push(current?.result() ?? empty);
        current = null;
      } else current?.close(name);
    },
  });
  return strings;
}

async function readTree(zip: ZipParts, name: string): Promise<XmlElement | null> {
  const xml = await zip.read(name);
  return xml === null ? null : parseXml(xml, name);
}

async function readSheetList(zip: ZipParts): Promise<Pick<Workbook, 'sheets' | 'date1904'>> {
  const workbook = await readTree(zip, 'xl/workbook.xml');
  if (!workbook) throw new ImportFileError('The file is damaged: it has no workbook part');
  const targets = new Map<string, string>();
  for (const rel of children(
    (await readTree(zip, 'xl/_rels/workbook.xml.rels')) ?? undefined,
    'Relationship',
  )) {
    const target = (attribute(rel, 'Target') ?? '').replace(/^\/?xl\//, '').replace(/^\//, '');
    targets.set(attribute(rel, 'Id') ?? '', `xl/${target}`);
  }
  const sheets = children(child(workbook, 'sheets'), 'sheet').map((sheet) => ({
    name: attribute(sheet, 'name') ?? '',
    path: targets.get(attribute(sheet, 'r:id') ?? '') ?? '',
    hidden: ['hidden', 'veryHidden'].includes(attribute(sheet, 'state') ?? ''),
  }));
  const date1904 = attribute(child(workbook, 'workbookPr'), 'date1904') ?? '';
  return { sheets, date1904: ['1', 'true'].includes(date1904) };
}

type NumberStyle = 'date' | 'percent' | 'number';

/** Excel's built-in percentage formats, 0% and 0.00%. */
const percentFormatIds = new Set([9, 10]);

async function readNumberStyles(zip: ZipParts): Promise<NumberStyle[]> {
  const styles = await readTree(zip, 'xl/styles.xml');
  const custom = new Map<number, string>();
  for (const format of children(child(styles ?? undefined, 'numFmts'), 'numFmt'))
    custom.set(Number(attribute(format, 'numFmtId')), attribute(format, 'formatCode') ?? '');
  return children(child(styles ?? undefined, 'cellXfs'), 'xf').map((xf) => {
    const id = Number(attribute(xf, 'numFmtId') ?? 0);
    if (dateFormatIds.has(id)) return 'date';
    if (percentFormatIds.has(id)) return 'percent';
    // A custom format is a date when, quoted text and colours aside, it has day, month or year codes; a percentage
    // when it has a percent sign.
    const code = (custom.get(id) ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
    if (/[dy]/i.test(code) || /(^|[^h:])m{3,}/i.test(code)) return 'date';
    return code.includes('%') ? 'percent' : 'number';
  });
}

/** The sheet asked for by name, else the first one a person opening the workbook would see. */
function chooseSheet(sheets: Sheet[], wanted: string | undefined): Sheet {
  if (sheets.length === 0) throw new ImportFileError('The workbook has no sheets');
  const chosen = wanted
    ? sheets.find((s) => s.name === wanted)
    : (sheets.find((s) => !s.hidden) ?? sheets[0]);
  if (!chosen)
    throw new ImportFileError(
      `The workbook has no sheet called "${wanted}"; its sheets are: ${sheets.map((s) => s.name).join(', ')}`,
    );
  return chosen;
}

function serialToIso(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const days = Math.floor(serial) + (date1904 ? 1462 : 0);
  // Excel counts 1900 as a leap year, so serials from 61 on are one day ahead of the calendar.
  const date = new Date(Date.UTC(1899, 11, days < 61 ? 31 : 30) + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

/** A number as Excel shows it in General format: 0.30000000000000004 is 0.3. */
function numberText(value: string): string {
  const n = Number(value);
  return Number.isFinite(n) ? String(Number(n.toPrecision(15))) : value;
}

/** Column number from a cell reference: "C12" is 3. */
function columnOf(reference: string): number {
  let n = 0;
  for (const char of reference) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n;
}

function rowOf(reference: string): number {
  return Number(/\d+$/.exec(reference)?.[0] ?? 0);
}

function mergeOf(range: string): Merge | null {
  const [from, to] = range.split(':');
  if (!from || !to) return null;
  const merge = { top: rowOf(from), left: columnOf(from), bottom: rowOf(to), right: columnOf(to) };
  const sane =
    merge.top > 0 &&
    merge.left > 0 &&
    merge.bottom >= merge.top &&
    merge.right >= merge.left &&
    merge.bottom <= maxRows &&
    merge.right <= maxColumns;
  return sane ? merge : null;
}

/**
 * The parts of a printed header or footer ("&C&12NOT PROTECTIVELY MARKED&RPage &P"): &L, &C and &R start the left,
 * centre and right parts; other &-codes are fonts and fields. A part left with only "Page" or "of" is dropped.
 */
function furnitureOf(code: string): string[] {
  return code
    .split(/&[LCR]/)
    .map((piece) =>
      piece
        .replace(/&"[^"]*"|&[A-Za-z]|&\d+|&&/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((piece) => !/^((page|of|sheet)\b\s*)*$/i.test(piece));
}

/** The words a cell shows, from its type (t), style (s) and stored value (<v> or an inline string). */
function cellContent(
  attributes: Record<string, string>,
  raw: string,
  inline: StringCollector | null,
  workbook: Workbook,
): CellContent {
  const type = attributes.t ?? 'n';
  if (type === 's') return workbook.sharedStrings[Number(raw)] ?? empty;
  if (type === 'inlineStr') return inline?.result() ?? empty;
  if (type === 'b') return { text: raw === '1' ? 'TRUE' : 'FALSE', html: '' };
  if (type === 'str') return { text: raw, html: '' };
  if (type === 'e' || raw === '') return empty;
  const style = workbook.numberStyles[Number(attributes.s ?? 0)] ?? 'number';
  // A percentage is stored as a fraction (0.6) and shown as the person typed it (60%).
  if (style === 'percent' && Number.isFinite(Number(raw)))
    return { text: `${numberText(String(Number(raw) * 100))}%`, html: '' };
  const iso = style === 'date' ? serialToIso(Number(raw), workbook.date1904) : null;
  return { text: iso ? formatUkDate(iso) : numberText(raw), html: '' };
}

/** Reads the sheet's tags as they pass, keeping only non-empty cells, merges and header and footer text. */
function readSheetContent(xml: string, part: string, workbook: Workbook): SheetContent {
  const content: SheetContent = { values: new Map(), lastRow: 0, lastColumn: 0, merges: [], furniture: [] };
  const keep = (r: number, column: number, value: CellContent) => {
    const text = value.text.replace(/\r\n?/g, '\n').trim();
    if (text === '' || r < 1 || column < 1 || r > maxRows || column > maxColumns) return;
    const row = content.values.get(r) ?? new Map<number, CellContent>();
    row.set(column, { text, html: value.html || plainHtml(text) });
    content.values.set(r, row);
    content.lastRow = Math.max(content.lastRow, r);
    content.lastColumn = Math.max(content.lastColumn, column);
    // Stop as soon as the sheet is known to be too large, rather than after reading all of it.
    refuseHugeGrid(content.lastRow, content.lastColumn);
  };
  let currentRow = 0;
  let nextColumn = 1;
  let cellAttributes: Record<string, string> | null = null;
  let raw: string | null = null;
  let inline: StringCollector | null = null;
  let headerText: string | null = null;
  const isHeaderFooter = (name: string) => /^(odd|even|first)(Header|Footer)$/.test(name);
  scanXml(xml, part, {
    open(name, attributes) {
      if (name === 'row') {
        currentRow = Number(attributes.r) || currentRow + 1;
        nextColumn = 1;
      } else if (name === 'c') {
        cellAttributes = attributes;
        raw = null;
        inline = null;
      } else if (name === 'v' && cellAttributes) raw = '';
      else if (name === 'is' && cellAttributes) inline = new StringCollector();
      else if (inline) inline.open(name, attributes);
      else if (name === 'mergeCell') {
        const merge = mergeOf(attributes.ref ?? '');
        if (merge) content.merges.push(merge);
      } else if (isHeaderFooter(name)) headerText = '';
    },
    text(text) {
      if (inline) inline.characters(text);
      else if (raw !== null) raw += text;
      else if (headerText !== null) headerText += text;
    },
    close(name) {
      if (headerText !== null && isHeaderFooter(name)) {
        content.furniture.push(...furnitureOf(headerText));
        headerText = null;
      } else if (inline && name !== 'is' && name !== 'c') inline.close(name);
      else if (name === 'c' && cellAttributes) {
        const reference = /^[A-Z]+\d+$/.test(cellAttributes.r ?? '') ? cellAttributes.r! : null;
        const column = reference ? columnOf(reference) : nextColumn;
        keep(
          reference ? rowOf(reference) : currentRow,
          column,
          cellContent(cellAttributes, raw ?? '', inline, workbook),
        );
        nextColumn = column + 1;
        cellAttributes = null;
        raw = null;
        inline = null;
      }
    },
  });
  return content;
}

/** Merges that cover whole columns or rows are formatting, not structure; they are left out. */
function structuralMerges(merges: Merge[]): Merge[] {
  return merges.filter((m) => (m.bottom - m.top + 1) * (m.right - m.left + 1) <= 100_000);
}

function refuseHugeGrid(rows: number, columns: number): void {
  if (rows * columns > maxGridCells)
    throw new ImportFileError(
      `The sheet runs to row ${rows} and column ${columns}, more than Headway reads from one sheet; delete the rows and columns it does not use and upload it again`,
    );
}

/** The sheet's extent, merges included. */
function gridSize(content: SheetContent, merges: Merge[]): { rows: number; columns: number } {
  let rows = content.lastRow;
  let columns = content.lastColumn;
  for (const merge of merges) {
    rows = Math.max(rows, merge.bottom);
    columns = Math.max(columns, merge.right);
  }
  refuseHugeGrid(rows, columns);
  return { rows, columns };
}

/** Rows from the first to the last in use, every one as wide as the sheet, merges laid over them. */
function layOutRows(content: SheetContent): SourceRow[] {
  const merges = structuralMerges(content.merges);
  const size = gridSize(content, merges);
  // The top-left cell spans the merge's width; cells below it continue it; covered cells to its right go.
  const covered = new Map<string, 'right' | 'below'>();
  const spans = new Map<string, number>();
  for (const { top, left, bottom, right } of merges) {
    spans.set(`${top}:${left}`, right - left + 1);
    for (let r = top; r <= bottom; r++)
      for (let c = left; c <= right; c++)
        if (r !== top || c !== left) covered.set(`${r}:${c}`, c === left ? 'below' : 'right');
  }
  const rows: SourceRow[] = [];
  for (let r = 1; r <= size.rows; r++) {
    const cells: SourceCell[] = [];
    for (let c = 1; c <= size.columns; c++) {
      const place = covered.get(`${r}:${c}`);
      if (place === 'right') continue;
      let width = spans.get(`${r}:${c}`) ?? 1;
      if (place === 'below') {
        // The first column of a merge continued below: it spans as the merge does.
        while (covered.get(`${r}:${c + width}`) === 'right') width++;
        cells.push(cell('', '', width, true));
      } else {
        const value = content.values.get(r)?.get(c) ?? empty;
        cells.push(cell(value.text, value.html, width, false));
      }
      c += width - 1;
    }
    rows.push({ cells, repeatedHeader: false });
  }
  return rows;
}

export async function readXlsx(
  fileName: string,
  zip: ZipParts,
  options: ReadOptions,
): Promise<SourceDocument> {
  const { sheets, date1904 } = await readSheetList(zip);
  const sheet = chooseSheet(sheets, options.sheet);
  const sharedXml = await zip.read('xl/sharedStrings.xml');
  const workbook: Workbook = {
    sheets,
    date1904,
    numberStyles: await readNumberStyles(zip),
    sharedStrings: sharedXml ? readSharedStrings(sharedXml) : [],
  };
  const sheetXml = await zip.read(sheet.path);
  if (sheetXml === null)
    throw new ImportFileError(`The file is damaged: the sheet "${sheet.name}" is missing`);
  const content = readSheetContent(sheetXml, sheet.path, workbook);
  const rows = layOutRows(content);
  return {
    kind: 'xlsx',
    fileName,
    blocks: rows.length > 0 ? [{ type: 'table', rows }] : [],
    pageFurniture: [...new Set(content.furniture)],
    sheets: { names: sheets.map((s) => s.name), chosen: sheet.name },
  };
}
