// What every file reader hands to the understanding of tables: blocks of paragraphs and tables, cells as text and HTML.

export type SourceKind = 'docx' | 'xlsx' | 'csv' | 'text';

export interface SourceCell {
  /** The cell's words: paragraphs and list items each on their own line ('\n'), runs of spaces collapsed. */
  text: string;
  /**
   * The cell's content as simple HTML (p, br, ul/ol/li, b, i, u, a href) keeping the paragraphs, lists and
   * emphasis the source had; it is cleaned by the rich-text sanitiser before it is stored.
   */
  html: string;
  /** How many grid columns the cell covers (a horizontal merge); 1 for an ordinary cell. */
  colSpan: number;
  /** The cell continues a vertical merge from the cell above it; its text and html are empty. */
  mergedAbove: boolean;
}

export interface SourceRow {
  cells: SourceCell[];
  /** Marked in the source as a header row repeated on every page (Word's "repeat as header row"). */
  repeatedHeader: boolean;
}

export type SourceBlock =
  { type: 'paragraph'; text: string; html: string } | { type: 'table'; rows: SourceRow[] };

export interface SourceDocument {
  kind: SourceKind;
  fileName: string;
  /** The document's body in reading order. A spreadsheet or CSV is one table block. */
  blocks: SourceBlock[];
  /** Text of page headers and footers, where a protective marking is usually written. */
  pageFurniture: string[];
  /** For a workbook: its sheet names and the one that was read. */
  sheets?: { names: string[]; chosen: string };
}

export interface ReadOptions {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Largest total size of a .docx or .xlsx once unzipped, in bytes: the guard against zip bombs. */
  maxExpandedBytes: number;
  /** Largest size of one part of a .docx or .xlsx once unzipped (the document, a sheet), in bytes. */
  maxPartBytes: number;
  /** For a workbook: the sheet to read, by name; the first sheet when absent. */
  sheet?: string;
}

export const defaultReadOptions: ReadOptions = {
  maxBytes: 20 * 1024 * 1024,
  maxExpandedBytes: 100 * 1024 * 1024,
  maxPartBytes: 16 * 1024 * 1024,
};

/** A file Headway cannot read, with a message that names the problem for the person who chose it. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

export function cell(text: string, html = '', colSpan = 1, mergedAbove = false): SourceCell {
  return { text, html, colSpan, mergedAbove };
}
