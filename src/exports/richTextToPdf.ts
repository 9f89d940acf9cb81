// Turns Headway's rich text (sanitised HTML: p, br, lists, bold, italic, underline, links) into the paragraphs the PDF
// documents lay out: runs of plain, bold or italic words, list items with their bullet or number and indent.
import type { PdfParagraph, PdfRun } from './pdfLayout.js';
import { decodeEntities } from '../richtext/entities.js';

/** Points each level of a list is indented by. */
const indentStep = 10;
const bullets = ['\u2022', '\u2013', '\u00b7'];

export function richTextToPdf(html: string): PdfParagraph[] {
  const paragraphs: PdfParagraph[] = [];
  let runs: PdfRun[] = [];
  const lists: { kind: 'ul' | 'ol'; count: number; itemStarted: boolean }[] = [];
  let inItem = false;
  let style = { bold: false, italic: false };
  const stack: (typeof style)[] = [];
  /** A line break inside a paragraph starts a new line with no space above it. */
  let broken = false;

  const flush = () => {
    if (runs.length === 0) return;
    const list = lists.at(-1);
    const paragraph: PdfParagraph = { runs, gapBefore: broken || paragraphs.length === 0 ? 0 : 2 };
    if (inItem && list) {
      paragraph.indent = indentStep * lists.length;
      if (!list.itemStarted) {
        list.itemStarted = true;
        list.count += 1;
        paragraph.marker =
          list.kind === 'ol' ? `${list.count}.` : bullets[(lists.length - 1) % bullets.length]!;
      }
    }
    paragraphs.push(paragraph);
    runs = [];
    broken = false;
  };

  for (const token of html.split(/(<[^>]+>)/)) {
    const tag = /^<(\/?)([a-z]+)[^>]*>$/i.exec(token);
    if (!tag) {
      const collapsed = token.replace(/\s+/g, ' ');
      // Spaces between blocks, or at the start of a paragraph, are layout of the HTML, not words.
      const kept = runs.length === 0 ? collapsed.trimStart() : collapsed;
      if (kept !== '') runs.push({ text: decodeEntities(kept), ...style });
      continue;
    }
    const [, closing, rawName] = tag;
    const name = rawName!.toLowerCase();
    if (name === 'br') {
      flush();
      broken = true;
    } else if (name === 'p') flush();
    else if (name === 'ul' || name === 'ol') {
      flush();
      if (closing) lists.pop();
      else lists.push({ kind: name, count: 0, itemStarted: false });
      inItem = lists.length > 0;
    } else if (name === 'li') {
      flush();
      inItem = !closing;
      if (!closing && lists.at(-1)) lists.at(-1)!.itemStarted = false;
    } else if (['b', 'strong', 'i', 'em'].includes(name)) {
      if (closing) style = stack.pop() ?? style;
      else {
        stack.push(style);
        style = {
          bold: style.bold || name === 'b' || name === 'strong',
          italic: style.italic || name === 'i' || name === 'em',
        };
      }
    }
  }
  flush();
  return paragraphs;
}

/** Plain lines as paragraphs, one each, with a little space above each after the first. */
export function linesToPdf(
  lines: string[],
  options: { bold?: boolean; gapBefore?: number } = {},
): PdfParagraph[] {
  return lines.map((line, index) => ({
    runs: [{ text: line, bold: options.bold }],
    gapBefore: index === 0 ? 0 : (options.gapBefore ?? 0),
  }));
}
