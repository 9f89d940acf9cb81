import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../import/read/xml.js';
import { inspectHtml } from './markupOffences.js';
import { xssPayloads } from './xssPayloads.js';

const page = (body: string) =>
  `<!DOCTYPE html><html lang="en"><head><title>Plan</title><script type="module" src="/static/headway.js"></script></head><body><main>${body}</main></body></html>`;
const address = 'http://127.0.0.1:3000/plans/a';

/**
 * Payloads that cannot run from a page's body or a quoted attribute, escaped or not: words, not markup (encoded, or
 * for other kinds of page); a tag named "scr<script"; and an image whose unquoted address swallows its "onerror".
 */
const wordsOnly = new Set(
  xssPayloads.filter((payload) =>
    /^(&lt;|&#60;|%3C|\\u003c|javascript:|\{\{|\$\{|<scr<script>|<img\/src=x\/onerror)/.test(payload),
  ),
);

describe('the parsed-HTML rule of the cross-site scripting sweep', () => {
  it('finds every payload that is markup when a page shows it unescaped, in the body and in an attribute', () => {
    const missed = xssPayloads
      .filter((payload) => !wordsOnly.has(payload))
      .filter(
        (payload) =>
          inspectHtml(page(`<p>${payload}</p>`), address).offences.length === 0 &&
          inspectHtml(page(`<input value="${payload}"><input value='${payload}'>`), address).offences
            .length === 0,
      );
    expect(missed).toEqual([]);
    expect(wordsOnly.size).toBe(9);
  });

  it('finds none when the page escapes them, and sees them as words in the body, a field and the title', () => {
    for (const payload of xssPayloads) {
      const escaped = escapeHtml(payload);
      for (const html of [
        page(`<p>${escaped}</p>`),
        page(`<textarea>${escaped}</textarea>`),
        page(`<input value="${escaped}">`),
        page('').replace('<title>Plan', `<title>${escaped}`),
      ]) {
        const found = inspectHtml(html, address);
        expect(found.offences, payload).toEqual([]);
        expect(found.showsPayload, payload).toBe(true);
      }
    }
  });

  it("does not count words that a reader does not see: a script's, a hidden element's, a template's", () => {
    for (const body of [
      '<div hidden><p>hwXss(1)</p></div>',
      '<style>/* hwXss(1) */</style>',
      '<script src="/static/headway.js">hwXss(1)</script>',
    ])
      expect(inspectHtml(page(body), address).showsPayload, body).toBe(false);
  });

  it("resolves a link as the browser does, and allows Headway's own scripts only", () => {
    expect(inspectHtml(page('<a href="\u0001 java\tscript:x()">a</a>'), address).offences).not.toEqual([]);
    expect(
      inspectHtml(page('<a href="/plans/b">b</a><a href="https://example.org/">c</a>'), address).offences,
    ).toEqual([]);
    expect(inspectHtml(page('<script src="https://example.org/x.js"></script>'), address).offences).toEqual([
      '<script> ',
    ]);
    expect(
      inspectHtml(page('<svg><a xlink:href="javascript:x()"><text>t</text></a></svg>'), address).offences,
    ).toEqual(['<a xlink:href="javascript:x()">']);
  });
});
