import { describe, expect, it } from 'vitest';
import { richTextToCellText } from './richTextToCellText.js';

describe('rich text in a spreadsheet cell', () => {
  it('keeps paragraphs and line breaks as lines, and drops formatting', () => {
    expect(
      richTextToCellText(
        '<p>One <b>bold</b> &amp; <a href="https://x.test">link</a></p>\n<p>Two<br />Three</p>',
      ),
    ).toBe('One bold & link\nTwo\nThree');
  });

  it('numbers and bullets list items, indented as they are nested', () => {
    expect(
      richTextToCellText(
        '<p>Steps:</p><ol><li>Sign</li><li>Test<ul><li>evenings</li><li>weekends</li></ul></li><li>Launch</li></ol><ul><li><p>Tea</p></li></ul>',
      ),
    ).toBe('Steps:\n1. Sign\n2. Test\n   • evenings\n   • weekends\n3. Launch\n• Tea');
  });

  it('gives nothing for empty text', () => {
    expect(richTextToCellText('')).toBe('');
    expect(richTextToCellText('<p> </p>')).toBe('');
  });
});
