// Parses the XML parts of Office files with saxes, refusing DTDs and entities (never in real Office files, often in attacks).
import { SaxesParser } from 'saxes';
import { ImportFileError } from '../source.js';

/** An element of a part, named with the prefix Office itself writes ("w:p"), whatever prefix the file used. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

/** Namespaces by the prefix Office gives them, so a file written with other prefixes, or Strict OOXML, reads the same. */
const officePrefixes = new Map([
  ['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'w'],
  ['http://purl.oclc.org/ooxml/wordprocessingml/main', 'w'],
  ['http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'r'],
  ['http://purl.oclc.org/ooxml/officeDocument/relationships', 'r'],
  ['http://schemas.openxmlformats.org/markup-compatibility/2006', 'mc'],
  ['http://schemas.openxmlformats.org/package/2006/relationships', ''],
  ['http://schemas.openxmlformats.org/spreadsheetml/2006/main', ''],
  ['http://purl.oclc.org/ooxml/spreadsheetml/main', ''],
]);

/** Far deeper than tables in tables in content controls ever go; it keeps the readers' recursion bounded. */
const maxDepth = 200;

function refuseDtd(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new ImportFileError('The file contains XML features Headway does not accept');
}

function damagedXml(part: string, error: unknown): ImportFileError {
  if (error instanceof ImportFileError) return error;
  const detail = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
  return new ImportFileError(`The file is damaged: its part ${part} is not well-formed XML (${detail})`);
}

/**
 * Written prefix → Office's prefix, from the namespaces the root element declares (Office declares them all there),
 * or null when the file already uses Office's own prefixes, as nearly every file does.
 */
function prefixChanges(declarations: Record<string, string>): Map<string, string> | null {
  const changes = new Map<string, string>();
  for (const [name, uri] of Object.entries(declarations)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    const written = name === 'xmlns' ? '' : name.slice('xmlns:'.length);
    const office = officePrefixes.get(uri);
    if (office !== undefined && office !== written) changes.set(written, office);
  }
  return changes.size > 0 ? changes : null;
}

function renamed(name: string, changes: Map<string, string>, isAttribute: boolean): string {
  const colon = name.indexOf(':');
  // An attribute without a prefix belongs to no namespace, whatever the element's default namespace is.
  if (colon < 0 && isAttribute) return name;
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const office = changes.get(prefix);
  if (office === undefined) return name;
  const local = name.slice(colon + 1);
  return office ? `${office}:${local}` : local;
}

function renamedAttributes(
  attributes: Record<string, string>,
  changes: Map<string, string>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) result[renamed(name, changes, true)] = value;
  return result;
}

/** Only text runs keep white space that stands alone: elsewhere it is the indentation between tags. */
function keepsSpace(element: XmlElement): boolean {
  return element.name === 't' || element.name.endsWith(':t');
}

/**
 * The part as a tree of elements. Elements named in `skip` are kept, but empty: their content (pictures, deleted
 * text, section settings) is never needed and can be large.
 */
export function parseXml(xml: string, part: string, skip: ReadonlySet<string> = new Set()): XmlElement {
  refuseDtd(xml);
  const top: XmlElement = { name: '', attributes: {}, children: [] };
  const open: XmlElement[] = [top];
  let skipping = 0;
  let changes: Map<string, string> | null | undefined;
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  parser.on('opentag', (tag) => {
    if (skipping > 0) return void skipping++;
    if (open.length > maxDepth)
      throw new ImportFileError(
        `The file is damaged: its part ${part} is nested more than ${maxDepth} levels deep, which no real document is`,
      );
    if (changes === undefined) changes = prefixChanges(tag.attributes);
    const element: XmlElement = changes
      ? {
          name: renamed(tag.name, changes, false),
          attributes: renamedAttributes(tag.attributes, changes),
          children: [],
        }
      : { name: tag.name, attributes: tag.attributes, children: [] };
    open[open.length - 1]!.children.push(element);
    if (skip.has(element.name)) skipping = 1;
    else open.push(element);
  });
  parser.on('closetag', () => {
    if (skipping > 0) skipping--;
    else open.pop();
  });
  const addText = (text: string) => {
    const parent = open[open.length - 1]!;
    if (skipping === 0 && (keepsSpace(parent) || text.trim() !== '')) parent.children.push(text);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(xml).close();
  } catch (error) {
    throw damagedXml(part, error);
  }
  const root = top.children.find(isElement);
  if (!root) throw new ImportFileError(`The file is damaged: its part ${part} is empty`);
  return root;
}

export interface ScanHandlers {
  open(name: string, attributes: Record<string, string>): void;
  text(text: string): void;
  close(name: string): void;
}

/** Passes a part's tags to the handlers as they are read (local names, no tree), for parts too large for a tree. */
export function scanXml(xml: string, part: string, handlers: ScanHandlers): void {
  refuseDtd(xml);
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  parser.on('opentag', (tag) => handlers.open(local(tag.name), tag.attributes));
  parser.on('text', (text) => handlers.text(text));
  parser.on('cdata', (text) => handlers.text(text));
  parser.on('closetag', (tag) => handlers.close(local(tag.name)));
  try {
    parser.write(xml).close();
  } catch (error) {
    throw damagedXml(part, error);
  }
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function elementChildren(parent: XmlElement): XmlElement[] {
  return parent.children.filter(isElement);
}

/** Child elements with this name, in order. */
export function children(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent
    ? parent.children.filter((node): node is XmlElement => isElement(node) && node.name === name)
    : [];
}

export function child(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((node): node is XmlElement => isElement(node) && node.name === name);
}

export function attribute(element: XmlElement | undefined, name: string): string | undefined {
  return element?.attributes[name];
}

/** All the text inside an element, in order. */
export function textOf(element: XmlElement): string {
  return element.children.map((node) => (isElement(node) ? textOf(node) : node)).join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
