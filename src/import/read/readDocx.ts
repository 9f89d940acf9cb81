// Reads a Word .docx: the body's paragraphs and tables in order (merges, repeated headers, lists), and page furniture.
import {
  cell,
  ImportFileError,
  type SourceBlock,
  type SourceCell,
  type SourceDocument,
  type SourceRow,
} from '../source.js';
import {
  attribute,
  child,
  children,
  elementChildren,
  escapeHtml,
  parseXml,
  textOf,
  type XmlElement,
} from './xml.js';
import type { ZipParts } from './zip.js';

interface Paragraph {
  text: string;
  html: string;
  /** 'ol' or 'ul' when the paragraph is an item of a numbered or bulleted list. */
  list: ListKind | null;
}

type ListKind = 'ol' | 'ul';

interface Context {
  links: Map<string, string>;
  /** "numId:level" → the kind of list its numbering draws. */
  listKinds: Map<string, ListKind>;
  /** Paragraph style → the numbering it gives its paragraphs ("List Bullet" and the like). */
  styleNumbering: Map<string, { numId: string; level: string }>;
}

/**
 * Content never read: deleted and moved-away text, field codes, pictures, section and grid settings, the
 * fallback copy of new-style content, and the old formatting kept by tracked changes.
 */
const unread = new Set([
  'w:del',
  'w:moveFrom',
  'w:delText',
  'w:instrText',
  'w:drawing',
  'w:pict',
  'w:object',
  'w:sectPr',
  'w:tblPr',
  'w:tblGrid',
  'mc:Fallback',
  'w:rPrChange',
  'w:pPrChange',
  'w:tblPrChange',
  'w:trPrChange',
  'w:tcPrChange',
]);

/** Wrappers whose content reads as if they were not there: content controls, tracked insertions, smart tags. */
const wrappers = new Set(['w:sdt', 'w:sdtContent', 'w:customXml', 'w:ins', 'w:moveTo', 'w:smartTag']);

function isOn(props: XmlElement | undefined, name: string): boolean {
  const found = child(props, name);
  if (!found) return false;
  const value = attribute(found, 'w:val');
  return value === undefined || value === '' || !['0', 'false', 'none'].includes(value);
}

function runContent(run: XmlElement): { text: string; html: string } {
  let text = '';
  let html = '';
  for (const part of elementChildren(run)) {
    if (part.name === 'w:t') {
      const words = textOf(part);
      text += words;
      html += escapeHtml(words);
    } else if (part.name === 'w:tab' || part.name === 'w:noBreakHyphen') {
      const mark = part.name === 'w:tab' ? ' ' : '-';
      text += mark;
      html += mark;
    } else if (part.name === 'w:br' || part.name === 'w:cr') {
      text += '\n';
      html += '<br>';
    }
  }
  if (html === '') return { text, html };
  const props = child(run, 'w:rPr');
  if (isOn(props, 'w:u')) html = `<u>${html}</u>`;
  if (isOn(props, 'w:i')) html = `<i>${html}</i>`;
  if (isOn(props, 'w:b')) html = `<b>${html}</b>`;
  return { text, html };
}

/** The words of a paragraph's runs, tracked insertions and content controls included, deletions left out. */
function inlineContent(parent: XmlElement, context: Context): { text: string; html: string } {
  let text = '';
  let html = '';
  for (const node of elementChildren(parent)) {
    if (unread.has(node.name) || node.name === 'w:pPr' || node.name === 'w:rPr') continue;
    const inner = node.name === 'w:r' ? runContent(node) : inlineContent(node, context);
    const href = node.name === 'w:hyperlink' ? context.links.get(attribute(node, 'r:id') ?? '') : undefined;
    text += inner.text;
    html += href ? `<a href="${escapeHtml(href)}">${inner.html}</a>` : inner.html;
  }
  return { text, html };
}

function listKindOf(p: XmlElement, context: Context): ListKind | null {
  const props = child(p, 'w:pPr');
  const numbering = child(props, 'w:numPr');
  const style = context.styleNumbering.get(attribute(child(props, 'w:pStyle'), 'w:val') ?? '');
  const numId = attribute(child(numbering, 'w:numId'), 'w:val') ?? style?.numId;
  const level = attribute(child(numbering, 'w:ilvl'), 'w:val') ?? style?.level ?? '0';
  if (numId === undefined || numId === '0') return null;
  return context.listKinds.get(`${numId}:${level}`) ?? 'ul';
}

function readParagraph(p: XmlElement, context: Context): Paragraph {
  const { text, html } = inlineContent(p, context);
  return {
    text: text.replace(/[ \t]+/g, ' ').trim(),
    html: html.trim(),
    list: listKindOf(p, context),
  };
}

/** Paragraphs as HTML: lists gathered into <ul>/<ol>, empty paragraphs dropped. */
function paragraphsHtml(paragraphs: Paragraph[]): string {
  let html = '';
  let open: ListKind | null = null;
  for (const p of paragraphs) {
    if (p.text === '') continue;
    if (p.list !== open) {
      if (open) html += `</${open}>`;
      if (p.list) html += `<${p.list}>`;
      open = p.list;
    }
    html += p.list ? `<li>${p.html}</li>` : `<p>${p.html}</p>`;
  }
  if (open) html += `</${open}>`;
  return html;
}

/** Every paragraph inside an element, nested tables and content controls flattened in reading order. */
function paragraphsIn(parent: XmlElement, context: Context): Paragraph[] {
  const found: Paragraph[] = [];
  for (const node of elementChildren(parent)) {
    if (node.name === 'w:p') found.push(readParagraph(node, context));
    else if (!unread.has(node.name)) found.push(...paragraphsIn(node, context));
  }
  return found;
}

function readCell(tc: XmlElement, context: Context): SourceCell {
  const props = child(tc, 'w:tcPr');
  const span = Number(attribute(child(props, 'w:gridSpan'), 'w:val'));
  const merge = child(props, 'w:vMerge');
  const mergedAbove = merge !== undefined && attribute(merge, 'w:val') !== 'restart';
  const colSpan = Number.isInteger(span) && span > 1 ? Math.min(span, 64) : 1;
  if (mergedAbove) return cell('', '', colSpan, true);
  const paragraphs = paragraphsIn(tc, context);
  const text = paragraphs
    .map((p) => p.text)
    .filter(Boolean)
    .join('\n');
  return cell(text, paragraphsHtml(paragraphs), colSpan, false);
}

/** The elements with this name among a parent's children, looking through content controls and insertions. */
function inOrder(parent: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const node of elementChildren(parent)) {
    if (node.name === name) found.push(node);
    else if (wrappers.has(node.name)) found.push(...inOrder(node, name));
  }
  return found;
}

function readTable(table: XmlElement, context: Context): SourceRow[] {
  const rows: SourceRow[] = [];
  for (const tr of inOrder(table, 'w:tr')) {
    const props = child(tr, 'w:trPr');
    // A row deleted with changes tracked is no longer part of the table.
    if (child(props, 'w:del')) continue;
    rows.push({
      cells: inOrder(tr, 'w:tc').map((tc) => readCell(tc, context)),
      repeatedHeader: isOn(props, 'w:tblHeader'),
    });
  }
  return rows;
}

function readBody(parent: XmlElement, context: Context, blocks: SourceBlock[]): void {
  for (const node of elementChildren(parent)) {
    if (node.name === 'w:p') {
      const p = readParagraph(node, context);
      if (p.text !== '') blocks.push({ type: 'paragraph', text: p.text, html: `<p>${p.html}</p>` });
    } else if (node.name === 'w:tbl') {
      blocks.push({ type: 'table', rows: readTable(node, context) });
    } else if (wrappers.has(node.name)) {
      readBody(node, context, blocks);
    }
  }
}

function readLinks(rels: XmlElement | null): Map<string, string> {
  const links = new Map<string, string>();
  for (const rel of children(rels ?? undefined, 'Relationship'))
    if ((attribute(rel, 'Type') ?? '').endsWith('/hyperlink'))
      links.set(attribute(rel, 'Id') ?? '', attribute(rel, 'Target') ?? '');
  return links;
}

/** numId:level → 'ol' for numbered formats, 'ul' for bullets. */
function readListKinds(numbering: XmlElement | null): Map<string, ListKind> {
  const kinds = new Map<string, ListKind>();
  if (!numbering) return kinds;
  const abstract = new Map<string, XmlElement>();
  for (const node of children(numbering, 'w:abstractNum'))
    abstract.set(attribute(node, 'w:abstractNumId') ?? '', node);
  for (const num of children(numbering, 'w:num')) {
    const definition = abstract.get(attribute(child(num, 'w:abstractNumId'), 'w:val') ?? '');
    for (const level of children(definition, 'w:lvl')) {
      const format = attribute(child(level, 'w:numFmt'), 'w:val') ?? 'bullet';
      kinds.set(
        `${attribute(num, 'w:numId')}:${attribute(level, 'w:ilvl')}`,
        format === 'bullet' || format === 'none' ? 'ul' : 'ol',
      );
    }
  }
  return kinds;
}

/** Paragraph styles that number their paragraphs, directly or through the style they are based on. */
function readStyleNumbering(styles: XmlElement | null): Context['styleNumbering'] {
  const direct = new Map<string, { numId?: string; level?: string; basedOn?: string }>();
  for (const style of children(styles ?? undefined, 'w:style')) {
    if (attribute(style, 'w:type') !== 'paragraph') continue;
    const numbering = child(child(style, 'w:pPr'), 'w:numPr');
    direct.set(attribute(style, 'w:styleId') ?? '', {
      numId: attribute(child(numbering, 'w:numId'), 'w:val'),
      level: attribute(child(numbering, 'w:ilvl'), 'w:val'),
      basedOn: attribute(child(style, 'w:basedOn'), 'w:val'),
    });
  }
  const numbered: Context['styleNumbering'] = new Map();
  for (const id of direct.keys()) {
    // Follow "based on" a few steps at most: a loop of styles must not loop here.
    let style = direct.get(id);
    for (let step = 0; style && style.numId === undefined && step < 10; step++)
      style = style.basedOn ? direct.get(style.basedOn) : undefined;
    if (style?.numId !== undefined) numbered.set(id, { numId: style.numId, level: style.level ?? '0' });
  }
  return numbered;
}

async function readPart(zip: ZipParts, name: string): Promise<XmlElement | null> {
  const xml = await zip.read(name);
  return xml === null ? null : parseXml(xml, name, unread);
}

async function readPageFurniture(zip: ZipParts, context: Context): Promise<string[]> {
  const furniture: string[] = [];
  for (const name of zip.names.filter((n) => /^word\/(header|footer)\d*\.xml$/.test(n)).sort()) {
    const part = await readPart(zip, name);
    for (const p of part ? paragraphsIn(part, context) : []) if (p.text !== '') furniture.push(p.text);
  }
  return furniture;
}

export async function readDocx(fileName: string, zip: ZipParts): Promise<SourceDocument> {
  const document = await readPart(zip, 'word/document.xml');
  if (!document)
    throw new ImportFileError('The file is damaged: it has no document body (word/document.xml)');
  const body = child(document, 'w:body');
  if (!body) throw new ImportFileError('The file is damaged: its document has no body');
  const context: Context = {
    links: readLinks(await readPart(zip, 'word/_rels/document.xml.rels')),
    listKinds: readListKinds(await readPart(zip, 'word/numbering.xml')),
    styleNumbering: readStyleNumbering(await readPart(zip, 'word/styles.xml')),
  };
  const blocks: SourceBlock[] = [];
  readBody(body, context, blocks);
  return { kind: 'docx', fileName, blocks, pageFurniture: await readPageFurniture(zip, context) };
}
