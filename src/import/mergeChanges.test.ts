import { describe, expect, it } from 'vitest';
import { sameRichText, sameText } from './mergeChanges.js';

describe('what counts as a change when merging', () => {
  it('takes differences only of white space, in plain text, as no change', () => {
    expect(sameText('Recruit  champions ', 'Recruit champions')).toBe(true);
    expect(sameText('Recruit\u00a0champions', 'Recruit champions')).toBe(true);
    expect(sameText('Recruit champions', 'Recruit chaplains')).toBe(false);
    expect(sameText('Sep-21', 'Sep-24')).toBe(false);
  });

  it('takes differences only of spacing and line breaks, in rich text, as no change', () => {
    const stored = '<p>Focus groups were held.</p><p>1.) Return to work</p><ul><li>Comms</li></ul>';
    for (const same of [
      '<p>Focus groups  were held. </p>\n\n<p>  1.) Return to work</p>\n<ul>\n  <li> Comms </li>\n</ul>',
      '<p>Focus groups were held.<br />1.) Return to work<br /></p><ul><li>Comms</li></ul>',
      '<p>Focus groups&nbsp;were held.</p><p></p><p>1.) Return to work</p><ul><li>Comms</li></ul>',
    ])
      expect(sameRichText(same, stored), same).toBe(true);
    // A cell of plain text, read from a CSV, against the same paragraphs from Word.
    expect(
      sameRichText(
        'Focus groups were held.\n1.) Return to work ',
        '<p>Focus groups were held.</p><p>1.) Return to work</p>',
      ),
    ).toBe(true);
  });

  it('takes other words, emphasis, links and lists as changes', () => {
    const stored = '<p>Focus groups were held.</p><ul><li>Comms</li></ul>';
    for (const changed of [
      '<p>Focus groups were cancelled.</p><ul><li>Comms</li></ul>',
      '<p>Focus groups were <strong>held</strong>.</p><ul><li>Comms</li></ul>',
      '<p>Focus groups were <a href="https://example.org/">held</a>.</p><ul><li>Comms</li></ul>',
      '<p>Focus groups were held.</p><p>Comms</p>',
      '<p>Focusgroups were held.</p><ul><li>Comms</li></ul>',
    ])
      expect(sameRichText(changed, stored), changed).toBe(false);
  });
});
