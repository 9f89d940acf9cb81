import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../../bench/seededRandom.js';
import { richTextParagraphs } from '../exports/richTextToWord.js';
import { editedRichText, fromEditableText, toEditableText } from './editableText.js';
import { toRichText } from './sanitise.js';

const roundTrip = (html: string) => fromEditableText(toEditableText(html));

describe('toEditableText and fromEditableText', () => {
  it('shows plain prose exactly as written, with no markup', () => {
    const stored = toRichText('Fish & chips for staff < 5 mins, "quoted" and it\'s 50% done');
    expect(toEditableText(stored)).toBe('Fish & chips for staff < 5 mins, "quoted" and it\'s 50% done');
    expect(roundTrip(stored)).toBe(stored);
  });

  it('shows paragraphs, line breaks, lists and emphasis without a tag', () => {
    const stored =
      '<p>First <b>bold</b>, <i>italic</i> and <u>underlined</u><br />second line</p><p>Next paragraph with <a href="https://example.org/a_(b)" rel="noopener noreferrer">a link</a></p>' +
      '<ul><li>one<ul><li>inside</li></ul></li><li>two</li></ul><ol><li>first</li><li>second</li></ol>';
    const text = toEditableText(stored);
    expect(text).toBe(
      [
        'First **bold**, _italic_ and ++underlined++',
        'second line',
        '',
        'Next paragraph with [a link](https://example.org/a_(b))',
        '',
        '- one',
        '  - inside',
        '- two',
        '',
        '1. first',
        '2. second',
      ].join('\n'),
    );
    expect(text).not.toContain('<');
    expect(fromEditableText(text)).toBe(stored);
  });

  it('escapes characters that would otherwise read as formatting, and reads them back as typed', () => {
    const stored = toRichText(
      '<p>- not a bullet<br />1. not numbered<br />5*3 and _init_ and C++ and \\* and [see](https://x.org) as typed</p>',
    );
    const text = toEditableText(stored);
    expect(text).toBe(
      '\\- not a bullet\n1\\. not numbered\n5\\*3 and \\_init\\_ and C\\+\\+ and \\\\\\* and \\[see](https://x.org) as typed',
    );
    expect(fromEditableText(text)).toBe(stored);
  });

  it('leaves characters alone where they cannot be formatting', () => {
    const text = 'a * b, snake_case, 2 + 2, [sic] and C:\\Shared';
    expect(toEditableText(fromEditableText(text))).toBe(text);
  });

  it('turns what a person types into the stored HTML', () => {
    expect(
      fromEditableText(
        'Done:\r\n- **agreed** with *HR*\r\n  - and _Comms_\r\n* new list\r\n\r\n3) numbered\r\n\r\nSee [the plan](https://example.org/plan) or ++this++',
      ),
    ).toBe(
      '<p>Done:</p><ul><li><b>agreed</b> with <i>HR</i><ul><li>and <i>Comms</i></li></ul></li></ul><ul><li>new list</li></ul><ol><li>numbered</li></ol>' +
        '<p>See <a href="https://example.org/plan" rel="noopener noreferrer">the plan</a> or <u>this</u></p>',
    );
  });

  it('keeps typed HTML as text rather than markup, and links only to web and e-mail addresses', () => {
    expect(fromEditableText('<b>not bold</b> [x](javascript:alert(1))')).toBe(
      '<p>&lt;b&gt;not bold&lt;/b&gt; [x](javascript:alert(1))</p>',
    );
  });

  it('keeps a stored value exactly when its text comes back unchanged, and converts it when edited', () => {
    const stored = '<p>Fish &amp; chips for staff &lt; 5 mins…<br /></p><p><strong>strong</strong></p>';
    const shown = toEditableText(stored);
    expect(shown).toBe('Fish & chips for staff < 5 mins…\n\n**strong**');
    expect(editedRichText(shown.replace(/\n/g, '\r\n'), stored)).toBe(stored);
    expect(editedRichText(`${shown}\n- more`, stored)).toBe(
      '<p>Fish &amp; chips for staff &lt; 5 mins…</p><p><b>strong</b></p><ul><li>more</li></ul>',
    );
    expect(editedRichText(undefined, stored)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests over random documents from a seeded generator, so a failure names a seed that reproduces it.

const wordAlphabet = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'éß€…–“”\u00a0',
  ...'*_+[]()\\-.&<>"\'#!:;,/=~`|{}%@?',
];
const hrefs = [
  'https://example.org/',
  'https://example.org/a_(b)',
  'https://example.org/q?a=1&b=2',
  'http://example.org/(unbalanced',
  'https://example.org/back\\slash)',
  'mailto:someone@example.org',
  'https://example.org/"quoted"',
];

function word(random: SeededRandom): string {
  const special = random.chance(0.5);
  return Array.from({ length: random.int(1, 6) }, () =>
    special ? random.pick(wordAlphabet) : random.pick(wordAlphabet.slice(0, 62)),
  ).join('');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

type CharMarks = { b: boolean; i: boolean; u: boolean; href: string | null };

/**
 * A line in the one spelling Headway writes: words with random emphasis and links, a space taking only the
 * formatting both its words share, elements nested link, bold, italic, underline and each as long as it can be.
 */
function canonicalLine(random: SeededRandom): string {
  const words = Array.from({ length: random.int(1, 6) }, () => ({
    text: word(random),
    marks: {
      b: random.chance(0.25),
      i: random.chance(0.25),
      u: random.chance(0.15),
      href: random.chance(0.15) ? random.pick(hrefs) : null,
    } as CharMarks,
  }));
  const chars: { c: string; marks: CharMarks }[] = [];
  words.forEach((w, index) => {
    if (index > 0) {
      const l = words[index - 1]!.marks;
      const r = w.marks;
      // What both words share, outermost first, up to the first difference.
      const shared: CharMarks = { b: false, i: false, u: false, href: null };
      if (l.href === r.href) {
        shared.href = l.href;
        for (const key of ['b', 'i', 'u'] as const) {
          if (l[key] !== r[key]) break;
          shared[key] = l[key];
        }
      }
      for (const c of random.pick([' ', '  '])) chars.push({ c, marks: shared });
    }
    for (const c of w.text) chars.push({ c, marks: w.marks });
  });
  const keys = ['href', 'b', 'i', 'u'] as const;
  function write(slice: typeof chars, layer: number): string {
    const key = keys[layer];
    if (key === undefined) return escapeHtml(slice.map((x) => x.c).join(''));
    let html = '';
    for (let at = 0; at < slice.length;) {
      let end = at + 1;
      while (end < slice.length && slice[end]!.marks[key] === slice[at]!.marks[key]) end++;
      const inner = write(slice.slice(at, end), layer + 1);
      const value = slice[at]!.marks[key];
      if (!value) html += inner;
      else if (key === 'href')
        html += `<a href="${escapeHtml(value as string).replace(/"/g, '&quot;')}">${inner}</a>`;
      else html += `<${key}>${inner}</${key}>`;
      at = end;
    }
    return html;
  }
  return write(chars, 0);
}

function canonicalLines(random: SeededRandom): string {
  const lines = [canonicalLine(random)];
  while (random.chance(0.3)) lines.push(random.chance(0.15) ? '' : canonicalLine(random));
  lines.push(canonicalLine(random));
  return lines.slice(0, random.chance(0.5) ? 1 : undefined).join('<br />');
}

function canonicalList(random: SeededRandom, depth: number): string {
  const kind = random.pick(['ul', 'ol']);
  const items = Array.from({ length: random.int(1, 3) }, () => {
    const parts: string[] = [];
    if (depth > 3 || random.chance(0.85)) parts.push(canonicalLines(random));
    let afterList = false;
    while (depth < 3 && random.chance(0.3)) {
      parts.push(canonicalList(random, depth + 1));
      afterList = true;
      if (random.chance(0.2)) {
        parts.push(canonicalLines(random));
        afterList = false;
      }
    }
    void afterList;
    return `<li>${parts.join('')}</li>`;
  });
  return `<${kind}>${items.join('')}</${kind}>`;
}

function canonicalDocument(random: SeededRandom): string {
  return Array.from({ length: random.int(1, 4) }, () =>
    random.chance(0.6) ? `<p>${canonicalLines(random)}</p>` : canonicalList(random, 0),
  ).join('');
}

/** Any tree of the allow-listed elements, nested any way, with the white space and line breaks HTML allows. */
function anyDocument(random: SeededRandom, depth = 0): string {
  const tags = ['p', 'ul', 'ol', 'li', 'b', 'strong', 'i', 'em', 'u', 'a'];
  return Array.from({ length: random.int(1, 4) }, () => {
    const choice = random.int(0, 9);
    if (choice < 3 || depth > 4)
      return escapeHtml(random.pick([word(random), ' ', '\n', `${word(random)} `]));
    if (choice === 3) return '<br />';
    const tag = random.pick(tags);
    const open = tag === 'a' ? `<a href="${escapeHtml(random.pick(hrefs))}">` : `<${tag}>`;
    return `${open}${anyDocument(random, depth + 1)}</${tag}>`;
  }).join(random.pick(['', ' ', '\n']));
}

/** What a reader sees, white space and layout aside: every other character with its formatting, in order. */
function whatAReaderSees(html: string): string[] {
  return richTextParagraphs(html).flatMap((paragraph) =>
    paragraph.runs.flatMap((run) =>
      [...run.text]
        .filter((c) => !/\s/.test(c) || c === '\u00a0')
        .map(
          (c) =>
            `${c}${run.bold ? 'B' : ''}${run.italics ? 'I' : ''}${run.underline ? 'U' : ''}${run.href ?? ''}`,
        ),
    ),
  );
}

describe('editable text round trip (seeded random documents)', () => {
  it('gives back exactly the stored HTML for every document in Headway’s spelling', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const stored = toRichText(canonicalDocument(seededRandom(seed)));
      const text = toEditableText(stored);
      expect({ seed, text, back: fromEditableText(text) }).toEqual({ seed, text, back: stored });
    }
  }, 120_000);

  it('shows any allow-listed HTML as text that saves what a reader saw, and shows that again unchanged', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const stored = toRichText(anyDocument(seededRandom(seed)));
      const text = toEditableText(stored);
      const saved = fromEditableText(text);
      expect({ seed, stored, sees: whatAReaderSees(saved) }).toEqual({
        seed,
        stored,
        sees: whatAReaderSees(stored),
      });
      expect({ seed, stored, again: toEditableText(saved) }).toEqual({ seed, stored, again: text });
      expect({ seed, stored, exact: fromEditableText(toEditableText(saved)) }).toEqual({
        seed,
        stored,
        exact: saved,
      });
    }
  }, 120_000);
});
