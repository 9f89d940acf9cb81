// Reads a .csv file: comma, semicolon or tab separated, quoted multi-line cells, UTF-8, UTF-16 or Windows-1252.
import { parse } from 'csv-parse/sync';
import { cell, ImportFileError, type SourceDocument, type SourceRow } from '../source.js';
import { escapeHtml } from './xml.js';

/** Windows-1252's characters for bytes 0x80–0x9F (the rest are Latin-1); Node's own decoder may lack them. */
const cp1252High =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes)
    text += byte >= 0x80 && byte <= 0x9f ? cp1252High[byte - 0x80] : String.fromCharCode(byte);
  return text;
}

/** Text from bytes: a byte-order mark decides, else UTF-8 if the bytes are valid UTF-8, else Windows-1252. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** The separator that splits the first lines the same number of times, quotes respected. */
export function detectDelimiter(text: string): string {
  const lines: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text.slice(0, 20_000)) {
    if (char === '"') quoted = !quoted;
    if (char === '\n' && !quoted) {
      if (current.trim() !== '') lines.push(current);
      current = '';
      if (lines.length >= 10) break;
    } else if (!quoted) current += char;
  }
  if (current.trim() !== '') lines.push(current);
  let best = ',';
  let bestScore = 0;
  for (const delimiter of [',', ';', '\t']) {
    const counts = lines.map((line) => line.split(delimiter).length - 1);
    const first = counts[0] ?? 0;
    const consistent = counts.filter((n) => n === first).length;
    const score = first > 0 ? consistent * 1000 + first : 0;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

export function readCsv(fileName: string, bytes: Buffer): SourceDocument {
  const text = decodeText(bytes);
  if (text.trim() === '') throw new ImportFileError('The file is empty');
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
    }) as string[][];
  } catch (error) {
    throw new ImportFileError(
      `The CSV file could not be read (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`,
    );
  }
  const width = Math.max(0, ...records.map((r) => r.length));
  const rows: SourceRow[] = records.map((record) => ({
    cells: Array.from({ length: width }, (_, i) => {
      const value = (record[i] ?? '').replace(/\r\n?/g, '\n').trim();
      return cell(value, value === '' ? '' : `<p>${escapeHtml(value).replace(/\n/g, '<br>')}</p>`);
    }),
    repeatedHeader: false,
  }));
  return {
    kind: 'csv',
    fileName,
    blocks: rows.length > 0 ? [{ type: 'table', rows }] : [],
    pageFurniture: [],
  };
}
