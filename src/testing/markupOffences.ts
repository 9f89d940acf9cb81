// What in a page could run script, judged element by element. The cross-site scripting sweep (e2e/xss.test.ts) applies
// the same rule in Chromium, to the page as the browser built it, and to a page's HTML as parsed by parse5, which
// follows the HTML standard's parsing algorithm as browsers do.
import { parse } from 'parse5';

/**
 * The offences of one element: an event handler, a document in an attribute, a script that is not one of Headway's
 * files, a hostile URL (as written, and as the browser resolves a link's address), script in a style, or an element
 * that can hold or load another document. Self-contained, with no reference outside itself, as the browser sweep runs
 * its source in the page.
 */
export function elementOffences(
  tag: string,
  attributes: [name: string, value: string][],
  resolvedHref: string | null,
  text: string,
): string[] {
  const offences: string[] = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster'];
  // The URL parser drops leading controls and spaces, and tabs and line breaks anywhere.
  const hostileUrl = (value: string) => {
    let start = 0;
    while (start < value.length && value.charCodeAt(start) <= 0x20) start++;
    return /^(javascript|vbscript|data):/i.test(value.slice(start).replace(/[\t\n\r]/g, ''));
  };
  for (const [rawName, value] of attributes) {
    const name = rawName.toLowerCase();
    if (name.startsWith('on')) offences.push(`<${tag} ${name}>`);
    if (name === 'srcdoc') offences.push(`<${tag} srcdoc>`);
    if (urlAttributes.includes(name) && hostileUrl(value))
      offences.push(`<${tag} ${name}="${value.slice(0, 60)}">`);
    if (name === 'style' && /expression|javascript|url\s*\(/i.test(value))
      offences.push(`<${tag} style="${value.slice(0, 60)}">`);
    if (tag === 'meta' && name === 'http-equiv') offences.push('<meta http-equiv>');
  }
  if (resolvedHref !== null && hostileUrl(resolvedHref))
    offences.push(`<${tag}> resolves to ${resolvedHref.slice(0, 60)}`);
  if (['iframe', 'frame', 'object', 'embed', 'base', 'template', 'math', 'xmp', 'noscript'].includes(tag))
    offences.push(`<${tag}>`);
  if (tag === 'script') {
    const source = attributes.find(([name]) => name.toLowerCase() === 'src')?.[1] ?? '';
    if (!source.startsWith('/static/')) offences.push(`<script> ${text.slice(0, 60)}`);
  }
  return offences;
}

/** Whether a text shows a payload (hwXss(n) or alert(n)) as words. */
export const showsPayload = (text: string) => /hwXss\(\d+\)|alert\(\d+\)/.test(text);

/** The elements that carry an address the browser resolves as `element.href`. */
const linkElements = new Set(['a', 'area', 'link', 'base']);
/** A link's address as the browser resolves it (`element.href`): the attribute as written where it is no URL. */
function resolveUrl(href: string, base: string): string {
  try {
    return new URL(href, base).href;
  } catch {
    return href;
  }
}

/** Elements whose words the reader does not see as text. */
const unseen = new Set(['script', 'style', 'template', 'noscript', 'head']);

interface ParsedNode {
  nodeName: string;
  tagName?: string;
  namespaceURI?: string;
  attrs?: { name: string; prefix?: string; value: string }[];
  value?: string;
  childNodes?: ParsedNode[];
  content?: ParsedNode;
}

/**
 * A page's HTML as the browser would parse it, judged as the browser sweep judges the page: each element's offences,
 * and whether the words a reader sees (the body's text outside hidden elements, the title, the fields' values) show
 * a payload.
 */
export function inspectHtml(html: string, address: string): { offences: string[]; showsPayload: boolean } {
  const offences: string[] = [];
  const seen: string[] = [];
  const textOf = (node: ParsedNode): string =>
    node.nodeName === '#text' ? (node.value ?? '') : (node.childNodes ?? []).map(textOf).join('');
  const walk = (node: ParsedNode, shown: boolean) => {
    if (node.nodeName === '#text') {
      if (shown) seen.push(node.value ?? '');
      return;
    }
    let showsChildren = shown;
    if (node.tagName !== undefined) {
      const tag = node.tagName.toLowerCase();
      const attributes = (node.attrs ?? []).map(
        ({ name, prefix, value }) => [prefix ? `${prefix}:${name}` : name, value] as [string, string],
      );
      const href = attributes.find(([name]) => name === 'href')?.[1];
      const resolved =
        linkElements.has(tag) && href !== undefined && node.namespaceURI === 'http://www.w3.org/1999/xhtml'
          ? resolveUrl(href, address)
          : null;
      offences.push(...elementOffences(tag, attributes, resolved, tag === 'script' ? textOf(node) : ''));
      if (tag === 'title') seen.push(textOf(node));
      if (tag === 'textarea') seen.push(textOf(node));
      if (tag === 'input') seen.push(attributes.find(([name]) => name === 'value')?.[1] ?? '');
      if (unseen.has(tag) || attributes.some(([name]) => name === 'hidden')) showsChildren = false;
      if (node.content) walk(node.content, false);
    }
    for (const child of node.childNodes ?? []) walk(child, showsChildren);
  };
  walk(parse(html) as unknown as ParsedNode, true);
  return { offences, showsPayload: showsPayload(seen.join('\n')) };
}
