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

/** Plain text becomes paragraphs (blank lines) and line breaks; HTML is cleaned to the allow-list. */
export function toRichText(input: string | null | undefined): string {
  const text = (input ?? '').replace(/\r\n?/g, '\n').trim();
  if (text === '') return '';
  if (looksLikeHtml.test(text)) return sanitizeHtml(text, allowList).trim();
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeText(paragraph.trim()).replace(/\n/g, '<br />')}</p>`)
    .join('');
}

/** The words of a rich-text value without markup, for search, summaries and spreadsheets. */
export function richTextToPlain(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|li)>|<br\s*\/?>/gi, '\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{2,}/g, '\n')
    .trim();
}
