import { Document, Packer } from 'docx';
import { describe, expect, it } from 'vitest';
import { openZip } from '../import/read/zip.js';
import { richTextToWord } from './richTextToWord.js';

async function wordXml(html: string) {
  const docx = await Packer.toBuffer(
    new Document({ sections: [{ children: richTextToWord(html, { size: 20 }) }] }),
  );
  const zip = await openZip(docx, { maxExpandedBytes: 10_000_000 });
  const body = (await zip.read('word/document.xml'))!;
  return {
    paragraphs: body.slice(body.indexOf('<w:body>'), body.indexOf('<w:sectPr')).split('</w:p>').slice(0, -1),
    relationships: (await zip.read('word/_rels/document.xml.rels'))!,
    numbering: (await zip.read('word/numbering.xml'))!,
  };
}

const words = (xml: string) =>
  [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)]
    .map((m) => m[1])
    .join('')
    .replace(/&amp;/g, '&');

describe('rich text in Word', () => {
  it('keeps paragraphs, line breaks, bold, italic and underline, and decodes entities', async () => {
    const { paragraphs } = await wordXml(
      '<p>Plain <strong>bold <em>both</em></strong> <u>under</u></p>\n<p>Fish &amp; chips<br />next line</p>',
    );
    expect(paragraphs.map(words)).toEqual(['Plain bold both under', 'Fish & chipsnext line']);
    expect(paragraphs[0]).toMatch(/<w:b\/>[^]*?bold /);
    expect(paragraphs[0]).toMatch(/<w:b\/><w:bCs\/><w:i\/><w:iCs\/>[^]*?both/);
    expect(paragraphs[0]).toMatch(/<w:u w:val="single"\/>[^]*?under/);
    expect(paragraphs[1]).toContain('<w:br/>');
    expect(paragraphs[0]).toContain('<w:sz w:val="20"/>');
  });

  it('makes links that open, and drops the link but keeps the words of any other scheme', async () => {
    const { paragraphs, relationships } = await wordXml(
      '<p><a href="https://www.gov.uk/?a=1&amp;b=2" rel="noopener noreferrer">GOV.UK</a> and <a href="javascript:alert(1)">this</a></p>',
    );
    expect(paragraphs[0]).toMatch(
      /<w:hyperlink[^>]*r:id="[^"]+"[^>]*>[^]*?<w:rStyle w:val="Hyperlink"\/>[^]*?GOV.UK/,
    );
    expect(relationships).toContain('Target="https://www.gov.uk/?a=1&amp;b=2" TargetMode="External"');
    expect(relationships).not.toContain('javascript');
    expect(words(paragraphs[0]!)).toBe('GOV.UK and this');
  });

  it('makes bulleted and numbered lists, each numbered list from 1 and nested lists a level down', async () => {
    const { paragraphs, numbering } = await wordXml(
      '<ul><li>Tea</li><li>Coffee</li></ul><ol><li>One</li><li>Two<ol><li>Two a</li></ol></li></ol><p>Then</p><ol><li>Again one</li></ol>',
    );
    expect(paragraphs.map(words)).toEqual(['Tea', 'Coffee', 'One', 'Two', 'Two a', 'Then', 'Again one']);
    const list = (p: string) => /<w:ilvl w:val="(\d)"\/><w:numId w:val="(\d+)"\/>/.exec(p)?.slice(1) ?? null;
    const [tea, coffee, one, two, twoA, then, again] = paragraphs.map(list);
    expect(tea).toEqual(coffee);
    expect(one![0]).toBe('0');
    expect(two).toEqual(one);
    expect(twoA).toEqual(['1', one![1]]);
    expect(then).toBeNull();
    expect(again![1]).not.toBe(one![1]); // a list of its own, so it starts at 1 again
    expect(numbering).toContain('<w:numFmt w:val="decimal"/>');
    expect(numbering).toContain('<w:numFmt w:val="bullet"/>');
  });

  it('gives a table cell its one empty paragraph when there is no text', () => {
    expect(richTextToWord('')).toHaveLength(1);
    expect(richTextToWord('<p> </p>')).toHaveLength(1);
  });
});
