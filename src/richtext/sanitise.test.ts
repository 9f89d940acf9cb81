import { describe, expect, it } from 'vitest';
import { richTextToPlain, toRichText } from './sanitise.js';

describe('toRichText', () => {
  it('keeps the allowed formatting: paragraphs, breaks, lists, bold, italic, underline', () => {
    const html =
      '<p><b>Bold</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u><br />next</p><ul><li>one</li></ul><ol><li>two</li></ol>';
    expect(toRichText(html)).toBe(html);
  });

  it('keeps http, https and mailto links and marks them noopener', () => {
    expect(toRichText('<a href="https://example.org/x">x</a>')).toBe(
      '<a href="https://example.org/x" rel="noopener noreferrer">x</a>',
    );
    expect(toRichText('<a href="mailto:a@example.org">a</a>')).toContain('href="mailto:a@example.org"');
  });

  it.each([
    ['<script>alert(1)</script><p>ok</p>', '<p>ok</p>'],
    ['<p onclick="alert(1)">x</p>', '<p>x</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="data:text/html,hi">x</a>', '<a>x</a>'],
    ['<img src=x onerror=alert(1)>after', 'after'],
    ['<iframe src="https://evil.example"></iframe><p>y</p>', '<p>y</p>'],
    ['<style>body{}</style><p>z</p>', '<p>z</p>'],
    ['<p style="color:red" class="c">s</p>', '<p>s</p>'],
    ['<svg><script>alert(1)</script></svg>t', 't'],
    ['<div><span>inner</span></div>', 'inner'],
  ])('removes what is not allowed: %s', (input, expected) => {
    expect(toRichText(input)).toBe(expected);
  });

  it('turns plain text into paragraphs and line breaks, escaping angle brackets', () => {
    expect(toRichText('First line\nsecond line\n\nNew paragraph & 3 > 2')).toBe(
      '<p>First line<br />second line</p><p>New paragraph &amp; 3 &gt; 2</p>',
    );
  });

  it('passes clean HTML through untouched, and mends unclosed or crossed tags', () => {
    const clean = '<p>One &amp; <b>two</b><br />three</p><ul><li><i>four</i></li></ul>';
    expect(toRichText(clean)).toBe(clean);
    expect(toRichText('<p>One<br>two</p>')).toBe('<p>One<br />two</p>');
    expect(toRichText('<p><b>open</p>')).toBe('<p><b>open</b></p>');
    expect(toRichText('</p> <ul><li>cut</li>')).toBe('<ul><li>cut</li></ul>');
    expect(toRichText('<p>a < b</p>')).toBe('<p>a &lt; b</p>');
    expect(toRichText('<b><i>x</b></i>')).toBe('<b><i>x</i></b>');
    expect(toRichText('<p onclick="x()">y</p>')).toBe('<p>y</p>');
  });

  it('stores nothing for empty or blank text', () => {
    expect(toRichText('')).toBe('');
    expect(toRichText('   \n ')).toBe('');
    expect(toRichText(undefined)).toBe('');
  });

  it('is stable: cleaning stored rich text again changes nothing', () => {
    const once = toRichText('<p>Update 7/8/21: <b>done</b></p><ul><li>a</li></ul>');
    expect(toRichText(once)).toBe(once);
  });
});

describe('richTextToPlain', () => {
  it('keeps a nested list on lines of its own', () => {
    expect(richTextToPlain('<ul><li>Line tested<ul><li>evenings</li></ul></li></ul>')).toBe(
      'Line tested\nevenings',
    );
  });

  it('gives the words without markup, one line per paragraph or item', () => {
    expect(richTextToPlain('<p>One &amp; two</p><ul><li>three</li></ul>')).toBe('One & two\nthree');
  });
});
