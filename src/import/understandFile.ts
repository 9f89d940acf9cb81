// Reads and understands one file, from bytes to a plan draft: the work the import's worker thread does.
import { dropControlCharacters } from './read/controlCharacters.js';
import { readSource } from './read/readSource.js';
import type { ReadOptions, SourceDocument } from './source.js';
import type { ColumnOverrides } from './understand/columns.js';
import { understandDocument, type Understanding } from './understand/understandDocument.js';

export interface ImportRequest {
  fileName: string;
  bytes: Buffer;
  read?: Partial<ReadOptions>;
  columns?: ColumnOverrides;
}

export interface UnderstoodFile extends Understanding {
  /** For a workbook: its sheet names and the one that was read. */
  sheets?: SourceDocument['sheets'];
}

/** Reads and understands one file here, on this thread; a file Headway cannot read throws ImportFileError. */
export async function readAndUnderstand(request: ImportRequest): Promise<UnderstoodFile> {
  const doc = await readSource(request.fileName, request.bytes, request.read);
  const cleaned = dropControlCharacters(doc);
  const understood = understandDocument(doc, { columns: request.columns });
  return { ...understood, warnings: [...cleaned, ...understood.warnings], sheets: doc.sheets };
}
