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
  ['a Windows program', [0x4d, 0x5a, 0x90, 0x00]],
  ['a rich text (.rtf) file', [0x7b, 0x5c, 0x72, 0x74, 0x66]],
  ['an empty zip archive', [0x50, 0x4b, 0x05, 0x06]],
];
const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const zipMagic = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

/** "25.3 MB", "20 MB", "13 KB": as a person would say it. */
function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/**
 * Text files hold few control characters (a stray NUL or two, dropped with a warning when read); binary files and
 * UTF-16 without a byte-order mark are full of them.
 */
function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample[0] === 0xff && sample[1] === 0xfe) return true;
  if (sample[0] === 0xfe && sample[1] === 0xff) return true;
  let control = 0;
  for (const byte of sample) if (byte < 9 || (byte > 13 && byte < 32)) control++;
  return control <= sample.length * 0.01;
}

/** Text that is markup rather than words: a saved web page, or XML such as a Word 2003 XML document. */
function markupKind(text: string): string | null {
  const start = text.trimStart().slice(0, 200).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'a web page';
  if (start.startsWith('<?xml')) return 'an XML file';
  return null;
}

const unsupported = 'Headway reads .docx, .xlsx, .csv and text files; this file is none of those';

function refuseOldOffice(bytes: Buffer): never {
  const encrypted = bytes.includes(Buffer.from('EncryptedPackage', 'utf16le'));
  throw new ImportFileError(
    encrypted
      ? 'This file is protected with a password. Remove the password in Word or Excel (File > Info > Protect) and upload it again'
      : 'This is an old Word 97–2003 or Excel 97–2003 file; save it as .docx or .xlsx and upload that',
  );
}

async function readOffice(fileName: string, bytes: Buffer, options: ReadOptions): Promise<SourceDocument> {
  const zip = await openZip(bytes, options);
  if (zip.names.includes('word/document.xml')) return readDocx(fileName, zip);
  if (zip.names.includes('xl/workbook.xml')) return readXlsx(fileName, zip, options);
  throw new ImportFileError(
    `${unsupported} (it looks like a zip archive holding neither a Word document nor a workbook)`,
  );
}

function readText(fileName: string, bytes: Buffer): SourceDocument {
  if (!looksLikeText(bytes)) throw new ImportFileError(unsupported);
  if (/\.csv$/i.test(fileName)) return readCsv(fileName, bytes);
  const text = decodeText(bytes);
  if (text.trim() === '') throw new ImportFileError('The file is empty');
  const markup = markupKind(text);
  if (markup) throw new ImportFileError(`${unsupported} (it looks like ${markup})`);
  return readPastedText(fileName, text);
}

async function readByContent(fileName: string, bytes: Buffer, options: ReadOptions): Promise<SourceDocument> {
  if (startsWith(bytes, ole)) refuseOldOffice(bytes);
  const known = signatures.find(([, magic]) => startsWith(bytes, magic));
  if (known) throw new ImportFileError(`${unsupported} (it looks like ${known[0]})`);
  if (startsWith(bytes, zipMagic) || /\.(docx|xlsx|docm|xlsm)$/i.test(fileName))
    return readOffice(fileName, bytes, options);
  return readText(fileName, bytes);
}

/** Reads any file a person brings; whatever goes wrong ends in an ImportFileError that names the problem. */
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
  try {
    return await readByContent(fileName, bytes, options);
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // A library tripping over a damaged file; the person needs to know the file is at fault, and we keep the cause.
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const refusal = new ImportFileError(`The file is damaged: Headway could not read it (${detail})`);
    refusal.cause = error;
    throw refusal;
  }
}
