// Turns Headway's rich text (sanitised HTML: p, br, lists, bold, italic, underline, links) into Word paragraphs.
// The allow-list is small, so a tokenizer does it at a tenth of the cost of a general HTML converter such as docx/html:
// an export of thousands of actions converts tens of thousands of cells.
import {
  AlignmentType,
  ExternalHyperlink,
  LevelFormat,
  Paragraph,
  TextRun,
  type NumberingDefinition,
  type ParagraphChild,
} from 'docx';

interface Style {
  bold: boolean;
  italics: boolean;
  underline: boolean;
  href: string | null;
}

interface OpenList {
  kind: 'ul' | 'ol';
  /** The Word list a numbered list's items are in; a list inside a numbered list goes on in its parent's. */
  instance: number;
  /** Whether the current item has had its numbered (or bulleted) paragraph: later ones are indented, unnumbered. */
  itemStarted: boolean;
}

const indentStep = 360;

function listLevels(
  format: (level: number) => (typeof LevelFormat)[keyof typeof LevelFormat],
  text: (level: number) => string,
) {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    format: format(level),
    text: text(level),
    alignment: AlignmentType.START,
    style: { paragraph: { indent: { left: indentStep * (level + 1), hanging: indentStep } } },
  }));
}

/** Word's numbered list, 1. a. i. by level; docx adds it to the document the first time a paragraph uses it. */
const numberedList: NumberingDefinition = {
  reference: 'headway-numbered-list',
  levels: listLevels(
    (level) => [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN][level % 3]!,
    (level) => `%${level + 1}.`,
  ),
};

/** Bullets indented as the numbered list is, so that lists inside each other line up in a narrow cell. */
const bulletList: NumberingDefinition = {
  reference: 'headway-bullet-list',
  levels: listLevels(
    () => LevelFormat.BULLET,
    (level) => ['\u2022', '\u25e6', '\u25aa'][level % 3]!,
  ),
};

/** Each numbered list starts again at 1: a new instance of the numbering per list, unique in any document. */
let lastListInstance = 0;

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return entities[name.toLowerCase()] ?? whole;
  });
}

export interface WordTextOptions {
  /** Half-points. */
  size?: number;
}

/** Paragraphs for a rich-text value; an empty value gives one empty paragraph, as a table cell needs one. */
export function richTextToWord(html: string, options: WordTextOptions = {}): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let runs: ParagraphChild[] = [];
  const lists: OpenList[] = [];
  let inItem = false;
  let style: Style = { bold: false, italics: false, underline: false, href: null };
  const stack: Style[] = [];

  const listParagraph = (list: OpenList) => {
    const level = Math.min(lists.length - 1, 8);
    if (list.itemStarted)
      return new Paragraph({ children: runs, indent: { left: indentStep * (level + 1) } });
    list.itemStarted = true;
    return new Paragraph({
      children: runs,
      // The number or bullet takes the size of the paragraph's mark: the same as its words.
      run: { size: options.size },
      numbering:
        list.kind === 'ul'
          ? { reference: bulletList, level }
          : { reference: numberedList, level, instance: list.instance },
    });
  };

  const flush = () => {
    if (runs.length === 0) return;
    const list = lists.at(-1);
    paragraphs.push(inItem && list ? listParagraph(list) : new Paragraph({ children: runs }));
    runs = [];
  };

  const text = (words: string) => {
    const collapsed = words.replace(/\s+/g, ' ');
    // Spaces between blocks, or at the start of a paragraph, are layout of the HTML, not words.
    const kept = runs.length === 0 ? collapsed.trimStart() : collapsed;
    if (kept === '') return;
    const run = new TextRun({
      text: decodeEntities(kept),
      bold: style.bold,
      italics: style.italics,
      underline: style.underline ? {} : undefined,
      size: options.size,
      style: style.href ? 'Hyperlink' : undefined,
    });
    runs.push(style.href ? new ExternalHyperlink({ link: style.href, children: [run] }) : run);
  };

  for (const token of html.split(/(<[^>]+>)/)) {
    const tag = /^<(\/?)([a-z]+)([^>]*)>$/i.exec(token);
    if (!tag) {
      text(token);
      continue;
    }
    const [, closing, rawName, attributes] = tag;
    const name = rawName!.toLowerCase();
    if (name === 'br') {
      runs.push(new TextRun({ break: 1, size: options.size }));
    } else if (name === 'p') {
      flush();
    } else if (name === 'ul' || name === 'ol') {
      flush();
      if (closing) lists.pop();
      else {
        const parent = lists.at(-1);
        const instance = name === 'ol' && parent?.kind === 'ol' ? parent.instance : ++lastListInstance;
        lists.push({ kind: name, instance, itemStarted: false });
      }
      inItem = lists.length > 0;
    } else if (name === 'li') {
      flush();
      inItem = !closing;
      if (!closing && lists.at(-1)) lists.at(-1)!.itemStarted = false;
    } else if (['b', 'strong', 'i', 'em', 'u', 'a'].includes(name)) {
      if (closing) style = stack.pop() ?? style;
      else {
        stack.push(style);
        const href =
          name === 'a' ? decodeEntities(/href="([^"]*)"/i.exec(attributes ?? '')?.[1] ?? '') : null;
        style = {
          bold: style.bold || name === 'b' || name === 'strong',
          italics: style.italics || name === 'i' || name === 'em',
          underline: style.underline || name === 'u',
          href: href && /^(https?:|mailto:)/i.test(href) ? href : style.href,
        };
      }
    }
  }
  flush();
  return paragraphs.length > 0 ? paragraphs : [new Paragraph({ children: [] })];
}
