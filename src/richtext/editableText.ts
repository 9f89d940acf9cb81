// Rich text as people edit it in a plain textarea: paragraphs, lists and emphasis in a small Markdown-like convention,
// converted to and from the stored HTML without loss (see "Editing rich text" in docs/decisions.md).
import { decodeEntities } from './entities.js';
import { toRichText } from './sanitise.js';

/** What the forms' hint says about the convention. */
export const editableTextHint =
  'Leave a blank line between paragraphs. Start a line with - for a bullet or 1. for a numbered list; indent a line by two spaces to put it inside the item above. **bold**, _italic_, ++underline++, [link text](https://…). Put \\ before a character to show it as it is.';

interface Marks {
  b: boolean;
  i: boolean;
  u: boolean;
  href: string | null;
}

interface Run extends Marks {
  text: string;
}

/** A line of a paragraph or list item; a line break in the HTML separates two lines. */
type Line = Run[];

interface List {
  kind: 'ul' | 'ol';
  items: Item[];
}

/** A list item: lines of text and lists inside it, in order. */
interface Item {
  parts: (Line[] | List)[];
}

interface Paragraph {
  kind: 'p';
  lines: Line[];
}

type Block = Paragraph | List;

const plain: Marks = { b: false, i: false, u: false, href: null };

function sameMarks(a: Marks, b: Marks): boolean {
  return a.b === b.b && a.i === b.i && a.u === b.u && a.href === b.href;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
function lastIndex<T>(items: T[], test: (item: T, index: number) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index]!, index)) return index;
  return -1;
}

const isEscapable = (c: string | undefined) => c !== undefined && /[!-/:-@[-`{-~]/.test(c);

// ---------------------------------------------------------------------------------------------------------------
// Normalising: what a reader cannot see (white space inside emphasis, a line break at the end of a paragraph, empty
// paragraphs) is left out, so that every document has one spelling in text.

/** Spaces take only the formatting both their neighbours share, so emphasis never starts or ends with a space. */
function normaliseLine(line: Line): Line {
  const chars: { c: string; marks: Marks }[] = [];
  for (const run of line) for (const c of run.text) chars.push({ c, marks: run });
  let start = 0;
  let end = chars.length;
  while (start < end && isSpace(chars[start]!.c)) start++;
  while (end > start && isSpace(chars[end - 1]!.c)) end--;
  const kept = chars.slice(start, end);
  for (let at = 0; at < kept.length; at++) {
    if (!isSpace(kept[at]!.c)) continue;
    let left = at - 1;
    while (isSpace(kept[left]?.c)) left--;
    let right = at + 1;
    while (isSpace(kept[right]?.c)) right++;
    kept[at] = { c: kept[at]!.c, marks: spaceMarks(kept[left]!.marks, kept[right]!.marks) };
  }
  const runs: Line = [];
  for (const { c, marks } of kept) {
    const last = runs.at(-1);
    if (last && sameMarks(last, marks)) last.text += c;
    else runs.push({ b: marks.b, i: marks.i, u: marks.u, href: marks.href, text: c });
  }
  return runs;
}

/**
 * The formatting of spaces between two words: what both share, outermost first (link, bold, italic, underline) up to
 * the first that differs. Where an outer element ends, the ones inside it end too, and so never start with a space.
 */
function spaceMarks(left: Marks, right: Marks): Marks {
  const marks = { ...plain };
  if (left.href !== right.href) return marks;
  marks.href = left.href;
  for (const key of ['b', 'i', 'u'] as const) {
    if (left[key] !== right[key]) return marks;
    marks[key] = left[key];
  }
  return marks;
}

function normaliseLines(lines: Line[]): Line[] {
  const kept = lines.map(normaliseLine);
  while (kept.length > 0 && kept[0]!.length === 0) kept.shift();
  while (kept.length > 0 && kept.at(-1)!.length === 0) kept.pop();
  return kept;
}

function normaliseList(list: List): List | null {
  const items = list.items.map((item) => {
    const parts: Item['parts'] = [];
    for (const part of item.parts) {
      const kept = 'kind' in part ? normaliseList(part) : normaliseLines(part);
      if (kept === null || (Array.isArray(kept) && kept.length === 0)) continue;
      const last = parts.at(-1);
      if (Array.isArray(kept) && Array.isArray(last)) last.push(...kept);
      else parts.push(kept);
    }
    return { parts };
  });
  return items.length === 0 ? null : { kind: list.kind, items };
}

function normaliseBlocks(blocks: Block[]): Block[] {
  const kept: Block[] = [];
  for (const block of blocks) {
    if (block.kind === 'p') {
      const lines = normaliseLines(block.lines);
      if (lines.length > 0) kept.push({ kind: 'p', lines });
    } else {
      const list = normaliseList(block);
      if (list) kept.push(list);
    }
  }
  return kept;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading stored HTML (already cleaned to the allow-list by toRichText) into blocks.

const htmlToken = /<(\/?)([a-z]+)([^>]*)>|([^<]+)/gi;

function readHtml(html: string): Block[] {
  const blocks: Block[] = [];
  /** Open blocks, innermost last: a paragraph, a list, or a list item. */
  const open: (Paragraph | List | Item)[] = [];
  const inline: { tag: string; marks: Marks }[] = [];
  const marks = (): Marks => inline.at(-1)?.marks ?? plain;

  const innermost = () => open.at(-1);
  function startItem(list: List): Item {
    const item: Item = { parts: [] };
    list.items.push(item);
    open.push(item);
    return item;
  }
  function addList(kind: 'ul' | 'ol'): List {
    const list: List = { kind, items: [] };
    if (innermost() && 'lines' in innermost()!) open.pop();
    const at = innermost();
    if (at === undefined) blocks.push(list);
    else if ('parts' in at) at.parts.push(list);
    else if ('items' in at) {
      // A list straight inside a list belongs to the item before it.
      const item = at.items.at(-1);
      if (item) open.push(item);
      (item ?? startItem(at)).parts.push(list);
    }
    open.push(list);
    return list;
  }
  /** The lines text goes into now, opening a paragraph or an item where the HTML has none. */
  function lines(): Line[] {
    let at = innermost();
    if (at === undefined) {
      const paragraph: Paragraph = { kind: 'p', lines: [[]] };
      blocks.push(paragraph);
      open.push(paragraph);
      return paragraph.lines;
    }
    if ('items' in at) at = startItem(at);
    if ('lines' in at) return at.lines;
    const last = at.parts.at(-1);
    if (Array.isArray(last)) return last;
    const fresh: Line[] = [[]];
    at.parts.push(fresh);
    return fresh;
  }
  const newLine = () => lines().push([]);
  function closeTo(test: (block: Paragraph | List | Item) => boolean) {
    const index = lastIndex(open, test);
    if (index >= 0) open.length = index;
  }

  for (const match of html.matchAll(htmlToken)) {
    const [, closing, rawTag, attributes, text] = match;
    if (text !== undefined) {
      const words = decodeEntities(text).replace(/[\r\n\t\f]/g, ' ');
      lines()
        .at(-1)!
        .push({ ...marks(), text: words });
      continue;
    }
    const tag = rawTag!.toLowerCase();
    const name = ({ strong: 'b', em: 'i' } as Record<string, string>)[tag] ?? tag;
    if (name === 'br') newLine();
    else if (name === 'b' || name === 'i' || name === 'u' || name === 'a') {
      if (closing) {
        const index = lastIndex(inline, (entry) => entry.tag === name);
        if (index >= 0) inline.length = index;
      } else {
        const href = /\shref="([^"]*)"/.exec(attributes ?? '')?.[1];
        const now = marks();
        inline.push({
          tag: name,
          marks:
            name === 'a'
              ? { ...now, href: href === undefined ? now.href : decodeEntities(href) }
              : { ...now, [name]: true },
        });
      }
    } else if (name === 'p') {
      const at = innermost();
      if (closing) {
        if (at && 'lines' in at) open.pop();
        else if (at && 'parts' in at) newLine();
      } else if (at && 'lines' in at) {
        open.pop();
        lines();
      } else if (at && !('lines' in at)) newLine();
      else lines();
    } else if (name === 'ul' || name === 'ol') {
      if (closing) closeTo((block) => 'items' in block);
      else addList(name);
    } else if (name === 'li') {
      if (closing) {
        closeTo((block) => 'parts' in block);
        continue;
      }
      if (innermost() && 'parts' in innermost()!) open.pop();
      if (innermost() && 'lines' in innermost()!) open.pop();
      const at = innermost();
      startItem(at && 'items' in at ? at : addList('ul'));
    }
  }
  return normaliseBlocks(blocks);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing blocks as HTML, the form the stored value takes.

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Runs as nested elements: a link outermost, then bold, italic and underline, each as long as it can be. */
function lineHtml(runs: Run[]): string {
  const layers: [keyof Marks, (run: Run) => string, string][] = [
    ['href', (run) => `<a href="${escapeHtml(run.href!).replace(/"/g, '&quot;')}">`, '</a>'],
    ['b', () => '<b>', '</b>'],
    ['i', () => '<i>', '</i>'],
    ['u', () => '<u>', '</u>'],
  ];
  function write(slice: Run[], layer: number): string {
    if (layer === layers.length) return slice.map((run) => escapeHtml(run.text)).join('');
    const [key, open, close] = layers[layer]!;
    let html = '';
    for (let at = 0; at < slice.length;) {
      let end = at + 1;
      while (end < slice.length && slice[end]![key] === slice[at]![key]) end++;
      const inner = write(slice.slice(at, end), layer + 1);
      html += slice[at]![key] ? open(slice[at]!) + inner + close : inner;
      at = end;
    }
    return html;
  }
  return write(runs, 0);
}

const linesHtml = (lines: Line[]) => lines.map(lineHtml).join('<br />');

function listHtml(list: List): string {
  const items = list.items.map(
    (item) =>
      `<li>${item.parts.map((part) => ('kind' in part ? listHtml(part) : linesHtml(part))).join('')}</li>`,
  );
  return `<${list.kind}>${items.join('')}</${list.kind}>`;
}

function blocksHtml(blocks: Block[]): string {
  return blocks
    .map((block) => (block.kind === 'p' ? `<p>${linesHtml(block.lines)}</p>` : listHtml(block)))
    .join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Writing blocks as editable text.

type Piece = { delimiter: string } | { char: string };

const pieceChar = (piece: Piece | undefined, end: 'first' | 'last'): string | undefined => {
  if (piece === undefined) return undefined;
  if ('char' in piece) return piece.char;
  return end === 'first' ? piece.delimiter[0] : piece.delimiter.at(-1);
};

/** A line as delimiters and characters, before deciding which characters need a backslash. */
function linePieces(runs: Run[]): Piece[] {
  const pieces: Piece[] = [];
  const chars = (text: string) => {
    for (const char of text) pieces.push({ char });
  };
  const textOf = (slice: Run[]) => slice.map((run) => run.text).join('');
  function write(slice: Run[], layer: number, before: string | undefined, after: string | undefined) {
    const key = (['href', 'b', 'i', 'u'] as const)[layer];
    if (key === undefined) return chars(textOf(slice));
    for (let at = 0; at < slice.length;) {
      let end = at + 1;
      while (end < slice.length && slice[end]![key] === slice[at]![key]) end++;
      const part = slice.slice(at, end);
      const prev = at === 0 ? before : textOf(slice.slice(0, at)).at(-1);
      const next = end === slice.length ? after : textOf(slice.slice(end))[0];
      if (!slice[at]![key]) write(part, layer + 1, prev, next);
      else if (key === 'href') {
        pieces.push({ delimiter: '[' });
        write(part, layer + 1, undefined, undefined);
        pieces.push({ delimiter: `](${urlText(slice[at]!.href!)})` });
      } else {
        // Italic is _this_ where the underscores stand clear of letters, otherwise *this*, which may sit in a word.
        const mark = key === 'b' ? '**' : key === 'u' ? '++' : isAlnum(prev) || isAlnum(next) ? '*' : '_';
        pieces.push({ delimiter: mark });
        write(part, layer + 1, mark.at(-1), mark[0]);
        pieces.push({ delimiter: mark });
      }
      at = end;
    }
  }
  write(runs, 0, undefined, undefined);
  // Characters inside link text that could end it.
  return pieces;
}

function urlText(href: string): string {
  let depth = 0;
  let balanced = true;
  for (const c of href) {
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) balanced = false;
  }
  const escaped = href.replace(/\\/g, '\\\\');
  return balanced && depth === 0 ? escaped : escaped.replace(/[()]/g, '\\$&');
}

/** Whether a literal character would be read as markup where it stands, and so needs a backslash. */
function needsEscape(pieces: Piece[], at: number, inLink: boolean): boolean {
  const c = (pieces[at] as { char: string }).char;
  const prev = pieceChar(pieces[at - 1], 'last');
  const next = pieceChar(pieces[at + 1], 'first');
  switch (c) {
    case '\\':
      return next === undefined || isEscapable(next);
    case '*':
      return (prev !== undefined && !isSpace(prev)) || (next !== undefined && !isSpace(next));
    case '_':
      return (
        (next !== undefined && !isSpace(next) && !isAlnum(prev)) ||
        (prev !== undefined && !isSpace(prev) && !isAlnum(next))
      );
    case '+':
      return prev === '+' || next === '+';
    case ']':
      return inLink;
    case '[':
      return pieces.slice(at + 1).some((piece, index, rest) => {
        if ('delimiter' in piece) return piece.delimiter.startsWith('](');
        const following = rest[index + 1];
        return piece.char === ']' && following !== undefined && pieceChar(following, 'first') === '(';
      });
    default:
      return false;
  }
}

const markerAtStart = /^(?:[-*]|\d{1,3}[.)])(?:[ \t]|$)/;

function lineText(runs: Run[], { canBeMarker }: { canBeMarker: boolean }): string {
  if (runs.length === 0) return '\\';
  const pieces = linePieces(runs);
  let inLink = false;
  let text = '';
  pieces.forEach((piece, at) => {
    if ('delimiter' in piece) {
      if (piece.delimiter === '[') inLink = true;
      if (piece.delimiter.startsWith('](')) inLink = false;
      text += piece.delimiter;
    } else text += needsEscape(pieces, at, inLink) ? `\\${piece.char}` : piece.char;
  });
  if (!canBeMarker && markerAtStart.test(text)) {
    const number = /^\d+/.exec(text)?.[0];
    text = number === undefined ? `\\${text}` : `${number}\\${text.slice(number.length)}`;
  }
  return text;
}

function listText(list: List, depth: number, marker: string): string[] {
  const indent = '  '.repeat(depth);
  const out: string[] = [];
  list.items.forEach((item, index) => {
    const bullet = list.kind === 'ul' ? marker : `${index + 1}${marker}`;
    let first = true;
    let previousList: { kind: string; marker: string } | null = null as {
      kind: string;
      marker: string;
    } | null;
    for (const part of item.parts) {
      if ('kind' in part) {
        if (first) out.push(indent + bullet);
        first = false;
        const plainMarker = part.kind === 'ul' ? '-' : '.';
        const other = part.kind === 'ul' ? '*' : ')';
        // Two lists side by side in one item differ in their markers, as Markdown tells them apart.
        const nested: string =
          previousList && previousList.kind === part.kind && previousList.marker === plainMarker
            ? other
            : plainMarker;
        out.push(...listText(part, depth + 1, nested));
        previousList = { kind: part.kind, marker: nested };
        continue;
      }
      previousList = null;
      part.forEach((line, lineIndex) => {
        if (first && lineIndex === 0) out.push(`${indent}${bullet} ${lineText(line, { canBeMarker: true })}`);
        else out.push(`${indent}  ${lineText(line, { canBeMarker: false })}`);
      });
      first = false;
    }
    if (first) out.push(indent + bullet);
  });
  return out;
}

function blocksText(blocks: Block[]): string {
  return blocks
    .map((block) =>
      block.kind === 'p'
        ? block.lines.map((line) => lineText(line, { canBeMarker: false })).join('\n')
        : listText(block, 0, block.kind === 'ul' ? '-' : '.').join('\n'),
    )
    .join('\n\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Reading editable text.

interface Frame {
  /** What opened it: '**', '*', '_', '++' or '['; '' for the line itself. */
  opener: string;
  nodes: InlineNode[];
}

type InlineNode = string | { mark: 'b' | 'i' | 'u' | 'a'; href?: string; nodes: InlineNode[] };

const markOf: Record<string, 'b' | 'i' | 'u'> = { '**': 'b', '*': 'i', _: 'i', '++': 'u' };

/** A link's address after "](", up to its closing bracket; null when the line ends first. */
function readUrl(text: string, from: number): { url: string; end: number } | null {
  let url = '';
  let depth = 0;
  for (let at = from; at < text.length; at++) {
    const c = text[at]!;
    if (c === '\\' && isEscapable(text[at + 1])) url += text[++at];
    else if (c === ')' && depth === 0) return { url, end: at + 1 };
    else {
      if (c === '(') depth++;
      if (c === ')') depth--;
      url += c;
    }
  }
  return null;
}

function readInline(text: string): InlineNode[] {
  const stack: Frame[] = [{ opener: '', nodes: [] }];
  const emit = (node: InlineNode) => {
    const nodes = stack.at(-1)!.nodes;
    if (typeof node === 'string' && typeof nodes.at(-1) === 'string')
      nodes[nodes.length - 1] = (nodes.at(-1) as string) + node;
    else nodes.push(node);
  };
  /** Closes the frame at index, giving back as plain text whatever opened after it and never closed. */
  function close(index: number, node: (nodes: InlineNode[]) => InlineNode) {
    while (stack.length - 1 > index) {
      const failed = stack.pop()!;
      emit(failed.opener);
      for (const n of failed.nodes) emit(n);
    }
    const frame = stack.pop()!;
    emit(node(frame.nodes));
  }
  const findOpen = (test: (opener: string) => boolean) => lastIndex(stack, (f, i) => i > 0 && test(f.opener));

  for (let at = 0; at < text.length;) {
    const c = text[at]!;
    if (c === '\\' && isEscapable(text[at + 1])) {
      emit(text[at + 1]!);
      at += 2;
      continue;
    }
    if (c === '*' || c === '_' || c === '+') {
      let length = 1;
      while (text[at + length] === c) length++;
      const prev = text[at - 1];
      const next = text[at + length];
      const usable = c === '*' || (c === '_' ? length === 1 : length === 2);
      const canClose = prev !== undefined && !isSpace(prev) && !(c === '_' && isAlnum(next));
      const canOpen = next !== undefined && !isSpace(next) && !(c === '_' && isAlnum(prev));
      let left = length;
      while (usable && left > 0) {
        const index = canClose
          ? findOpen((opener) => opener[0] === c && opener.length <= left && markOf[opener] !== undefined)
          : -1;
        if (index > 0) {
          const opener = stack[index]!.opener;
          close(index, (nodes) => ({ mark: markOf[opener]!, nodes }));
          left -= opener.length;
        } else if (canOpen) {
          const opener = c === '_' ? '_' : left >= 2 ? c + c : c;
          if (c === '+' && left < 2) break;
          stack.push({ opener, nodes: [] });
          left -= opener.length;
        } else break;
      }
      if (left > 0) emit(c.repeat(left));
      at += length;
      continue;
    }
    if (c === '[') {
      stack.push({ opener: '[', nodes: [] });
      at++;
      continue;
    }
    if (c === ']' && text[at + 1] === '(') {
      const index = findOpen((opener) => opener === '[');
      const link = index > 0 ? readUrl(text, at + 2) : null;
      const href = link?.url.trim();
      if (link && href && /^(https?:|mailto:)/i.test(href)) {
        close(index, (nodes) => ({ mark: 'a', href, nodes }));
        at = link.end;
        continue;
      }
    }
    emit(c);
    at++;
  }
  while (stack.length > 1) {
    const failed = stack.pop()!;
    emit(failed.opener);
    for (const n of failed.nodes) emit(n);
  }
  return stack[0]!.nodes;
}

function nodesToRuns(nodes: InlineNode[], marks: Marks, into: Run[] = []): Run[] {
  for (const node of nodes) {
    if (typeof node === 'string') into.push({ ...marks, text: node });
    else if (node.mark === 'a') nodesToRuns(node.nodes, { ...marks, href: node.href ?? null }, into);
    else nodesToRuns(node.nodes, { ...marks, [node.mark]: true }, into);
  }
  return into;
}

const listMarker = /^(?:([-*])|(\d{1,3})([.)]))(?:[ \t]+|$)/;

function indentOf(line: string): number {
  let width = 0;
  for (const c of line) {
    if (c === ' ') width++;
    else if (c === '\t') width += 4;
    else break;
  }
  return width;
}

function readText(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: Paragraph | null = null;
  /** The lists open at this point, outermost first, each with the indent and marker of its items. */
  const lists: { list: List; indent: number; marker: string }[] = [];
  const lineOf = (content: string): Line => (content === '\\' ? [] : nodesToRuns(readInline(content), plain));
  const currentItem = () => lists.at(-1)?.list.items.at(-1);

  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const content = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (content === '') {
      paragraph = null;
      lists.length = 0;
      continue;
    }
    const indent = indentOf(raw);
    const marker = listMarker.exec(content);
    if (marker) {
      paragraph = null;
      const kind = marker[1] ? 'ul' : 'ol';
      const markerType = marker[1] ?? marker[3]!;
      while (lists.length > 0 && lists.at(-1)!.indent > indent) lists.pop();
      if (lists.length > 0 && lists.at(-1)!.indent === indent && lists.at(-1)!.marker !== markerType)
        lists.pop();
      if (lists.length === 0 || lists.at(-1)!.indent < indent) {
        const list: List = { kind, items: [] };
        const parent = currentItem();
        if (parent) parent.parts.push(list);
        else blocks.push(list);
        lists.push({ list, indent, marker: markerType });
      }
      const rest = content.slice(marker[0].length);
      lists.at(-1)!.list.items.push({ parts: rest === '' ? [] : [[lineOf(rest)]] });
      continue;
    }
    if (lists.length > 0 && indent > 0) {
      while (lists.length > 0 && lists.at(-1)!.indent >= indent) lists.pop();
      const item = currentItem();
      if (item) {
        const last = item.parts.at(-1);
        if (Array.isArray(last)) last.push(lineOf(content));
        else item.parts.push([lineOf(content)]);
        continue;
      }
    }
    lists.length = 0;
    if (paragraph) paragraph.lines.push(lineOf(content));
    else {
      paragraph = { kind: 'p', lines: [lineOf(content)] };
      blocks.push(paragraph);
    }
  }
  return normaliseBlocks(blocks);
}

// ---------------------------------------------------------------------------------------------------------------

/** Stored rich text as the text a person edits: no tags, and back again by fromEditableText to the same HTML. */
export function toEditableText(html: string | null | undefined): string {
  return blocksText(readHtml(toRichText(html)));
}

/** Text typed in a rich-text field as the HTML Headway stores. */
export function fromEditableText(text: string | null | undefined): string {
  return toRichText(blocksHtml(readText(text ?? '')));
}

/**
 * What a form field saves: the stored HTML itself when the text is what the form showed for it, so a field left as
 * it was never changes, whatever spelling the HTML had; otherwise the text converted to HTML.
 */
export function editedRichText(text: string | undefined, stored: string): string | undefined {
  if (text === undefined) return undefined;
  const typed = text.replace(/\r\n?/g, '\n');
  if (typed.trim() === toEditableText(stored).trim()) return stored;
  return fromEditableText(typed);
}
