// Rich text as the text of a spreadsheet cell: paragraphs and line breaks as lines, list items numbered or bulleted
// and indented as they are nested, so that "step 2" still reads as step 2 where formatting cannot go.
import { decodeEntities } from '../richtext/entities.js';

export function richTextToCellText(html: string): string {
  const lines: string[] = [];
  let words = '';
  /** What the next line starts with: an item's number or bullet, or the indent of the item's later lines. */
  let prefix = '';
  const lists: { kind: 'ul' | 'ol'; count: number }[] = [];
  const indent = () => '   '.repeat(Math.max(0, lists.length - 1));

  const endLine = () => {
    if (words.trim() === '') return;
    lines.push(`${prefix}${words.trim()}`);
    words = '';
    // An item's later paragraphs line up under its words.
    if (prefix !== '') prefix = ' '.repeat(prefix.length);
  };

  for (const token of html.split(/(<[^>]+>)/)) {
    const tag = /^<(\/?)([a-z]+)[^>]*>$/i.exec(token);
    if (!tag) {
      words += decodeEntities(token.replace(/\s+/g, ' '));
      continue;
    }
    const [, closing, rawName] = tag;
    const name = rawName!.toLowerCase();
    if (name === 'p' || name === 'br') endLine();
    else if (name === 'ul' || name === 'ol') {
      endLine();
      if (closing) lists.pop();
      else lists.push({ kind: name, count: 0 });
      prefix = '';
    } else if (name === 'li') {
      endLine();
      const list = lists.at(-1);
      if (closing || !list) prefix = '';
      else {
        list.count += 1;
        prefix = `${indent()}${list.kind === 'ol' ? `${list.count}.` : '•'} `;
      }
    }
  }
  endLine();
  return lines.join('\n');
}
