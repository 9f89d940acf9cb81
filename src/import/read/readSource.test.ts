import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { readSample } from '../../testing/samples.js';
import { zipFiles } from '../../testing/zipFiles.js';
import { ImportFileError, type SourceDocument } from '../source.js';
import { readSource } from './readSource.js';

const zip = (files: Record<string, string | Buffer>) => zipFiles(files);

const w =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const para = (text: string, extra = '') =>
  `<w:p>${extra}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const tc = (content: string, props = '') => `<w:tc><w:tcPr>${props}</w:tcPr>${content}</w:tc>`;

function docx(body: string, extra: Record<string, string> = {}): Promise<Buffer> {
  return zip({
    '[Content_Types].xml':
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'word/document.xml': `<?xml version="1.0"?><w:document ${w}><w:body>${body}</w:body></w:document>`,
    ...extra,
  });
}

function table(doc: SourceDocument, index = 0) {
  const tables = doc.blocks.filter((b) => b.type === 'table');
  const found = tables[index];
  if (!found || found.type !== 'table') throw new Error('no such table');
  return found.rows.map((row) => row.cells);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('reading Word documents', () => {
  it('reads the staff-survey sample: repeated header, paragraphs in cells, marking in the footer', async () => {
    const doc = await readSource(
      'staff-survey-action-plan.docx',
      await readSample('staff-survey-action-plan.docx'),
    );
    const first = doc.blocks.find((b) => b.type === 'table');
    expect(first?.type === 'table' && first.rows[0]!.repeatedHeader).toBe(true);
    const rows = table(doc);
    expect(rows[0]!.map((c) => c.text)).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery of future actions',
      'Status',
    ]);
    const focus = rows.find((r) => r[0]!.text.startsWith('Hold focus groups with Directorates'))!;
    expect(focus[2]!.html.match(/<p>/g)!.length).toBeGreaterThan(3);
    expect(doc.pageFurniture).toContain('NOT PROTECTIVELY MARKED');
  });

  it('reads the culture sample: merged theme cells, lists inside cells, paragraphs between tables', async () => {
    const doc = await readSource(
      'culture-highlight-report.docx',
      await readSample('culture-highlight-report.docx'),
    );
    expect(doc.blocks.filter((b) => b.type === 'table')).toHaveLength(3);
    const themes = table(doc, 1);
    expect(themes[0]!.map((c) => c.text)).toEqual(['Theme', 'Deliverable', 'Status']);
    expect(themes[1]![0]!.text).toBe('Building trust and confidence');
    expect(themes[2]![0]!.mergedAbove).toBe(true);
    const progress = table(doc, 2)[0]![1]!.html;
    expect(progress.match(/<li>/g)).toHaveLength(6);
    expect(progress).toContain("<li>Continuing the delivery of 'Not on my Watch' awareness training</li>");
    expect(
      doc.blocks.some(
        (b) => b.type === 'paragraph' && b.text === 'Progress against short term priorities (by April 2024)',
      ),
    ).toBe(true);
  });

  it('reads spans, vertical merges, formatting, links, tracked changes and content controls', async () => {
    const bytes = await docx(
      `<w:tbl>
        <w:tr><w:trPr><w:tblHeader/></w:trPr>${tc(para('Theme'))}${tc(para('Action'))}${tc(para('Status'))}</w:tr>
        <w:tr>${tc(para('Wide heading'), '<w:gridSpan w:val="3"/>')}</w:tr>
        <w:tr>${tc(para('Trust'), '<w:vMerge w:val="restart"/>')}${tc(
          `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Bold</w:t></w:r><w:r><w:t xml:space="preserve"> and </w:t></w:r><w:ins><w:r><w:t>inserted</w:t></w:r></w:ins><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del><w:hyperlink r:id="rId9"><w:r><w:t xml:space="preserve"> link</w:t></w:r></w:hyperlink></w:p>`,
        )}${tc('<w:sdt><w:sdtContent>' + para('Complete') + '</w:sdtContent></w:sdt>')}</w:tr>
        <w:tr>${tc(para(''), '<w:vMerge/>')}${tc(para('One', '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>') + para('Two', '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'))}${tc(para('Open'))}</w:tr>
      </w:tbl>`,
      {
        'word/_rels/document.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/a?b=1&amp;c=2" TargetMode="External"/></Relationships>`,
        'word/footer1.xml': `<?xml version="1.0"?><w:ftr ${w}>${para('OFFICIAL')}</w:ftr>`,
      },
    );
    const doc = await readSource('built.docx', bytes);
    const rows = table(doc);
    expect(rows[1]).toHaveLength(1);
    expect(rows[1]![0]!.colSpan).toBe(3);
    expect(rows[2]![1]!.text).toBe('Bold and inserted link');
    expect(rows[2]![1]!.html).toBe(
      '<p><b>Bold</b> and inserted<a href="https://example.org/a?b=1&amp;c=2"> link</a></p>',
    );
    expect(rows[2]![2]!.text).toBe('Complete');
    expect(rows[3]![0]!.mergedAbove).toBe(true);
    expect(rows[3]![1]!.html).toBe('<ul><li>One</li><li>Two</li></ul>');
    expect(doc.pageFurniture).toEqual(['OFFICIAL']);
  });
});

describe('reading workbooks', () => {
  it('reads a sheet with a title, a header below it, merges, real dates and dates typed as text', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').getCell('A1').value = 'Not this one';
    const sheet = workbook.addWorksheet('Plan');
    sheet.getCell('A1').value = 'Culture plan';
    sheet.addRow([]);
    sheet.addRow([]);
    sheet.getRow(4).values = ['Theme', 'Action', 'Target date', 'Status'];
    sheet.getRow(5).values = ['Trust', 'Launch dashboard', new Date(Date.UTC(2021, 7, 7)), 'Complete'];
    sheet.getRow(6).values = [null, 'Revise complaints', 'end of sept 21', 'In progress'];
    sheet.getRow(7).values = ['Welfare heading'];
    sheet.mergeCells('A5:A6');
    sheet.mergeCells('A7:D7');
    sheet.getCell('C8').value = 0.1 + 0.2;
    sheet.headerFooter.oddFooter = '&COFFICIAL&RPage &P of &N';
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

    const doc = await readSource('plan.xlsx', bytes, { sheet: 'Plan' });
    expect(doc.sheets).toEqual({ names: ['Notes', 'Plan'], chosen: 'Plan' });
    const rows = table(doc);
    expect(rows[3]!.map((c) => c.text)).toEqual(['Theme', 'Action', 'Target date', 'Status']);
    expect(rows[4]!.map((c) => c.text)).toEqual(['Trust', 'Launch dashboard', '7 August 2021', 'Complete']);
    expect(rows[5]![0]!.mergedAbove).toBe(true);
    expect(rows[5]![2]!.text).toBe('end of sept 21');
    expect(rows[6]).toHaveLength(1);
    expect(rows[6]![0]!.colSpan).toBe(4);
    expect(rows[7]![2]!.text).toBe('0.3');
    expect(doc.pageFurniture).toContain('OFFICIAL');
    expect((await readSource('plan.xlsx', bytes)).sheets?.chosen).toBe('Notes');
    expect(await refusal(readSource('plan.xlsx', bytes, { sheet: 'Nope' }))).toBe(
      'The workbook has no sheet called "Nope"; its sheets are: Notes, Plan',
    );
  });

  it('reads the staff-survey workbook', async () => {
    const doc = await readSource(
      'staff-survey-action-plan.xlsx',
      await readSample('staff-survey-action-plan.xlsx'),
    );
    const rows = table(doc);
    const header = rows.findIndex((r) => r[0]!.text === 'Action');
    expect(header).toBeGreaterThan(0);
    expect(rows[header]!.map((c) => c.text)).toContain('Future Planned Actions');
  });
});

describe('reading CSV files', () => {
  it.each([
    ['comma', 'Action,Owner\n"Brief, the board",Corp Comms\n'],
    ['semicolon', 'Action;Owner\n"Brief, the board";Corp Comms\n'],
    ['BOM', '\uFEFFAction,Owner\r\n"Brief, the board",Corp Comms\r\n'],
  ])('reads %s separated files', async (_name, text) => {
    const rows = table(await readSource('plan.csv', Buffer.from(text, 'utf8')));
    expect(rows.map((r) => r.map((c) => c.text))).toEqual([
      ['Action', 'Owner'],
      ['Brief, the board', 'Corp Comms'],
    ]);
  });

  it('keeps quoted multi-line cells and reads Windows-1252 and UTF-16', async () => {
    const multi = table(
      await readSource('plan.csv', Buffer.from('Action,Progress\nA,"line one\nline two"\n')),
    );
    expect(multi[1]![1]!.text).toBe('line one\nline two');
    expect(multi[1]![1]!.html).toBe('<p>line one<br>line two</p>');
    const cp1252 = Buffer.from([
      ...Buffer.from('Action,Cost\n'),
      0x93,
      ...Buffer.from('Caf'),
      0xe9,
      0x94,
      0x2c,
      0xa3,
      0x35,
      0x0a,
    ]);
    expect(table(await readSource('plan.csv', cp1252))[1]!.map((c) => c.text)).toEqual([
      '\u201cCafé\u201d',
      '£5',
    ]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Action,Owner\nA,Bé\n', 'utf16le')]);
    expect(table(await readSource('plan.csv', utf16))[1]!.map((c) => c.text)).toEqual(['A', 'Bé']);
  });
});

describe('refusing files Headway cannot read', () => {
  it('names the problem for each kind of bad file', async () => {
    const sample = await readSample('staff-survey-action-plan.docx');
    const bomb = await zip({ 'word/document.xml': Buffer.alloc(50 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(200_000);
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(600),
    ]);
    const cases: [string, () => Promise<unknown>, string | RegExp][] = [
      ['empty', () => readSource('a.docx', Buffer.alloc(0)), 'The file is empty'],
      [
        'too large',
        () => readSource('a.docx', sample, { maxBytes: 1000 }),
        /^The file is 13 KB; Headway takes files up to 1 KB$/,
      ],
      ['a PDF', () => readSource('a.docx', Buffer.from('%PDF-1.7 ...')), /it looks like a PDF/],
      [
        'random bytes',
        () => readSource('a.bin', Buffer.from([1, 2, 3, 0, 250, 251, 252, 0, 1])),
        /^Headway reads .docx, .xlsx, .csv and text files/,
      ],
      [
        'truncated',
        () => readSource('a.docx', sample.subarray(0, sample.length / 2)),
        /^The file is damaged/,
      ],
      [
        'zip bomb',
        () => readSource('a.docx', bomb, { maxExpandedBytes: 10 * 1024 * 1024 }),
        /expands to more than 10 MB/,
      ],
      [
        'no office parts',
        async () => readSource('a.docx', await zip({ 'notes.txt': 'hello' })),
        /neither a Word document nor a workbook/,
      ],
      [
        'password',
        () => readSource('a.docx', Buffer.concat([ole, Buffer.from('EncryptedPackage', 'utf16le')])),
        /protected with a password/,
      ],
      ['old format', () => readSource('a.doc', ole), /old Word 97–2003 or Excel 97–2003 file/],
      [
        'a DTD',
        async () =>
          readSource(
            'a.docx',
            await zip({
              'word/document.xml': '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
            }),
          ),
        'The file contains XML features Headway does not accept',
      ],
      [
        'broken XML',
        async () => readSource('a.docx', await zip({ 'word/document.xml': '<w:document><w:body><w:p>' })),
        /not well-formed XML/,
      ],
      ['empty text', () => readSource('a.txt', Buffer.from('   \n\n')), 'The file is empty'],
    ];
    for (const [name, attempt, expected] of cases) {
      const message = await refusal(attempt());
      if (typeof expected === 'string') expect(message, name).toBe(expected);
      else expect(message, name).toMatch(expected);
    }
  });

  it('refuses a part that expands far beyond its compressed size', async () => {
    const zeros = deflateRawSync(Buffer.alloc(5 * 1024 * 1024));
    expect(zeros.length).toBeLessThan(10_000);
    const bomb = await zip({ 'word/document.xml': Buffer.alloc(5 * 1024 * 1024) });
    expect(await refusal(readSource('a.docx', bomb))).toMatch(/expands \d+ times when opened/);
  });
});
