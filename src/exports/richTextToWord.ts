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
import { decodeEntities } from '../richtext/entities.js';

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

/** Twentieths of a point each level of a list is indented by. */
export const indentStep = 360;

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

export interface WordTextOptions {
  /** Half-points. */
  size?: number;
}

/** A run of a rich-text paragraph: words in a style, or a line break. */
export interface RichRun {
  text: string;
  lineBreak: boolean;
  bold: boolean;
  italics: boolean;
  underline: boolean;
  /** A link that opens (http, https or mailto), or null. */
  href: string | null;
}

/** A paragraph of rich text, and where it sits in a list. */
export interface RichParagraph {
  runs: RichRun[];
  list?: {
    kind: 'ul' | 'ol';
    /** 0 to 8. */
    level: number;
    /** The numbered list the item belongs to: each list starts at 1 again. */
    instance: number;
    /** The item's first paragraph carries the bullet or number; later ones are indented under it. */
    marked: boolean;
  };
}

/** Rich text read into paragraphs of runs: one reading that the Word object model and the Word XML share. */
export function richTextParagraphs(html: string): RichParagraph[] {
  const paragraphs: RichParagraph[] = [];
  let runs: RichRun[] = [];
  const lists: OpenList[] = [];
  let inItem = false;
  let style: Style = { bold: false, italics: false, underline: false, href: null };
  const stack: Style[] = [];

  const flush = () => {
    if (runs.length === 0) return;
    const list = lists.at(-1);
    if (inItem && list) {
      paragraphs.push({
        runs,
        list: {
          kind: list.kind,
          level: Math.min(lists.length - 1, 8),
          instance: list.instance,
          marked: !list.itemStarted,
        },
      });
      list.itemStarted = true;
    } else paragraphs.push({ runs });
    runs = [];
  };

  const text = (words: string) => {
    const collapsed = words.replace(/\s+/g, ' ');
    // Spaces between blocks, or at the start of a paragraph, are layout of the HTML, not words.
    const kept = runs.length === 0 ? collapsed.trimStart() : collapsed;
    if (kept === '') return;
    runs.push({ text: decodeEntities(kept), lineBreak: false, ...style });
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
      runs.push({ text: '', lineBreak: true, bold: false, italics: false, underline: false, href: null });
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
  return paragraphs;
}

/** Paragraphs for a rich-text value; an empty value gives one empty paragraph, as a table cell needs one. */
export function richTextToWord(html: string, options: WordTextOptions = {}): Paragraph[] {
  const paragraphs = richTextParagraphs(html).map(({ runs, list }) => {
    const children = runs.map((r): ParagraphChild => {
      if (r.lineBreak) return new TextRun({ break: 1, size: options.size });
      const run = new TextRun({
        text: r.text,
        bold: r.bold,
        italics: r.italics,
        underline: r.underline ? {} : undefined,
        size: options.size,
        style: r.href ? 'Hyperlink' : undefined,
      });
      return r.href ? new ExternalHyperlink({ link: r.href, children: [run] }) : run;
    });
    if (!list) return new Paragraph({ children });
    if (!list.marked) return new Paragraph({ children, indent: { left: indentStep * (list.level + 1) } });
    return new Paragraph({
      children,
      // The number or bullet takes the size of the paragraph's mark: the same as its words.
      run: { size: options.size },
      numbering:
        list.kind === 'ul'
          ? { reference: bulletList, level: list.level }
          : { reference: numberedList, level: list.level, instance: list.instance },
    });
  });
  return paragraphs.length > 0 ? paragraphs : [new Paragraph({ children: [] })];
}
