// Drops the invisible control codes (C0, except tab and line breaks) a file may carry in its cells, saying where.
import type { ImportWarning } from '../understand/understandDocument.js';
import type { SourceDocument } from '../source.js';

/** C0 control characters other than tab (U+0009), line feed (U+000A) and carriage return (U+000D). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Beyond this many cells the warnings would bury the others: the rest are counted in one last warning. */
const maxNamedCells = 20;

function codes(found: Set<string>): string {
  return [...found]
    .sort()
    .map((c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    .join(', ');
}

/**
 * Removes control characters from every cell, paragraph and page header or footer of the document, in place, and
 * returns a warning for each place they were found ("Table 2, row 5, cell 3"), numbered as the review names tables.
 * They are never typed on purpose (a NUL, a bell, an escape), and stored they would break exports and databases.
 */
export function dropControlCharacters(doc: SourceDocument): ImportWarning[] {
  const places: ImportWarning[] = [];
  const clean = (where: string, ...texts: string[]): string[] => {
    const found = new Set<string>();
    const cleaned = texts.map((text) =>
      text.replace(controlCharacters, (c) => {
        found.add(c);
        return '';
      }),
    );
    if (found.size > 0)
      places.push({
        where,
        message: `Control characters (${codes(found)}), which are invisible and cannot be stored, were removed from this text`,
      });
    return cleaned;
  };
  let tableNumber = 0;
  let paragraphNumber = 0;
  for (const block of doc.blocks) {
    if (block.type === 'paragraph') {
      paragraphNumber += 1;
      [block.text, block.html] = clean(`Paragraph ${paragraphNumber}`, block.text, block.html) as [
        string,
        string,
      ];
      continue;
    }
    tableNumber += 1;
    for (const [rowIndex, row] of block.rows.entries())
      for (const [cellIndex, cell] of row.cells.entries())
        [cell.text, cell.html] = clean(
          `Table ${tableNumber}, row ${rowIndex + 1}, cell ${cellIndex + 1}`,
          cell.text,
          cell.html,
        ) as [string, string];
  }
  doc.pageFurniture = doc.pageFurniture.map((text) => clean('Page header or footer', text)[0]!);
  if (places.length <= maxNamedCells) return places;
  return [
    ...places.slice(0, maxNamedCells),
    {
      where: 'Document',
      message: `Control characters were also removed from ${places.length - maxNamedCells} more places`,
    },
  ];
}
