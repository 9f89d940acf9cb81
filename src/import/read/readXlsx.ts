// Reads an Excel .xlsx sheet as one table: merged cells, real dates written the UK way, rich text and formula results.
// The small parts (workbook, relationships, styles) are parsed as documents; the sheet and its strings, which can be
// large, are read as a stream of tags (saxes), so a workbook of thousands of rows stays quick and small in memory.
import { SaxesParser } from 'saxes';
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

interface RunStyle {
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

/** Collects the text and formatted HTML of a string item (<si> or <is>): plain <t>, or rich text runs. */
class StringCollector {
  private text = '';
  private html = '';
  private rich = false;
  private run: RunStyle | null = null;
  private words: string | null = null;

  open(name: string, attributes: Record<string, string>): void {
    if (name === 'r') {
      this.rich = true;
      this.run = { bold: false, italic: false, underline: false };
    } else if (name === 't') this.words = '';
    else if (this.run && (name === 'b' || name === 'i' || name === 'u')) {
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
    if (name !== 't' || this.words === null) return;
    let part = escapeHtml(this.words).replace(/\r?\n/g, '<br>');
    if (this.run?.underline) part = `<u>${part}</u>`;
    if (this.run?.italic) part = `<i>${part}</i>`;
    if (this.run?.bold) part = `<b>${part}</b>`;
    this.text += this.words;
    this.html += part;
    this.words = null;
  }

  result(): SharedString {
    if (this.text === '') return { text: '', html: '' };
    return { text: this.text, html: this.rich ? `<p>${this.html}</p>` : plainHtml(this.text) };
  }
}

/** Runs a SAX parser over a part, refusing DTDs and entities, and naming the part when its XML is broken. */
function scan(
  xml: string,
  part: string,
  handlers: {
    open(name: string, attributes: Record<string, string>): void;
    text(text: string): void;
    close(name: string): void;
  },
): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new ImportFileError('The file contains XML features Headway does not accept');
  const parser = new SaxesParser({ position: false });
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  parser.on('opentag', (tag) => handlers.open(local(tag.name), tag.attributes as Record<string, string>));
  parser.on('text', (text) => handlers.text(text));
  parser.on('cdata', (text) => handlers.text(text));
  parser.on('closetag', (tag) => handlers.close(local(tag.name)));
  try {
    parser.write(xml).close();
  } catch (error) {
    throw new ImportFileError(
      `The file is damaged: its part ${part} is not well-formed XML (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`,
    );
  }
}

function readSharedStrings(xml: string): SharedString[] {
  const strings: SharedString[] = [];
  let current: StringCollector | null = null;
  scan(xml, 'xl/sharedStrings.xml', {
    open(name, attributes) {
      if (name === 'si') current = new StringCollector();
      else if (name === 'rPh')
        current = null; // phonetic guides are not part of the words
      else current?.open(name, attributes);
    },
    text(text) {
      current?.characters(text);
    },
    close(name) {
      if (name === 'si') {
        strings.push(current?.result() ?? { text: '', html: '' });
        current = null;
      } else current?.close(name);
    },
  });
  return strings;
}

function rawPart(zip: ZipParts, name: string): Promise<string | null> {
  return zip.read(name);
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
  const shared = sharedXml ? readSharedStrings(sharedXml) : [];
  const dateStyles = await readDateStyles(zip);
  const sheetXml = await rawPart(zip, sheet.path);
  if (sheetXml === null)
    throw new ImportFileError(`The file is damaged: the sheet "${sheet.name}" is missing`);

  const values = new Map<number, Map<number, SharedString>>();
  let lastRow = 0;
  let lastColumn = 0;
  // Sheets can hold hundreds of thousands of cells: they are read as a stream of tags, not built into a tree.
  let currentRow = 0;
  let nextColumn = 1;
  let cellAttributes: Record<string, string> | null = null;
  let raw: string | null = null;
  let inline: StringCollector | null = null;
  const merges: [string, string][] = [];
  // Printed page headers and footers ("&CNOT PROTECTIVELY MARKED"), where a workbook states its marking.
  const furniture: string[] = [];
  let headerText: string | null = null;
  const keep = (r: number, column: number, value: SharedString) => {
    const text = value.text.replace(/\r\n?/g, '\n').trim();
    if (text === '' || !r || !column || r > 1_048_576 || column > 16_384) return;
    const cells = values.get(r) ?? new Map<number, SharedString>();
    cells.set(column, { text, html: value.html || plainHtml(text) });
    values.set(r, cells);
    lastRow = Math.max(lastRow, r);
    lastColumn = Math.max(lastColumn, column);
  };
  scan(sheetXml, sheet.path, {
    open(name, attributes) {
      if (name === 'row') {
        currentRow = Number(attributes.r ?? currentRow + 1) || currentRow + 1;
        nextColumn = 1;
      } else if (name === 'c') {
        cellAttributes = attributes;
        raw = null;
        inline = null;
      } else if (name === 'v' && cellAttributes) raw = '';
      else if (name === 'is' && cellAttributes) inline = new StringCollector();
      else if (inline) inline.open(name, attributes);
      else if (name === 'mergeCell') {
        const [from, to] = (attributes.ref ?? '').split(':');
        if (from && to) merges.push([from, to]);
      } else if (/^(odd|even|first)(Header|Footer)$/.test(name)) headerText = '';
    },
    text(text) {
      if (inline) inline.characters(text);
      else if (raw !== null) raw += text;
      else if (headerText !== null) headerText += text;
    },
    close(name) {
      if (headerText !== null && /^(odd|even|first)(Header|Footer)$/.test(name)) {
        // &L, &C and &R start the left, centre and right parts; other &-codes are fields and fonts.
        for (const piece of headerText.split(/&[LCR]/))
          furniture.push(piece.replace(/&"[^"]*"|&[A-Za-z]|&\d+/g, '').trim());
        headerText = null;
        return;
      }
      if (inline && name !== 'is' && name !== 'c') return inline.close(name);
      if (name !== 'c' || !cellAttributes) return;
      const reference = /^[A-Z]+\d+$/.test(cellAttributes.r ?? '') ? cellAttributes.r! : null;
      const r = reference ? rowOf(reference) : currentRow;
      const column = reference ? columnOf(reference) : nextColumn;
      nextColumn = column + 1;
      const type = cellAttributes.t ?? 'n';
      const value = raw ?? '';
      if (type === 's') keep(r, column, shared[Number(value)] ?? { text: '', html: '' });
      else if (type === 'inlineStr') keep(r, column, inline?.result() ?? { text: '', html: '' });
      else if (type === 'b') keep(r, column, { text: value === '1' ? 'TRUE' : 'FALSE', html: '' });
      else if (type === 'str') keep(r, column, { text: value, html: '' });
      else if (type !== 'e' && value !== '') {
        const iso = dateStyles[Number(cellAttributes.s ?? 0)] ? serialToIso(Number(value), date1904) : null;
        keep(r, column, { text: iso ? formatUkDate(iso) : numberText(value), html: '' });
      }
      cellAttributes = null;
      raw = null;
      inline = null;
    },
  });

  // Merged ranges: the top-left cell spans the width; cells below it continue it; covered cells to its right go.
  const covered = new Map<string, 'right' | 'below'>();
  const spans = new Map<string, number>();
  for (const [from, to] of merges) {
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
    pageFurniture: [...new Set(furniture.filter(Boolean))],
    sheets: { names, chosen: sheet.name },
  };
}
