// Horizons named in headings ("Progress against short term priorities (by April 2024)") and medium-term lists in narratives.
import type { Status } from '../../db/schema.js';
import { richTextToPlain } from '../../richtext/sanitise.js';

const termPattern = /\b(short|medium|long)[\s-]+term\b/i;

/** "Short term (by April 2024)" from a heading that names a horizon, or null. */
export function horizonFromHeading(text: string): string | null {
  // A heading, not a sentence that happens to mention a term.
  if (text.length > 150 || /[.!?]$/.test(text.trim())) return null;
  const term = termPattern.exec(text);
  if (!term) return null;
  const when = /\(([^)]+)\)/.exec(text.slice(term.index));
  const name = `${term[1]!.charAt(0).toUpperCase()}${term[1]!.slice(1).toLowerCase()} term`;
  return when ? `${name} (${when[1]!.trim()})` : name;
}

export interface Priority {
  title: string;
  status: Status;
}

/**
 * The medium-term priorities a narrative lists after saying so ("good progress on some Medium-Term priorities
 * including: ..."). Word keeps them as list items; text pasted from it may run them together, in which case each
 * item is taken to start with a capitalised word ending in "ing" (Continuing, Developing) or followed by one.
 */
export function mediumTermPriorities(html: string): Priority[] {
  const intro = /medium[\s-]+term\s+priorit/i.exec(html);
  if (!intro) return [];
  const rest = html.slice(intro.index);
  const sentenceEnd = rest.search(/<\/p>|:/);
  const sentence = richTextToPlain(rest.slice(0, sentenceEnd < 0 ? undefined : sentenceEnd));
  const status: Status = /progress/i.test(
    richTextToPlain(html.slice(Math.max(0, intro.index - 200), intro.index)) + sentence,
  )
    ? 'in_progress'
    : 'not_started';
  const items = [...rest.matchAll(/<li>([\s\S]*?)<\/li>/gi)].map((m) =>
    richTextToPlain(m[1]!).replace(/\s+/g, ' ').trim(),
  );
  if (items.length > 0) return items.filter(Boolean).map((title) => ({ title, status }));
  const list = /<(ul|ol)>([\s\S]*?)<\/\1>/i.exec(rest);
  if (!list) return [];
  return splitRunTogether(richTextToPlain(list[2]!).replace(/\s+/g, ' ').trim()).map((title) => ({
    title,
    status,
  }));
}

/** Splits "Continuing the x Developing the y Further embedding z" into its items. */
export function splitRunTogether(text: string): string[] {
  const words = text.split(' ');
  const items: string[][] = [];
  let quoted = false;
  for (const [i, word] of words.entries()) {
    const next = words[i + 1] ?? '';
    const startsItem =
      i === 0 ||
      (!quoted && /^[A-Z][a-z]+ing$/.test(word)) ||
      (!quoted && /^[A-Z][a-z]+$/.test(word) && /^[a-z]+ing$/.test(next));
    if (startsItem) items.push([word]);
    else items.at(-1)!.push(word);
    const quotes = (word.match(/'/g) ?? []).length;
    if (quotes % 2 === 1 && !/\w'\w/.test(word)) quoted = !quoted;
  }
  return items
    .map((item) =>
      item
        .join(' ')
        .replace(/^[•\-*]\s*/, '')
        .trim(),
    )
    .filter(Boolean);
}
