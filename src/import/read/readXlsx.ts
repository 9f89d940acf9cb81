// Reads an Excel .xlsx sheet as one table: merged cells, real dates written the UK way, rich text and formula results.
// The parts are read straight from the zip with the XML parser used for Word files; only what a table needs is read,
// which keeps a workbook of thousands of rows quick and small in memory.
import { formatUkDate } from '../../dates/ukDate.js';
import {
  cell,
  ImportFileError,
  type ReadOptions,
  type SourceCell,
  type SourceDocument,
  type SourceRow,
} from '../source.js';
import { child, children, escapeHtml, parseXml, type Element } from './xml.js';
import { openZip, type ZipParts } from './zip.js';

interface SharedString {
  text: string;
  html: string;
}

interface Sheet {
  name: string;
  path: string;
}

/** Built-in number formats that show dates (ECMA-376 18.8.30). */
const dateFormatIds = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

function plainHtml(text: string): string {
  return text === '' ? '' : `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        (name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1))) || 32,
      );
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[name.toLowerCase()] ?? '';
  });
}

const textPattern = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g;

function joinedText(xml: string): string {
  let text = '';
  for (const match of xml.matchAll(textPattern)) text += decodeXml(match[1] ?? '');
  return text;
}

/** A string item's XML: plain (<t>) or rich text runs (<r><rPr/><t/></r>) keeping bold, italic and underline. */
function stringItem(xml: string): SharedString {
  if (!xml.includes('<r>') && !xml.includes('<r ')) {
    const text = joinedText(xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, ''));
    return { text, html: plainHtml(text) };
  }
  let text = '';
  let html = '';
  for (const run of xml.matchAll(/<r(?:\s[^>]*)?>([\s\S]*?)<\/r>/g)) {
    const body = run[1]!;
    const props = /<rPr>([\s\S]*?)<\/rPr>/.exec(body)?.[1] ?? '';
    const words = joinedText(body.replace(/<rPr>[\s\S]*?<\/rPr>/, ''));
    const flag = (name: string) => new RegExp(`<${name}(\\s+val="(?!0|false|none)[^"]*")?\\s*/>`).test(props);
    let part = escapeHtml(words).replace(/\r?\n/g, '<br>');
    if (flag('u')) part = `<u>${part}</u>`;
    if (flag('i')) part = `<i>${part}</i>`;
    if (flag('b')) part = `<b>${part}</b>`;
    text += words;
    html += part;
  }
  return { text, html: text === '' ? '' : `<p>${html}</p>` };
}

/** A part's XML as text, refusing DTDs and entities as every XML part is refused. */
async function rawPart(zip: ZipParts, name: string): Promise<string | null> {
  const xml = await zip.read(name);
  if (xml !== null && /<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new ImportFileError('The file contains XML features Headway does not accept');
  return xml;
}

async function part(zip: ZipParts, name: string): Promise<Element | null> {
  const xml = await zip.read(name);
  return xml === null ? null : (parseXml(xml, name).documentElement ?? null);
}

async function readSheets(zip: ZipParts): Promise<{ sheets: Sheet[]; date1904: boolean }> {
  const workbook = await part(zip, 'xl/workbook.xml');
  if (!workbook) throw new ImportFileError('The file is damaged: it has no workbook part');
  const rels = await part(zip, 'xl/_rels/workbook.xml.rels');
  const targets = new Map<string, string>();
  for (const rel of rels ? children(rels, 'Relationship') : []) {
    const target = (rel.getAttribute('Target') ?? '').replace(/^\/?xl\//, '').replace(/^\//, '');
    targets.set(rel.getAttribute('Id') ?? '', `xl/${target}`);
  }
  const sheetsElement = child(workbook, 'sheets');
  const sheets = (sheetsElement ? children(sheetsElement, 'sheet') : []).map((sheet) => ({
    name: sheet.getAttribute('name') ?? '',
    path: targets.get(sheet.getAttribute('r:id') ?? '') ?? '',
  }));
  const properties = child(workbook, 'workbookPr');
  return { sheets, date1904: ['1', 'true'].includes(properties?.getAttribute('date1904') ?? '') };
}

/** For each cell style index, whether it shows a date. */
async function readDateStyles(zip: ZipParts): Promise<boolean[]> {
  const styles = await part(zip, 'xl/styles.xml');
  if (!styles) return [];
  const custom = new Map<number, string>();
  const formats = child(styles, 'numFmts');
  for (const format of formats ? children(formats, 'numFmt') : [])
    custom.set(Number(format.getAttribute('numFmtId')), format.getAttribute('formatCode') ?? '');
  const xfs = child(styles, 'cellXfs');
  return (xfs ? children(xfs, 'xf') : []).map((xf) => {
    const id = Number(xf.getAttribute('numFmtId') ?? 0);
    if (dateFormatIds.has(id)) return true;
    // A custom format is a date when, quoted text and colours aside, it has day, month or year codes.
    const code = (custom.get(id) ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
    return /[dy]/i.test(code) || /(^|[^h:])m{3,}/i.test(code);
  });
}

function serialToIso(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const days = Math.floor(serial) + (date1904 ? 1462 : 0);
  // Excel counts 1900 as a leap year, so serials from 61 on are one day ahead of the calendar.
  const date = new Date(Date.UTC(1899, 11, days < 61 ? 31 : 30) + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

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

export async function readXlsx(
  fileName: string,
  bytes: Buffer,
  options: ReadOptions,
): Promise<SourceDocument> {
  const zip = await openZip(bytes, options);
  const { sheets, date1904 } = await readSheets(zip);
  if (sheets.length === 0) throw new ImportFileError('The workbook has no sheets');
  const names = sheets.map((s) => s.name);
  const sheet = options.sheet ? sheets.find((s) => s.name === options.sheet) : sheets[0];
  if (!sheet)
    throw new ImportFileError(
      `The workbook has no sheet called "${options.sheet}"; its sheets are: ${names.join(', ')}`,
    );
  const sharedXml = await rawPart(zip, 'xl/sharedStrings.xml');
  const shared = sharedXml
    ? [...sharedXml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => stringItem(m[1]!))
    : [];
  const dateStyles = await readDateStyles(zip);
  const sheetXml = await rawPart(zip, sheet.path);
  if (sheetXml === null)
    throw new ImportFileError(`The file is damaged: the sheet "${sheet.name}" is missing`);

  const values = new Map<number, Map<number, SharedString>>();
  let lastRow = 0;
  let lastColumn = 0;
  // Sheets can hold hundreds of thousands of cells: they are scanned as text, not built into a document tree.
  let currentRow = 0;
  let nextColumn = 1;
  const cellPattern = /<row\b([^>]*?)\/?>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
  for (const match of sheetXml.matchAll(cellPattern)) {
    if (match[1] !== undefined) {
      currentRow = Number(/\br="(\d+)"/.exec(match[1])?.[1] ?? currentRow + 1);
      nextColumn = 1;
      continue;
    }
    const attributes = match[2] ?? '';
    const inner = match[3] ?? '';
    const reference = /\br="([A-Z]+\d+)"/.exec(attributes)?.[1];
    const r = reference ? rowOf(reference) : currentRow;
    const column = reference ? columnOf(reference) : nextColumn;
    nextColumn = column + 1;
    if (!r || !column || r > 1_048_576 || column > 16_384) continue;
    const type = /\bt="(\w+)"/.exec(attributes)?.[1] ?? 'n';
    const raw = decodeXml(/<v>([\s\S]*?)<\/v>/.exec(inner)?.[1] ?? '');
    let value: SharedString;
    if (type === 's') value = shared[Number(raw)] ?? { text: '', html: '' };
    else if (type === 'inlineStr') value = stringItem(/<is>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? '');
    else if (type === 'b') value = { text: raw === '1' ? 'TRUE' : 'FALSE', html: '' };
    else if (type === 'e' || raw === '') value = { text: '', html: '' };
    else if (type === 'str') value = { text: raw, html: '' };
    else {
      const style = Number(/\bs="(\d+)"/.exec(attributes)?.[1] ?? 0);
      const iso = dateStyles[style] ? serialToIso(Number(raw), date1904) : null;
      value = { text: iso ? formatUkDate(iso) : numberText(raw), html: '' };
    }
    const text = value.text.replace(/\r\n?/g, '\n').trim();
    if (text === '') continue;
    const cells = values.get(r) ?? new Map<number, SharedString>();
    cells.set(column, { text, html: value.html || plainHtml(text) });
    values.set(r, cells);
    lastRow = Math.max(lastRow, r);
    lastColumn = Math.max(lastColumn, column);
  }

  // Merged ranges: the top-left cell spans the width; cells below it continue it; covered cells to its right go.
  const covered = new Map<string, 'right' | 'below'>();
  const spans = new Map<string, number>();
  for (const merge of sheetXml.matchAll(/<mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"/g)) {
    const [, from, to] = merge;
    if (!from || !to) continue;
    const [top, left, bottom, right] = [rowOf(from), columnOf(from), rowOf(to), columnOf(to)];
    if (!top || !left || bottom < top || right < left || (bottom - top + 1) * (right - left + 1) > 100_000)
      continue;
    if (covered.size > 2_000_000)
      throw new ImportFileError(
        'The sheet merges more cells than Headway accepts; it may be damaged or built to cause harm',
      );
    spans.set(`${top}:${left}`, right - left + 1);
    for (let r = top; r <= bottom; r++)
      for (let c = left; c <= right; c++)
        if (r !== top || c !== left) covered.set(`${r}:${c}`, c === left ? 'below' : 'right');
    lastRow = Math.max(lastRow, bottom);
    lastColumn = Math.max(lastColumn, right);
  }

  const rows: SourceRow[] = [];
  for (let r = 1; r <= lastRow; r++) {
    const cells: SourceCell[] = [];
    for (let c = 1; c <= lastColumn; c++) {
      const place = covered.get(`${r}:${c}`);
      if (place === 'right') continue;
      const span = spans.get(`${r}:${c}`) ?? 1;
      if (place === 'below') {
        // The first column of a merge continued below: it spans as the merge does.
        let width = 1;
        while (covered.get(`${r}:${c + width}`) === 'right') width++;
        cells.push(cell('', '', width, true));
        c += width - 1;
        continue;
      }
      const value = values.get(r)?.get(c);
      cells.push(cell(value?.text ?? '', value?.html ?? '', span, false));
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
