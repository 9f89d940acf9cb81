import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  BackupError,
  backupFormat,
  backupFormatVersion,
  endLine,
  headerLine,
  readBackup,
  rowLine,
  tableLine,
} from './backupFile.js';

/** While set, the file's contents cannot be read: its stream fails with this error. */
const failing = vi.hoisted(() => ({ read: null as NodeJS.ErrnoException | null }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((...args: Parameters<typeof fs.createReadStream>) => {
    const error = failing.read;
    if (!error) return fs.createReadStream(...args);
    return new Readable({
      read() {
        this.destroy(error);
      },
    });
  }) as typeof fs.createReadStream;
  return { ...fs, createReadStream };
});

const folder = mkdtempSync(join(tmpdir(), 'headway-backup-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let fileCounter = 0;

/** A small backup of one table, its lines edited by `edit` before it is compressed. */
function backupOf(edit: (lines: string[]) => string[] = (lines) => lines): string {
  const file = join(folder, `${++fileCounter}.jsonl.gz`);
  const lines = [
    headerLine({
      format: backupFormat,
      formatVersion: backupFormatVersion,
      headwayVersion: '0.1.0',
      migrations: ['001-initial'],
      takenAt: '2026-12-03T12:00:00.000Z',
      database: 'sqlite',
    }),
    tableLine('owners', ['id', 'name']),
    ...Array.from({ length: 3 }, (_, n) => rowLine([`owner-${n}`, `Owner ${n}`])),
    endLine({ owners: 3 }),
  ];
  writeFileSync(file, gzipSync(edit(lines).join('')));
  return file;
}

/** How many of this process's file descriptors are open on `file` (Linux lists them in /proc). */
function descriptorsOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(join('/proc/self/fd', fd)) === file;
    } catch {
      return false; // the descriptor readdir itself used, closed since
    }
  }).length;
}

/** A stream closes its file a moment after it is destroyed; one left open stays open. */
async function closedSoon(file: string): Promise<boolean> {
  for (let wait = 0; wait < 50; wait++) {
    if (descriptorsOn(file) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe.runIf(existsSync('/proc/self/fd'))('reading a backup file', () => {
  it('closes the file when the whole of it has been read', async () => {
    const file = backupOf();
    const kinds: string[] = [];
    for await (const record of readBackup(file)) kinds.push(record.kind);
    expect(kinds).toEqual(['header', 'table', 'row', 'row', 'row', 'end']);
    expect(await closedSoon(file)).toBe(true);
  });

  it('closes the file when its reader stops early, as a restore does after the header', async () => {
    const file = backupOf();
    for await (const record of readBackup(file)) if (record.kind === 'header') break;
    expect(await closedSoon(file)).toBe(true);
  });

  it('closes the file when it is refused part-way', async () => {
    const file = backupOf((lines) => lines.map((line, n) => (n === 3 ? '[1]\n' : line)));
    const reading = (async () => {
      for await (const record of readBackup(file)) void record;
    })();
    await expect(reading).rejects.toThrow(BackupError);
    await expect(reading).rejects.toThrow(/damaged at line 4: a row of 1 values in owners/);
    expect(await closedSoon(file)).toBe(true);
  });

  it('fails with a BackupError when the file cannot be read, rather than wait for ever', async () => {
    const file = backupOf();
    failing.read = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    try {
      const reading = (async () => {
        for await (const record of readBackup(file)) void record;
      })();
      await expect(reading).rejects.toThrow(new BackupError(`${basename(file)} cannot be read (EIO)`));
    } finally {
      failing.read = null;
    }
  }, 5_000);
});
