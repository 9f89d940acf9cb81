// Reads and understands one file, from bytes to a plan draft: the work the import's worker thread does.
import { dropControlCharacters } from './read/controlCharacters.js';
import { readSource } from './read/readSource.js';
import { looksLikeJson, understandPlanExport } from './interchange/readPlanExport.js';
import { defaultReadOptions, type ReadOptions, type SourceDocument } from './source.js';
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
  const maxBytes = request.read?.maxBytes ?? defaultReadOptions.maxBytes;
  if (
    request.bytes.length > 0 &&
    request.bytes.length <= maxBytes &&
    looksLikeJson(request.fileName, request.bytes)
  )
    return understandPlanExport(request.bytes);
  const doc = await readSource(request.fileName, request.bytes, request.read);
  const cleaned = dropControlCharacters(doc);
  const understood = understandDocument(doc, { columns: request.columns });
  return { ...understood, warnings: [...cleaned, ...understood.warnings], sheets: doc.sheets };
}
