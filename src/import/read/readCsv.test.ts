import { describe, expect, it } from 'vitest';
import { ImportFileError, type SourceCell, type SourceDocument } from '../source.js';
import { decodeText, detectDelimiter } from './readCsv.js';
import { readSource } from './readSource.js';

function rowsOf(doc: SourceDocument): SourceCell[][] {
  const table = doc.blocks[0];
  if (doc.blocks.length !== 1 || table?.type !== 'table') throw new Error('expected one table');
  return table.rows.map((row) => row.cells);
}

async function textsOf(bytes: Buffer): Promise<string[][]> {
  return rowsOf(await readSource('plan.csv', bytes)).map((row) => row.map((c) => c.text));
}

/** Bytes in Windows-1252, as Excel on Windows saves "CSV": ASCII text with single bytes put in. */
function cp1252(...parts: (string | number)[]): Buffer {
  return Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'ascii') : Buffer.from([p]))),
  );
}

describe('reading CSV files', () => {
  it.each([
    ['commas', 'Action,Owner,Status\n"Brief, the board",Corp Comms,Complete\n'],
    ['semicolons', 'Action;Owner;Status\n"Brief, the board";Corp Comms;Complete\n'],
    ['tabs', 'Action\tOwner\tStatus\n"Brief, the board"\tCorp Comms\tComplete\n'],
    ['Windows line ends', 'Action,Owner,Status\r\n"Brief, the board",Corp Comms,Complete\r\n'],
  ])('reads a file separated by %s', async (_name, text) => {
    const doc = await readSource('plan.csv', Buffer.from(text, 'utf8'));
    expect(doc).toMatchObject({ kind: 'csv', fileName: 'plan.csv', pageFurniture: [] });
    expect(rowsOf(doc).map((row) => row.map((c) => c.text))).toEqual([
      ['Action', 'Owner', 'Status'],
      ['Brief, the board', 'Corp Comms', 'Complete'],
    ]);
  });

  it('keeps quoted cells over several lines, with the line breaks as <br> in the HTML', async () => {
    const rows = rowsOf(
      await readSource(
        'plan.csv',
        Buffer.from('Action;Progress\nA;"Update 7/8/21: done;\nUpdate 1/9/21: ""checked"" <ok>"\nB;Open\n'),
      ),
    );
    expect(rows[1]![1]).toEqual({
      text: 'Update 7/8/21: done;\nUpdate 1/9/21: "checked" <ok>',
      html: '<p>Update 7/8/21: done;<br>Update 1/9/21: &quot;checked&quot; &lt;ok&gt;</p>',
      colSpan: 1,
      mergedAbove: false,
    });
    expect(rows[2]!.map((c) => c.text)).toEqual(['B', 'Open']);
  });

  it('pads short rows so every row is as wide as the widest', async () => {
    expect(await textsOf(Buffer.from('Action,Owner,Status\nOnly an action\nA,B,C,D\n'))).toEqual([
      ['Action', 'Owner', 'Status', ''],
      ['Only an action', '', '', ''],
      ['A', 'B', 'C', 'D'],
    ]);
  });

  it('reads a file with one column and no separator as a table of one column', async () => {
    expect(await textsOf(Buffer.from('Action\nBrief the board\nHold focus groups\n'))).toEqual([
      ['Action'],
      ['Brief the board'],
      ['Hold focus groups'],
    ]);
  });

  it('reads UTF-8 with and without a byte-order mark', async () => {
    const text = 'Action,Cost\n“Café” review,£5\n';
    const expected = [
      ['Action', 'Cost'],
      ['“Café” review', '£5'],
    ];
    expect(await textsOf(Buffer.from(text, 'utf8'))).toEqual(expected);
    expect(
      await textsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])),
    ).toEqual(expected);
  });

  it('reads Windows-1252, as Excel saves CSV on Windows', async () => {
    const bytes = cp1252(
      'Action,Cost\n',
      0x93,
      'Caf',
      0xe9,
      0x94,
      ' review,',
      0xa3,
      '5 ',
      0x96,
      ' ',
      0x80,
      '6\n',
    );
    expect(await textsOf(bytes)).toEqual([
      ['Action', 'Cost'],
      ['“Café” review', '£5 – €6'],
    ]);
  });

  it('reads UTF-16 with a byte-order mark, little- and big-endian', async () => {
    const text = 'Action\tOwner\nRéview\tBé\n';
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bigEndian = Buffer.from(littleEndian).swap16();
    for (const bytes of [littleEndian, bigEndian])
      expect(await textsOf(bytes)).toEqual([
        ['Action', 'Owner'],
        ['Réview', 'Bé'],
      ]);
  });

  it('refuses a file whose quotes are never closed, naming the problem', async () => {
    const refusal = readSource('plan.csv', Buffer.from('Action,Owner\n"Brief the board,Corp Comms\n'));
    await expect(refusal).rejects.toBeInstanceOf(ImportFileError);
    await expect(refusal).rejects.toThrow(/^The CSV file could not be read/);
  });
});

describe('decoding text', () => {
  it('strips a byte-order mark and prefers UTF-8 when the bytes are valid UTF-8', () => {
    expect(decodeText(Buffer.from('\uFEFFé', 'utf8'))).toBe('é');
    expect(decodeText(Buffer.from('é', 'utf8'))).toBe('é');
    expect(decodeText(Buffer.from([0xe9]))).toBe('é');
    expect(decodeText(Buffer.from([0x93, 0x61, 0x94]))).toBe('“a”');
  });
});

describe('choosing the separator', () => {
  it('counts separators outside quotes only, on the first lines', () => {
    expect(detectDelimiter('a;b;c\n"x, y, z";2;3\n')).toBe(';');
    expect(detectDelimiter('a,b\n"1;2;3",4\n')).toBe(',');
    expect(detectDelimiter('a\tb\n"c;d"\te\n')).toBe('\t');
    expect(detectDelimiter('just words\n')).toBe(',');
  });
});
