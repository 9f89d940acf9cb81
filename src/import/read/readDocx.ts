// Reads a Word .docx: the body's paragraphs and tables in order (merges, repeated headers, lists), and page furniture.
import {
  cell,
  ImportFileError,
  type ReadOptions,
  type SourceBlock,
  type SourceCell,
  type SourceDocument,
  type SourceRow,
} from '../source.js';
import { child, children, elementChildren, escapeHtml, parseXml, type Element } from './xml.js';
import { openZip } from './zip.js';

interface Paragraph {
  text: string;
  html: string;
  /** 'ol' or 'ul' when the paragraph is an item of a numbered or bulleted list. */
  list: 'ol' | 'ul' | null;
}

interface Context {
  links: Map<string, string>;
  listKinds: Map<string, 'ol' | 'ul'>;
}

const skipped = new Set([
  'w:pPr',
  'w:rPr',
  'w:del',
  'w:moveFrom',
  'w:proofErr',
  'w:bookmarkStart',
  'w:bookmarkEnd',
  'w:commentRangeStart',
  'w:commentRangeEnd',
]);

function isOn(props: Element | undefined, name: string): boolean {
  const found = props ? child(props, name) : undefined;
  if (!found) return false;
  const value = found.getAttribute('w:val');
  return value === null || value === '' || !['0', 'false', 'none'].includes(value);
}

function runContent(run: Element): { text: string; html: string } {
  let text = '';
  let html = '';
  for (const part of elementChildren(run)) {
    if (part.nodeName === 'w:t') {
      const words = part.textContent ?? '';
      text += words;
      html += escapeHtml(words);
    } else if (part.nodeName === 'w:tab' || part.nodeName === 'w:noBreakHyphen') {
      const mark = part.nodeName === 'w:tab' ? ' ' : '-';
      text += mark;
      html += mark;
    } else if (part.nodeName === 'w:br' || part.nodeName === 'w:cr') {
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
function inlineContent(parent: Element, context: Context): { text: string; html: string } {
  let text = '';
  let html = '';
  for (const node of elementChildren(parent)) {
    if (skipped.has(node.nodeName)) continue;
    if (node.nodeName === 'w:r') {
      const run = runContent(node);
      text += run.text;
      html += run.html;
    } else if (node.nodeName === 'w:hyperlink') {
      const inner = inlineContent(node, context);
      const href = context.links.get(node.getAttribute('r:id') ?? '');
      text += inner.text;
      html += href ? `<a href="${escapeHtml(href)}">${inner.html}</a>` : inner.html;
    } else {
      const inner = inlineContent(node, context);
      text += inner.text;
      html += inner.html;
    }
  }
  return { text, html };
}

function readParagraph(p: Element, context: Context): Paragraph {
  const { text, html } = inlineContent(p, context);
  const numbering = child(child(p, 'w:pPr') ?? p, 'w:numPr');
  let list: Paragraph['list'] = null;
  if (numbering) {
    const numId = child(numbering, 'w:numId')?.getAttribute('w:val') ?? '';
    const level = child(numbering, 'w:ilvl')?.getAttribute('w:val') ?? '0';
    list = numId === '0' ? null : (context.listKinds.get(`${numId}:${level}`) ?? 'ul');
  }
  return { text: text.replace(/[ \t]+/g, ' ').trim(), html: html.trim(), list };
}

/** Paragraphs as HTML: lists gathered into <ul>/<ol>, empty paragraphs dropped. */
function paragraphsHtml(paragraphs: Paragraph[]): string {
  let html = '';
  let open: 'ol' | 'ul' | null = null;
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
function paragraphsIn(parent: Element, context: Context): Paragraph[] {
  const found: Paragraph[] = [];
  for (const node of elementChildren(parent)) {
    if (node.nodeName === 'w:p') found.push(readParagraph(node, context));
    else if (node.nodeName !== 'w:tcPr' && node.nodeName !== 'w:del')
      found.push(...paragraphsIn(node, context));
  }
  return found;
}

function readCell(tc: Element, context: Context): SourceCell {
  const props = child(tc, 'w:tcPr');
  const span = Number(props && child(props, 'w:gridSpan')?.getAttribute('w:val'));
  const merge = props ? child(props, 'w:vMerge') : undefined;
  const mergedAbove = merge !== undefined && merge.getAttribute('w:val') !== 'restart';
  const paragraphs = paragraphsIn(tc, context);
  const text = paragraphs
    .map((p) => p.text)
    .filter(Boolean)
    .join('\n');
  return cell(
    mergedAbove ? '' : text,
    mergedAbove ? '' : paragraphsHtml(paragraphs),
    Number.isInteger(span) && span > 1 ? Math.min(span, 64) : 1,
    mergedAbove,
  );
}

/** Table cells of a row, including those wrapped in content controls. */
function cellsOf(row: Element): Element[] {
  const cells: Element[] = [];
  for (const node of elementChildren(row)) {
    if (node.nodeName === 'w:tc') cells.push(node);
    else if (node.nodeName === 'w:sdt' || node.nodeName === 'w:sdtContent' || node.nodeName === 'w:customXml')
      cells.push(...cellsOf(node));
  }
  return cells;
}

function rowsOf(table: Element): Element[] {
  const rows: Element[] = [];
  for (const node of elementChildren(table)) {
    if (node.nodeName === 'w:tr') rows.push(node);
    else if (node.nodeName === 'w:sdt' || node.nodeName === 'w:sdtContent' || node.nodeName === 'w:customXml')
      rows.push(...rowsOf(node));
  }
  return rows;
}

function readTable(table: Element, context: Context): SourceRow[] {
  return rowsOf(table).map((tr) => {
    const props = child(tr, 'w:trPr');
    return {
      cells: cellsOf(tr).map((tc) => readCell(tc, context)),
      repeatedHeader: isOn(props, 'w:tblHeader'),
    };
  });
}

function readBody(parent: Element, context: Context, blocks: SourceBlock[]): void {
  for (const node of elementChildren(parent)) {
    if (node.nodeName === 'w:p') {
      const p = readParagraph(node, context);
      if (p.text !== '') blocks.push({ type: 'paragraph', text: p.text, html: `<p>${p.html}</p>` });
    } else if (node.nodeName === 'w:tbl') {
      blocks.push({ type: 'table', rows: readTable(node, context) });
    } else if (['w:sdt', 'w:sdtContent', 'w:customXml', 'w:ins', 'w:smartTag'].includes(node.nodeName)) {
      readBody(node, context, blocks);
    }
  }
}

function readRelationships(xml: string | null): Map<string, string> {
  const links = new Map<string, string>();
  if (!xml) return links;
  const doc = parseXml(xml, 'word/_rels/document.xml.rels');
  const relationships = doc.getElementsByTagName('Relationship');
  for (let i = 0; i < relationships.length; i++) {
    const rel = relationships[i]!;
    if ((rel.getAttribute('Type') ?? '').endsWith('/hyperlink'))
      links.set(rel.getAttribute('Id') ?? '', rel.getAttribute('Target') ?? '');
  }
  return links;
}

/** numId:level → 'ol' for numbered formats, 'ul' for bullets. */
function readListKinds(xml: string | null): Map<string, 'ol' | 'ul'> {
  const kinds = new Map<string, 'ol' | 'ul'>();
  if (!xml) return kinds;
  const doc = parseXml(xml, 'word/numbering.xml');
  const root = doc.documentElement;
  if (!root) return kinds;
  const abstract = new Map<string, Element>();
  for (const node of children(root, 'w:abstractNum'))
    abstract.set(node.getAttribute('w:abstractNumId') ?? '', node);
  for (const num of children(root, 'w:num')) {
    const definition = abstract.get(child(num, 'w:abstractNumId')?.getAttribute('w:val') ?? '');
    if (!definition) continue;
    for (const level of children(definition, 'w:lvl')) {
      const format = child(level, 'w:numFmt')?.getAttribute('w:val') ?? 'bullet';
      kinds.set(
        `${num.getAttribute('w:numId')}:${level.getAttribute('w:ilvl')}`,
        format === 'bullet' || format === 'none' ? 'ul' : 'ol',
      );
    }
  }
  return kinds;
}

export async function readDocx(
  fileName: string,
  bytes: Buffer,
  options: ReadOptions,
): Promise<SourceDocument> {
  const zip = await openZip(bytes, options);
  const documentXml = await zip.read('word/document.xml');
  if (documentXml === null)
    throw new ImportFileError('The file is damaged: it has no document body (word/document.xml)');
  const context: Context = {
    links: readRelationships(await zip.read('word/_rels/document.xml.rels')),
    listKinds: readListKinds(await zip.read('word/numbering.xml')),
  };
  const body = parseXml(documentXml, 'word/document.xml').getElementsByTagName('w:body')[0];
  if (!body) throw new ImportFileError('The file is damaged: its document has no body');
  const blocks: SourceBlock[] = [];
  readBody(body, context, blocks);

  const pageFurniture: string[] = [];
  for (const name of zip.names.filter((n) => /^word\/(header|footer)\d*\.xml$/.test(n)).sort()) {
    const xml = await zip.read(name);
    if (!xml) continue;
    const root = parseXml(xml, name).documentElement;
    if (!root) continue;
    for (const p of paragraphsIn(root, context)) if (p.text !== '') pageFurniture.push(p.text);
  }
  return { kind: 'docx', fileName, blocks, pageFurniture };
}
