// Opens any file a user brings: decides by its content what it is, refuses what Headway cannot read, names why.
import { readPastedText } from '../paste/readPastedText.js';
import { defaultReadOptions, ImportFileError, type ReadOptions, type SourceDocument } from '../source.js';
import { decodeText, readCsv } from './readCsv.js';
import { readDocx } from './readDocx.js';
import { readXlsx } from './readXlsx.js';
import { openZip } from './zip.js';

const signatures: [string, number[]][] = [
  ['a PDF', [0x25, 0x50, 0x44, 0x46]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf]],
  ['a RAR archive', [0x52, 0x61, 0x72, 0x21]],
  ['a program', [0x7f, 0x45, 0x4c, 0x46]],
  ['a Windows program', [0x4d, 0x5a]],
  ['a rich text (.rtf) file', [0x7b, 0x5c, 0x72, 0x74, 0x66]],
];
const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const zipMagic = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Text files hold no NUL bytes and few control characters; anything else is binary. */
function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample[0] === 0xff && sample[1] === 0xfe) return true;
  if (sample[0] === 0xfe && sample[1] === 0xff) return true;
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control <= sample.length * 0.01;
}

const unsupported = 'Headway reads .docx, .xlsx, .csv and text files';

export async function readSource(
  fileName: string,
  bytes: Buffer,
  given: Partial<ReadOptions> = {},
): Promise<SourceDocument> {
  const options: ReadOptions = { ...defaultReadOptions, ...given };
  if (bytes.length === 0) throw new ImportFileError('The file is empty');
  if (bytes.length > options.maxBytes)
    throw new ImportFileError(
      `The file is ${size(bytes.length)}; Headway takes files up to ${size(options.maxBytes)}`,
    );

  if (startsWith(bytes, ole)) {
    const encrypted = bytes.includes(Buffer.from('EncryptedPackage', 'utf16le'));
    throw new ImportFileError(
      encrypted
        ? 'This file is protected with a password. Remove the password in Word or Excel (File > Info > Protect) and upload it again'
        : 'This is an old Word 97–2003 or Excel 97–2003 file; save it as .docx or .xlsx and upload that',
    );
  }
  const known = signatures.find(([, magic]) => startsWith(bytes, magic));
  if (known)
    throw new ImportFileError(`${unsupported}; this file is none of those (it looks like ${known[0]})`);
  if (startsWith(bytes, zipMagic) || /\.(docx|xlsx|docm|xlsm)$/i.test(fileName)) {
    const zip = await openZip(bytes, options);
    if (zip.names.includes('word/document.xml')) return readDocx(fileName, bytes, options);
    if (zip.names.includes('xl/workbook.xml')) return readXlsx(fileName, bytes, options);
    if (zip.names.includes('EncryptedPackage'))
      throw new ImportFileError(
        'This file is protected with a password. Remove the password and upload it again',
      );
    throw new ImportFileError(
      `${unsupported}; this is a zip archive that holds neither a Word document nor a workbook`,
    );
  }
  if (!looksLikeText(bytes)) throw new ImportFileError(`${unsupported}; this file is none of those`);
  if (/\.csv$/i.test(fileName)) return readCsv(fileName, bytes);
  const text = decodeText(bytes);
  if (text.trim() === '') throw new ImportFileError('The file is empty');
  return readPastedText(fileName, text);
}
