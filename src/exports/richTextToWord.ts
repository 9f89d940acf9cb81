// Turns Headway's rich text (sanitised HTML: p, br, lists, bold, italic, underline, links) into Word paragraphs.
import { ExternalHyperlink, Paragraph, TextRun, type ParagraphChild } from 'docx';

interface Style {
  bold: boolean;
  italics: boolean;
  underline: boolean;
  href: string | null;
}

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
  size?: number;
}

/** Paragraphs for a rich-text value; an empty value gives one empty paragraph, as a table cell needs one. */
export function richTextToWord(html: string, options: WordTextOptions = {}): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let runs: ParagraphChild[] = [];
  let list: { kind: 'ul' | 'ol'; count: number }[] = [];
  let inItem = false;
  let style: Style = { bold: false, italics: false, underline: false, href: null };
  const stack: Style[] = [];

  const flush = (force = false) => {
    if (runs.length === 0 && !force) return;
    const current = list.at(-1);
    if (inItem && current) {
      const marker = current.kind === 'ol' ? `${current.count}. ` : '';
      paragraphs.push(
        new Paragraph({
          children: marker ? [new TextRun({ text: marker, size: options.size }), ...runs] : runs,
          bullet: current.kind === 'ul' ? { level: Math.min(list.length - 1, 8) } : undefined,
          indent: current.kind === 'ol' ? { left: 360 * list.length } : undefined,
        }),
      );
    } else paragraphs.push(new Paragraph({ children: runs }));
    runs = [];
  };

  const text = (words: string) => {
    if (words === '') return;
    const run = new TextRun({
      text: decodeEntities(words),
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
      text(token.replace(/\s+/g, ' ').replace(/^ $/, runs.length ? ' ' : ''));
      continue;
    }
    const [, closing, rawName, attributes] = tag;
    const name = rawName!.toLowerCase();
    if (name === 'br') {
      runs.push(new TextRun({ break: 1 }));
    } else if (name === 'p') {
      flush();
    } else if (name === 'ul' || name === 'ol') {
      flush();
      if (closing) list = list.slice(0, -1);
      else list = [...list, { kind: name, count: 0 }];
    } else if (name === 'li') {
      flush();
      inItem = !closing;
      if (!closing && list.at(-1)) list.at(-1)!.count += 1;
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
