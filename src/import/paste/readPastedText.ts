// Text pasted from a Word or Excel table: tab-separated rows, cells that may carry HTML, page furniture in between.
import { richTextToPlain } from '../../richtext/sanitise.js';
import { cell, type SourceBlock, type SourceCell, type SourceDocument, type SourceRow } from '../source.js';

const looksLikeHtml = /<\s*\/?\s*(p|br|ul|ol|li|b|strong|i|em|u|a|span|div)\b[^>]*>/i;
/** The rule lines some exports draw under a table: only dashes, tabs and spaces. */
const ruleLine = /^[\s\t-]*-{2,}[\s\t-]*$/;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function pastedCell(raw: string): SourceCell {
  const value = raw.trim();
  if (looksLikeHtml.test(value)) return cell(richTextToPlain(value), value);
  return cell(value, value === '' ? '' : `<p>${escapeHtml(value)}</p>`);
}

export function readPastedText(fileName: string, text: string): SourceDocument {
  const blocks: SourceBlock[] = [];
  let rows: SourceRow[] | null = null;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n?|\n/)) {
    if (line.trim() === '' || ruleLine.test(line)) continue;
    if (line.includes('\t')) {
      if (!rows) {
        rows = [];
        blocks.push({ type: 'table', rows });
      }
      rows.push({ cells: line.split('\t').map(pastedCell), repeatedHeader: false });
    } else {
      rows = null;
      const paragraph = pastedCell(line);
      blocks.push({ type: 'paragraph', text: paragraph.text, html: paragraph.html });
    }
  }
  return { kind: 'text', fileName, blocks, pageFurniture: [] };
}
