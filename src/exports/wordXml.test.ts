import { Document } from 'docx';
import { describe, expect, it } from 'vitest';
import { openZip } from '../import/read/zip.js';
import {
  bodyPlaceholder,
  cellXml,
  docxWithWrittenBody,
  richTextToWordXml,
  rowXml,
  tableXml,
  WordXmlParts,
} from './wordXml.js';

async function written(html: string) {
  const parts = new WordXmlParts();
  const table = tableXml(rowXml(cellXml(richTextToWordXml(html, 20, parts), { width: 4000 })), [4000]);
  const docx = await docxWithWrittenBody(
    new Document({ sections: [{ children: [bodyPlaceholder()] }] }),
    table,
    parts,
  );
  const zip = await openZip(docx, { maxExpandedBytes: 10_000_000 });
  return {
    names: zip.names,
    document: (await zip.read('word/document.xml'))!,
    relationships: (await zip.read('word/_rels/document.xml.rels'))!,
    numbering: (await zip.read('word/numbering.xml'))!,
  };
}

describe('Word XML written as text inside a document the docx library builds', () => {
  it('replaces the placeholder with the table and keeps every other part of the file', async () => {
    const { names, document } = await written('<p>Fish &amp; chips &lt;today&gt;</p>');
    expect(names).toEqual(
      expect.arrayContaining(['word/styles.xml', '[Content_Types].xml', 'word/numbering.xml']),
    );
    expect(document).not.toContain('HEADWAY-WRITTEN-XML');
    expect(document).toContain('<w:t xml:space="preserve">Fish &amp; chips &lt;today&gt;</w:t>');
    expect(document).toMatch(/<w:body><w:tbl>.*<\/w:tbl><w:sectPr/);
  });

  it('numbers each list from 1 in a list of its own, bullets the others, and makes links that open', async () => {
    const { document, relationships, numbering } = await written(
      '<ol><li>One</li><li>Two</li></ol><ol><li>Again</li></ol><ul><li>Dot</li></ul>' +
        '<p><a href="https://www.gov.uk/?a=1&amp;b=2">GOV.UK</a></p>',
    );
    const numIds = [...document.matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((m) => m[1]);
    expect(numIds).toEqual(['2', '2', '3', '1']);
    for (const id of ['1', '2', '3']) expect(numbering).toContain(`<w:num w:numId="${id}">`);
    expect(numbering).toMatch(
      /<w:num w:numId="3"><w:abstractNumId w:val="2"\/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"\/>/,
    );
    expect(numbering).toContain('<w:numFmt w:val="decimal"/>');
    const link = /<w:hyperlink r:id="([^"]+)"/.exec(document)![1];
    expect(relationships).toContain(
      `Id="${link}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.gov.uk/?a=1&amp;b=2" TargetMode="External"`,
    );
  });
});
