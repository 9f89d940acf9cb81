import { describe, expect, it } from 'vitest';
import { readSample } from '../../testing/samples.js';
import { zipFiles } from '../../testing/zipFiles.js';
import type { SourceCell, SourceDocument } from '../source.js';
import { readSource } from './readSource.js';

const namespaces =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const relationships = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function para(text: string, properties = ''): string {
  return `<w:p>${properties ? `<w:pPr>${properties}</w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
}

function listItem(text: string, numId: string): string {
  return para(text, `<w:numPr><w:ilvl w:val="0"/><w:numId w:val="${numId}"/></w:numPr>`);
}

function tc(content: string, properties = ''): string {
  return `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>${properties}</w:tcPr>${content}</w:tc>`;
}

/** numId 1 is a bulleted list, numId 2 a decimal one, as Word writes them in numbering.xml. */
const numbering = `<?xml version="1.0" encoding="UTF-8"?><w:numbering ${namespaces}>
  <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
  <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`;

/** A minimal Word file built by hand: the parts Word needs to open it, and whatever the test adds. */
function docx(body: string, parts: Record<string, string> = {}): Promise<Buffer> {
  return zipFiles({
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${namespaces}><w:body>${body}<w:sectPr><w:footerReference w:type="default" r:id="rId8"/></w:sectPr></w:body></w:document>`,
    'word/numbering.xml': numbering,
    ...parts,
  });
}

function tables(doc: SourceDocument): SourceCell[][][] {
  return doc.blocks.flatMap((b) => (b.type === 'table' ? [b.rows.map((row) => row.cells)] : []));
}

function texts(row: SourceCell[] | undefined): string[] {
  return (row ?? []).map((c) => c.text);
}

describe('reading the sample Word documents', () => {
  it('reads the staff-survey action plan: a repeated header row, paragraphs in cells, the marking in the footer', async () => {
    const doc = await readSource(
      'staff-survey-action-plan.docx',
      await readSample('staff-survey-action-plan.docx'),
    );
    expect(doc.kind).toBe('docx');
    const table = doc.blocks.find((b) => b.type === 'table');
    if (table?.type !== 'table') throw new Error('expected a table');
    expect(table.rows[0]!.repeatedHeader).toBe(true);
    expect(texts(table.rows[0]!.cells)).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery of future actions',
      'Status',
    ]);
    const focusGroups = table.rows.find((r) =>
      r.cells[0]!.text.startsWith('Hold focus groups with Directorates'),
    );
    expect(focusGroups!.cells[2]!.html.match(/<p>/g)!.length).toBeGreaterThan(3);
    expect(doc.pageFurniture).toContain('NOT PROTECTIVELY MARKED');
  });

  it('reads the culture highlight report: merged theme cells, a list in a cell, paragraphs between tables', async () => {
    const doc = await readSource(
      'culture-highlight-report.docx',
      await readSample('culture-highlight-report.docx'),
    );
    const [summary, themes, progress] = tables(doc);
    expect(tables(doc)).toHaveLength(3);
    expect(texts(themes![0])).toEqual(['Theme', 'Deliverable', 'Status']);
    const trust = themes!.findIndex((row) => row[0]!.text === 'Building trust and confidence');
    expect(trust).toBe(1);
    expect(themes![trust + 1]![0]).toMatchObject({ mergedAbove: true, text: '', html: '' });
    expect(themes![trust + 2]![0]!.mergedAbove).toBe(true);
    expect(themes![trust + 3]![0]!.text).toBe('Strengthening support, welfare and facilities');

    const items = progress![0]![1]!.html.match(/<li>.*?<\/li>/g);
    expect(items).toHaveLength(6);
    expect(items![0]).toBe("<li>Continuing the delivery of 'Not on my Watch' awareness training</li>");
    expect(summary![0]![0]!.text).toBe('STRATEGIC SPONSOR');

    const heading = doc.blocks.findIndex(
      (b) => b.type === 'paragraph' && b.text === 'Progress against short term priorities (by April 2024)',
    );
    const tablePositions = doc.blocks.flatMap((b, i) => (b.type === 'table' ? [i] : []));
    expect(heading).toBeGreaterThan(tablePositions[0]!);
    expect(heading).toBeLessThan(tablePositions[1]!);
  });
});

describe('reading a Word table', () => {
  it('reads spans, vertical merges and the repeated header row', async () => {
    const doc = await readSource(
      'plan.docx',
      await docx(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol/></w:tblGrid>
        <w:tr><w:trPr><w:tblHeader/></w:trPr>${tc(para('Theme'))}${tc(para('Action'))}${tc(para('Status'))}</w:tr>
        <w:tr>${tc(para('Wide heading'), '<w:gridSpan w:val="3"/>')}</w:tr>
        <w:tr>${tc(para('Trust'), '<w:vMerge w:val="restart"/>')}${tc(para('Launch dashboard'))}${tc(para('Complete'))}</w:tr>
        <w:tr>${tc(para('Trust again?'), '<w:vMerge/>')}${tc(para('Revise complaints'), '<w:gridSpan w:val="2"/>')}</w:tr>
        <w:tr>${tc('<w:p/>', '<w:vMerge w:val="continue"/>')}${tc(para('Review'))}${tc(para('Open'))}</w:tr>
      </w:tbl>`),
    );
    const [rows] = tables(doc);
    expect(doc.blocks[0]!.type === 'table' && doc.blocks[0]!.rows.map((r) => r.repeatedHeader)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(rows![1]).toEqual([
      { text: 'Wide heading', html: '<p>Wide heading</p>', colSpan: 3, mergedAbove: false },
    ]);
    expect(rows![2]![0]).toMatchObject({ text: 'Trust', mergedAbove: false });
    expect(rows![3]![0]).toEqual({ text: '', html: '', colSpan: 1, mergedAbove: true });
    expect(rows![3]![1]!.colSpan).toBe(2);
    expect(rows![4]![0]!.mergedAbove).toBe(true);
  });

  it('keeps bold, italic, underline, line breaks, tabs and links in the HTML, and escapes the text', async () => {
    const doc = await readSource(
      'plan.docx',
      await docx(
        `<w:tbl><w:tr>${tc(`<w:p>
          <w:r><w:rPr><w:b/></w:rPr><w:t>Bold</w:t></w:r>
          <w:r><w:rPr><w:b w:val="0"/><w:i/></w:rPr><w:t xml:space="preserve"> italic</w:t></w:r>
          <w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve"> under</w:t></w:r>
          <w:r><w:rPr><w:u w:val="none"/></w:rPr><w:t xml:space="preserve"> plain &amp; &lt;safe&gt;</w:t><w:tab/><w:t>after tab</w:t><w:br/><w:t>next line</w:t></w:r>
          <w:hyperlink r:id="rId5"><w:r><w:t xml:space="preserve"> GOV.UK</w:t></w:r></w:hyperlink>
          <w:hyperlink w:anchor="bookmark"><w:r><w:t xml:space="preserve"> inside</w:t></w:r></w:hyperlink>
        </w:p>`)}</w:tr></w:tbl>`,
        {
          'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="${relationships}/hyperlink" Target="https://www.gov.uk/?a=1&amp;b=2" TargetMode="External"/></Relationships>`,
        },
      ),
    );
    const cell = tables(doc)[0]![0]![0]!;
    expect(cell.text).toBe('Bold italic under plain & <safe> after tab\nnext line GOV.UK inside');
    expect(cell.html).toBe(
      '<p><b>Bold</b><i> italic</i><u> under</u> plain &amp; &lt;safe&gt; after tab<br>next line' +
        '<a href="https://www.gov.uk/?a=1&amp;b=2"> GOV.UK</a> inside</p>',
    );
  });

  it('reads tracked insertions and content controls, and leaves out deleted text and deleted rows', async () => {
    const doc = await readSource(
      'plan.docx',
      await docx(`<w:tbl>
        <w:tr>${tc(`<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:ins w:id="1" w:author="A"><w:r><w:t>inserted</w:t></w:r></w:ins><w:del w:id="2" w:author="A"><w:r><w:delText> deleted</w:delText></w:r></w:del></w:p>`)}
          <w:sdt><w:sdtPr><w:alias w:val="Status"/></w:sdtPr><w:sdtContent>${tc(para('Chosen status'))}</w:sdtContent></w:sdt></w:tr>
        <w:tr><w:trPr><w:del w:id="3" w:author="A"/></w:trPr>${tc('<w:p><w:del w:id="4" w:author="A"><w:r><w:delText>Gone row</w:delText></w:r></w:del></w:p>')}${tc('<w:p/>')}</w:tr>
        <w:tr>${tc(`<w:sdt><w:sdtContent>${para('Controlled paragraph')}</w:sdtContent></w:sdt>`)}${tc(`<w:p><w:sdt><w:sdtContent><w:r><w:t>Inline control</w:t></w:r></w:sdtContent></w:sdt></w:p>`)}</w:tr>
      </w:tbl>
      <w:sdt><w:sdtContent>${para('Body control')}</w:sdtContent></w:sdt>
      <w:p><w:del w:id="5" w:author="A"><w:r><w:delText>Deleted paragraph</w:delText></w:r></w:del></w:p>`),
    );
    const [rows] = tables(doc);
    expect(rows!.map(texts)).toEqual([
      ['Kept inserted', 'Chosen status'],
      ['Controlled paragraph', 'Inline control'],
    ]);
    expect(
      doc.blocks.filter((b) => b.type === 'paragraph').map((b) => b.type === 'paragraph' && b.text),
    ).toEqual(['Body control']);
  });

  it('gathers list paragraphs into <ol> for numbered formats and <ul> for bullets, by direct numbering or by style', async () => {
    const doc = await readSource(
      'plan.docx',
      await docx(
        `<w:tbl><w:tr>${tc(
          para('Intro') +
            listItem('First', '2') +
            listItem('Second', '2') +
            para('Between') +
            listItem('Bullet one', '1') +
            para('Styled bullet', '<w:pStyle w:val="ListBullet"/>') +
            '<w:p/>' +
            para('Not a list', '<w:numPr><w:numId w:val="0"/></w:numPr>'),
        )}</w:tr></w:tbl>`,
        {
          'word/styles.xml': `<?xml version="1.0" encoding="UTF-8"?><w:styles ${namespaces}>
            <w:style w:type="paragraph" w:styleId="ListParagraph"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="ListBullet"><w:basedOn w:val="ListParagraph"/></w:style>
          </w:styles>`,
        },
      ),
    );
    const cell = tables(doc)[0]![0]![0]!;
    expect(cell.html).toBe(
      '<p>Intro</p><ol><li>First</li><li>Second</li></ol><p>Between</p>' +
        '<ul><li>Bullet one</li><li>Styled bullet</li></ul><p>Not a list</p>',
    );
    expect(cell.text).toBe('Intro\nFirst\nSecond\nBetween\nBullet one\nStyled bullet\nNot a list');
  });

  it('flattens a table nested in a cell into the cell', async () => {
    const inner = `<w:tbl><w:tr>${tc(para('Inner A'))}${tc(para('Inner B'))}</w:tr></w:tbl>`;
    const doc = await readSource(
      'plan.docx',
      await docx(
        `<w:tbl><w:tr>${tc(para('Before') + inner + para('After'))}${tc(para('Next'))}</w:tr></w:tbl>`,
      ),
    );
    expect(tables(doc)).toHaveLength(1);
    expect(texts(tables(doc)[0]![0])).toEqual(['Before\nInner A\nInner B\nAfter', 'Next']);
  });

  it('reads paragraphs and tables in order, skipping empty paragraphs, and every header and footer', async () => {
    const furniture = (root: string, text: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><w:${root} ${namespaces}>${para(text)}<w:p/></w:${root}>`;
    const doc = await readSource(
      'plan.docx',
      await docx(
        `${para('Title')}<w:p/>${para('   ')}<w:tbl><w:tr>${tc(para('Cell'))}</w:tr></w:tbl>${para('Closing')}`,
        {
          'word/header1.xml': furniture('hdr', 'OFFICIAL-SENSITIVE'),
          'word/footer1.xml': furniture('ftr', 'Page footer'),
          'word/footer2.xml': furniture('ftr', 'First page footer'),
        },
      ),
    );
    expect(doc.blocks.map((b) => (b.type === 'paragraph' ? b.text : 'table'))).toEqual([
      'Title',
      'table',
      'Closing',
    ]);
    expect(doc.blocks[0]).toEqual({ type: 'paragraph', text: 'Title', html: '<p>Title</p>' });
    expect(doc.pageFurniture).toEqual(['Page footer', 'First page footer', 'OFFICIAL-SENSITIVE']);
  });

  it('reads a document written with other namespace prefixes the same way', async () => {
    // Python's ElementTree, for one, writes "ns0:" where Word writes "w:".
    const bytes = await zipFiles({
      'word/document.xml': `<?xml version="1.0"?><ns0:document xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><ns0:body>
        <ns0:tbl><ns0:tr><ns0:trPr><ns0:tblHeader/></ns0:trPr><ns0:tc><ns0:tcPr><ns0:gridSpan ns0:val="2"/></ns0:tcPr>
        <ns0:p><ns0:r><ns0:rPr><ns0:b/></ns0:rPr><ns0:t>Heading</ns0:t></ns0:r></ns0:p></ns0:tc></ns0:tr></ns0:tbl>
      </ns0:body></ns0:document>`,
    });
    const doc = await readSource('plan.docx', bytes);
    expect(doc.blocks[0]!.type === 'table' && doc.blocks[0]!.rows[0]!.repeatedHeader).toBe(true);
    expect(tables(doc)[0]![0]![0]).toEqual({
      text: 'Heading',
      html: '<p><b>Heading</b></p>',
      colSpan: 2,
      mergedAbove: false,
    });
  });
});
