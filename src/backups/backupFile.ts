// The backup file: gzip'd JSON lines, one header, then each table (a line naming its columns, then a line per row as
// an array of values), then a last line counting the rows. Read here as a stream of checked records.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';

export const backupFormat = 'headway-backup';
export const backupFormatVersion = 1;

export interface BackupHeader {
  format: typeof backupFormat;
  formatVersion: number;
  /** The Headway that wrote it (package.json's version). */
  headwayVersion: string;
  /** The migrations the database had run: the schema the rows fit. */
  migrations: string[];
  /** When the snapshot was taken: the backup holds every write committed before this. */
  takenAt: string;
  /** Which kind of database it came from; a restore may load it into either. */
  database: 'sqlite' | 'postgres';
}

/** A value as a row carries it: both databases store Headway's data as text, whole numbers and nulls. */
export type BackupValue = string | number | null;

export type BackupRecord =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'row'; table: string; values: BackupValue[] }
  | { kind: 'end'; rows: Record<string, number> };

/** A backup that cannot be taken or restored; the message says why and that nothing was changed. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export function headerLine(header: BackupHeader): string {
  return `${JSON.stringify(header)}\n`;
}
export function tableLine(table: string, columns: string[]): string {
  return `${JSON.stringify({ table, columns })}\n`;
}
export function rowLine(values: BackupValue[]): string {
  return `${JSON.stringify(values)}\n`;
}
export function endLine(rows: Record<string, number>): string {
  return `${JSON.stringify({ end: true, rows })}\n`;
}

async function startsLikeGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(`${file} cannot be read (${error.code ?? error.message})`);
  });
  try {
    const start = Buffer.alloc(2);
    const { bytesRead } = await handle.read(start, 0, 2, 0);
    return bytesRead === 2 && start[0] === 0x1f && start[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The file's lines, decompressed as they are read, so a large backup never sits in memory whole. */
async function* linesOf(file: string): AsyncGenerator<string> {
  const source = createReadStream(file);
  const gunzip = source.pipe(createGunzip());
  // pipe() passes on neither a failed read nor an early stop: without these, a read that fails would leave the loop
  // below waiting for ever, and a reader that stops early (a restore reads the header alone first) kept the file open.
  source.on('error', (error) => gunzip.destroy(error));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending += decoder.decode(chunk, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        yield pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    }
    pending += decoder.decode();
  } catch (error) {
    const failedRead = source.errored as NodeJS.ErrnoException | null;
    if (failedRead)
      throw new BackupError(`${basename(file)} cannot be read (${failedRead.code ?? failedRead.message})`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackupError(`${basename(file)} is damaged or incomplete (${reason})`);
  } finally {
    // Already closed when the whole file was read; closed here when the reader stopped early or the reading failed.
    source.destroy();
  }
  if (pending !== '') yield pending;
}

function isValue(value: unknown): value is BackupValue {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * Reads a backup and checks its shape as it goes: the header first, every row the width of its table's columns, and
 * the last line's counts equal to the rows read. Anything else is a BackupError naming the line.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupRecord> {
  const name = basename(file);
  if (!(await startsLikeGzip(file)))
    throw new BackupError(`${name} is not a Headway backup (it is not a gzip file)`);
  let lineNumber = 0;
  let table: { name: string; width: number } | undefined;
  const counted: Record<string, number> = {};
  let ended = false;
  const damaged = (what: string) => new BackupError(`${name} is damaged at line ${lineNumber}: ${what}`);
  for await (const line of linesOf(file)) {
    lineNumber += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (lineNumber === 1)
        throw new BackupError(`${name} is not a Headway backup (its first line is not one)`);
      throw damaged('not a line of JSON');
    }
    if (lineNumber === 1) {
      yield { kind: 'header', header: checkHeader(name, parsed) };
      continue;
    }
    if (ended) throw damaged('there is more after the last line');
    if (Array.isArray(parsed)) {
      if (!table) throw damaged('a row before any table');
      if (parsed.length !== table.width)
        throw damaged(`a row of ${parsed.length} values in ${table.name}, which has ${table.width} columns`);
      if (!parsed.every(isValue)) throw damaged('a value that is not text, a number or null');
      counted[table.name] = (counted[table.name] ?? 0) + 1;
      yield { kind: 'row', table: table.name, values: parsed };
      continue;
    }
    const record = (parsed ?? {}) as Record<string, unknown>;
    if (typeof record.table === 'string' && isStringList(record.columns)) {
      if (record.table in counted) throw damaged(`table ${record.table} appears twice`);
      table = { name: record.table, width: record.columns.length };
      counted[record.table] = 0;
      yield { kind: 'table', table: record.table, columns: record.columns };
      continue;
    }
    if (record.end === true && typeof record.rows === 'object' && record.rows !== null) {
      const rows = record.rows as Record<string, unknown>;
      const names = new Set([...Object.keys(rows), ...Object.keys(counted)]);
      for (const tableName of names)
        if (rows[tableName] !== (counted[tableName] ?? 0))
          throw damaged(
            `it counts ${String(rows[tableName] ?? 0)} rows of ${tableName} but holds ${counted[tableName] ?? 0}`,
          );
      ended = true;
      yield { kind: 'end', rows: counted };
      continue;
    }
    throw damaged('a line that is neither a table, a row nor the end');
  }
  if (lineNumber === 0) throw new BackupError(`${name} is not a Headway backup (it is empty)`);
  if (!ended)
    throw new BackupError(`${name} is incomplete: it stops after line ${lineNumber}, before its last line`);
}

function checkHeader(name: string, parsed: unknown): BackupHeader {
  const header = (parsed ?? {}) as Partial<Record<keyof BackupHeader, unknown>>;
  if (header.format !== backupFormat) throw new BackupError(`${name} is not a Headway backup`);
  if (header.formatVersion !== backupFormatVersion)
    throw new BackupError(
      `${name} is a Headway backup of format ${String(header.formatVersion)}, which this Headway cannot read (it reads format ${backupFormatVersion}): restore it with the Headway that made it, version ${String(header.headwayVersion)}`,
    );
  if (
    !isStringList(header.migrations) ||
    typeof header.takenAt !== 'string' ||
    typeof header.headwayVersion !== 'string' ||
    (header.database !== 'sqlite' && header.database !== 'postgres')
  )
    throw new BackupError(
      `${name} is damaged at line 1: its header lacks the migrations, the time or the database`,
    );
  return header as BackupHeader;
}
