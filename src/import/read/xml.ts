// Parses the XML parts of Office files, refusing DTDs and entities (never in real Office files, often in attacks).
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { ImportFileError } from '../source.js';

export function parseXml(text: string, part: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new ImportFileError('The file contains XML features Headway does not accept');
  try {
    return new DOMParser({
      onError: (level, message) => {
        if (level === 'fatalError' || level === 'error') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw new ImportFileError(
      `The file is damaged: its part ${part} is not well-formed XML (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`,
    );
  }
}

/** Child elements with this qualified name, in order. */
export function children(parent: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling)
    if (node.nodeType === 1 && (node as Element).nodeName === name) found.push(node as Element);
  return found;
}

export function child(parent: Element, name: string): Element | undefined {
  return children(parent, name)[0];
}

export function elementChildren(parent: Element): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling)
    if (node.nodeType === 1) found.push(node as Element);
  return found;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type { Document, Element };
