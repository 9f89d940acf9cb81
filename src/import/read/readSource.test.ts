import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { expandingDocx } from '../../testing/expandingDocx.js';
import { readSample } from '../../testing/samples.js';
import { zipFiles } from '../../testing/zipFiles.js';
import { ImportFileError } from '../source.js';
import { readSource } from './readSource.js';

const wordNamespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const contentTypes =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';

function wordFile(documentXml: string): Promise<Buffer> {
  return zipFiles({ '[Content_Types].xml': contentTypes, 'word/document.xml': documentXml });
}

/** An OLE compound file, the container of Word and Excel 97–2003 files and of password-protected Office files. */
function compoundFile(streamName?: string): Buffer {
  const signature = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const directory = streamName ? Buffer.from(streamName, 'utf16le') : Buffer.from('WordDocument', 'utf16le');
  return Buffer.concat([signature, Buffer.alloc(504), directory, Buffer.alloc(64)]);
}

/** The message the file is refused with; anything but an ImportFileError fails the test. */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  const error: unknown = await attempt.then(
    () => new Error('expected the file to be refused'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return (error as Error).message;
}

describe('deciding what a file is', () => {
  it('reads Word and Excel files by their content, whatever they are called', async () => {
    const word = await readSample('staff-survey-action-plan.docx');
    const workbook = await readSample('staff-survey-action-plan.xlsx');
    expect((await readSource('upload', word)).kind).toBe('docx');
    expect((await readSource('plan.xlsx', word)).kind).toBe('docx');
    expect((await readSource('plan.docx', workbook)).kind).toBe('xlsx');
  });

  it('hands text and tab-separated files to the pasted-text reader', async () => {
    const text = await readSource('plan.txt', Buffer.from('Action\tOwner\nBrief the board\tCorp Comms\n'));
    expect(text.kind).toBe('text');
    expect(text.blocks[0]?.type).toBe('table');
    const tsv = await readSource('plan.tsv', Buffer.from('\uFEFFAction\tOwner\n'));
    expect(tsv.kind).toBe('text');
    const sample = await readSource(
      'staff-survey-action-plan.txt',
      await readSample('staff-survey-action-plan.txt'),
    );
    expect(sample.kind).toBe('text');
  });
});

describe('refusing files Headway cannot read', () => {
  it('refuses an empty file, and one that holds only white space', async () => {
    expect(await refusal(readSource('plan.docx', Buffer.alloc(0)))).toBe('The file is empty');
    expect(await refusal(readSource('plan.txt', Buffer.from('  \r\n\n')))).toBe('The file is empty');
    expect(await refusal(readSource('plan.csv', Buffer.from('\n\n')))).toBe('The file is empty');
  });

  it('refuses a file over the size limit, saying how large it is', async () => {
    expect(await refusal(readSource('plan.docx', Buffer.alloc(Math.round(25.3 * 1024 * 1024))))).toBe(
      'The file is 25.3 MB; Headway takes files up to 20 MB',
    );
    const sample = await readSample('staff-survey-action-plan.docx');
    expect(await refusal(readSource('plan.docx', sample, { maxBytes: 1000 }))).toBe(
      'The file is 13 KB; Headway takes files up to 1 KB',
    );
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n'), 'a PDF'],
    [
      'a PNG image',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'a PNG image',
    ],
    ['a JPEG image', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]), 'a JPEG image'],
    ['a GIF image', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'a GIF image'],
    ['a web page', Buffer.from('<!DOCTYPE html><html><body><table></table></body></html>'), 'a web page'],
  ])('names what the file looks like when it is %s', async (_name, bytes, kind) => {
    expect(await refusal(readSource('plan.xls', bytes))).toBe(
      `Headway reads .docx, .xlsx, .csv and text files; this file is none of those (it looks like ${kind})`,
    );
  });

  it('refuses random bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(await refusal(readSource('plan.bin', bytes))).toBe(
      'Headway reads .docx, .xlsx, .csv and text files; this file is none of those',
    );
  });

  it('refuses a password-protected Office file and an old 97–2003 one, saying what to do', async () => {
    expect(await refusal(readSource('plan.docx', compoundFile('EncryptedPackage')))).toBe(
      'This file is protected with a password. Remove the password in Word or Excel (File > Info > Protect) and upload it again',
    );
    expect(await refusal(readSource('plan.doc', compoundFile()))).toBe(
      'This is an old Word 97–2003 or Excel 97–2003 file; save it as .docx or .xlsx and upload that',
    );
  });

  it('refuses a Word file cut short', async () => {
    const sample = await readSample('staff-survey-action-plan.docx');
    expect(await refusal(readSource('plan.docx', sample.subarray(0, sample.length / 2)))).toMatch(
      /^The file is damaged: it is not a complete \.docx or \.xlsx \(.+\)$/,
    );
  });

  it('refuses a zip that holds neither a Word document nor a workbook', async () => {
    const bytes = await zipFiles({ 'notes.txt': 'hello', 'photos/1.jpg': Buffer.alloc(100) });
    expect(await refusal(readSource('plan.docx', bytes))).toBe(
      'Headway reads .docx, .xlsx, .csv and text files; this file is none of those (it looks like a zip archive holding neither a Word document nor a workbook)',
    );
  });

  it('refuses a zip that would expand beyond the limit before expanding anything', async () => {
    const bytes = await zipFiles({ 'word/document.xml': Buffer.alloc(50 * 1024 * 1024) });
    expect(bytes.length).toBeLessThan(200_000);
    expect(await refusal(readSource('plan.docx', bytes, { maxExpandedBytes: 10 * 1024 * 1024 }))).toBe(
      'The file expands to more than 10 MB when opened, which is more than Headway accepts; it may be damaged or built to cause harm',
    );
  });

  it('refuses a part that expands beyond the per-part limit, naming the part and the limit', async () => {
    const bytes = await expandingDocx(3 * 1024 * 1024);
    expect(await refusal(readSource('plan.docx', bytes, { maxPartBytes: 2 * 1024 * 1024 }))).toMatch(
      /^The file's part word\/document\.xml expands to [34] MB when opened, more than the 2 MB Headway reads from one part; it may be damaged or built to cause harm$/,
    );
    // Under the limit it is read (and found to hold no table).
    await expect(readSource('plan.docx', bytes, { maxPartBytes: 8 * 1024 * 1024 })).resolves.toMatchObject({
      kind: 'docx',
    });
  });

  it('refuses parts that together expand beyond the whole limit', async () => {
    const part = await expandingDocx(3 * 1024 * 1024);
    expect(
      await refusal(
        readSource('plan.docx', part, { maxExpandedBytes: 2 * 1024 * 1024, maxPartBytes: 2 * 1024 * 1024 }),
      ),
    ).toBe(
      'The file expands to more than 2 MB when opened, which is more than Headway accepts; it may be damaged or built to cause harm',
    );
  });

  it('refuses a part that expands more than 200 times, as a zip bomb', async () => {
    const bytes = await zipFiles({ 'word/document.xml': Buffer.alloc(5 * 1024 * 1024) });
    expect(await refusal(readSource('plan.docx', bytes))).toMatch(
      /^The file contains a part that expands \d+ times when opened, which looks like a file built to cause harm$/,
    );
  });

  it('refuses XML with a document type or entities before parsing it', async () => {
    const doctype = await wordFile(
      `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">]><w:document ${wordNamespace}><w:body><w:p><w:r><w:t>&lol;</w:t></w:r></w:p></w:body></w:document>`,
    );
    expect(await refusal(readSource('plan.docx', doctype))).toBe(
      'The file contains XML features Headway does not accept',
    );
  });

  it('refuses XML that is not well formed, naming the part', async () => {
    const broken = await wordFile(`<w:document ${wordNamespace}><w:body><w:p>`);
    expect(await refusal(readSource('plan.docx', broken))).toMatch(
      /^The file is damaged: its part word\/document\.xml is not well-formed XML/,
    );
  });

  it('refuses XML nested deeper than any document, quickly and without running out of stack', async () => {
    const depth = 20_000; // under 1 MB, so it is the nesting that is refused, not the compression ratio
    const deep = await wordFile(
      `<w:document ${wordNamespace}><w:body>${'<w:sdt><w:sdtContent>'.repeat(depth)}${'</w:sdtContent></w:sdt>'.repeat(depth)}</w:body></w:document>`,
    );
    expect(await refusal(readSource('plan.docx', deep))).toMatch(/is nested more than 200 levels deep/);
  });

  it('refuses an unknown sheet in a workbook, listing the sheets it has', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Plan');
    workbook.addWorksheet('Archive');
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await refusal(readSource('plan.xlsx', bytes, { sheet: 'Actions' }))).toBe(
      'The workbook has no sheet called "Actions"; its sheets are: Plan, Archive',
    );
  });
});
