import { describe, expect, it } from 'vitest';
import { siteTextToHtml } from './siteText.js';

describe("the service's own texts as HTML", () => {
  it('makes headings, paragraphs with line breaks, bulleted lists and links', () => {
    expect(
      siteTextToHtml(
        '## How to contact us\n\nWrite to a11y@example.org or see https://example.org/help.\nWe answer in 5 days.\n\n- one\n- two',
      ),
    ).toBe(
      '<h2 class="govuk-heading-m">How to contact us</h2>\n' +
        '<p class="govuk-body">Write to <a class="govuk-link" href="mailto:a11y@example.org">a11y@example.org</a> or see ' +
        '<a class="govuk-link" href="https://example.org/help">https://example.org/help</a>.<br>We answer in 5 days.</p>\n' +
        '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>',
    );
  });

  it('shows markup as the text it is', () => {
    const html = siteTextToHtml(
      '<script>alert(1)</script> & <b>bold</b>\n\nhttps://x.example/"onmouseover="alert(1)',
    );
    expect(html).not.toMatch(/<(script|b)>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('href="https://x.example/"');
    expect(html).not.toContain('"onmouseover');
  });
});
