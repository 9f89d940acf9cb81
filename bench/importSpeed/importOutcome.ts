// What one import in a child process reports back to the benchmark, on one marked line of its output.

export interface ImportOutcome {
  /** Read, understand and save, in seconds: start-up, migrations and reading the file from disk are not counted. */
  seconds: number;
  phases: { readSeconds: number; understandSeconds: number; saveSeconds: number };
  /** The process's peak resident memory over its whole life, in bytes. */
  peakRssBytes: number;
  /** Resident memory just before the import started (Node, tsx, the app's modules, the open database). */
  rssBeforeBytes: number;
  /** Rows saved under the new plan, counted in the database afterwards. */
  saved: { actions: number; themes: number; updates: number };
  warnings: number;
  /** Warnings grouped by kind (quoted words aside), most frequent first: what the importer made of the file. */
  warningKinds: { count: number; example: string }[];
}

/** Marks the line the parent reads, so anything else the app prints cannot be mistaken for the result. */
export const outcomePrefix = 'IMPORT-OUTCOME ';
