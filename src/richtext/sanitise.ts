// Rich text (progress, future actions, update bodies, narratives) is kept as HTML from a small allow-list.
import sanitizeHtml from 'sanitize-html';

const allowList: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'ul', 'ol', 'li', 'b', 'strong', 'i', 'em', 'u', 'a'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text inside removed script/style elements must go too, not be shown as prose.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template', 'iframe', 'object'],
  transformTags: {
    a: (tagName, attribs) => {
      // Links to other schemes lose their href below; only the links that stay are marked noopener.
      const href = attribs.href?.trim() ?? '';
      const kept: Record<string, string> = /^(https?:|mailto:)/i.test(href)
        ? { href, rel: 'noopener noreferrer' }
        : { href };
      return { tagName, attribs: kept };
    },
  },
};
allowList.allowedAttributes = { a: ['href', 'rel'] };

const looksLikeHtml = /<\s*\/?\s*[a-z][^>]*>/i;

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const simpleToken = /<\/?(p|br|ul|ol|li|b|strong|i|em|u)\s*\/?>|&(amp|lt|gt|quot|#39);|[^<>&]+/gy;
const voidTags = new Set(['br']);

/**
 * HTML that uses only the allow-list, without attributes and with no bare angle brackets or ampersands, with its tags
 * closed in order: stray closing tags dropped, unclosed ones closed. Null when the HTML is anything else, which then
 * goes through the sanitiser. Imports of thousands of cells would otherwise spend most of their time there.
 */
function balancedSimpleHtml(html: string): string | null {
  const open: string[] = [];
  let out = '';
  let at = 0;
  while (at < html.length) {
    simpleToken.lastIndex = at;
    const match = simpleToken.exec(html);
    if (!match || match.index !== at) return null;
    at = simpleToken.lastIndex;
    const tag = match[1]?.toLowerCase();
    if (!tag) out += match[0];
    else if (voidTags.has(tag)) out += '<br />';
    else if (match[0].startsWith('</')) {
      if (!open.includes(tag)) continue;
      while (open.length > 0) {
        const closing = open.pop()!;
        out += `</${closing}>`;
        if (closing === tag) break;
      }
    } else if (match[0].endsWith('/>')) return null;
    else {
      open.push(tag);
      out += `<${tag}>`;
    }
  }
  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
}

/** Plain text becomes paragraphs (blank lines) and line breaks; HTML is cleaned to the allow-list. */
export function toRichText(input: string | null | undefined): string {
  const text = (input ?? '').replace(/\r\n?/g, '\n').trim();
  if (text === '') return '';
  if (looksLikeHtml.test(text)) return (balancedSimpleHtml(text) ?? sanitizeHtml(text, allowList)).trim();
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeText(paragraph.trim()).replace(/\n/g, '<br />')}</p>`)
    .join('');
}

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/**
 * The words of a rich-text value without markup, for search, summaries, spreadsheets and Word. The result is text,
 * never HTML: whatever shows it escapes it, so tags are simply dropped here rather than parsed.
 */
export function richTextToPlain(html: string): string {
  return html
    .replace(/<\/(p|li)>|<br\s*\/?>|<(ul|ol)>/gi, '\n')
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x?[0-9a-f]+|[a-z0-9]+);/gi, (whole, name: string) => {
      if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16) || 32);
      if (name.startsWith('#') && name !== '#39')
        return String.fromCodePoint(parseInt(name.slice(1), 10) || 32);
      return entities[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
