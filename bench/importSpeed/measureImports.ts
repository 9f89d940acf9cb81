// Generates the seeded files and imports each several times on each database, every import in a child process of
// its own and a fresh database, keeping what each import took and saved.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../options.js';
import { freshPostgres, withoutPassword, type BenchDatabase } from '../planLoad/benchDatabases.js';
import { generateImportFiles, type ImportFile } from './generateImportFiles.js';
import { outcomePrefix, type ImportOutcome } from './importOutcome.js';

export type ImportRun = { outcome: ImportOutcome } | { error: string };

export interface CaseResult {
  database: BenchDatabase['label'];
  file: ImportFile;
  runs: ImportRun[];
}

export interface ImportSpeedRun {
  files: ImportFile[];
  results: CaseResult[];
  /** Databases that could not be reached, and the like. */
  notes: string[];
  /** Every database asked for was unreachable: nothing was measured. */
  nothingMeasured: boolean;
  /** The one-minute load average as the imports began and ended: other work on a shared machine slows them. */
  loadAverage: { before: number; after: number };
}

/** A child still running after this long is stuck, not slow: far beyond any target. */
const childTimeoutMs = 5 * 60_000;

export async function measureImports(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<ImportSpeedRun> {
  say(`Generating the files to import (seed ${options.seed}) ...`);
  const files = await generateImportFiles(projectRoot, options, say);
  const notes: string[] = [];
  const results: CaseResult[] = [];
  const loadBefore = os.loadavg()[0]!;
  let reached = 0;
  for (const dialect of options.databases) {
    if (dialect === 'postgres') {
      // One probe, so an unreachable server is reported once rather than for every run.
      const probe = await freshPostgres(options.postgresAdminUrl);
      if ('unreachable' in probe) {
        const note = `PostgreSQL not measured: ${withoutPassword(options.postgresAdminUrl)} could not be reached (${probe.unreachable}).`;
        say(`\n*** ${note} Set HEADWAY_BENCH_POSTGRES_URL to point at a server. ***\n`);
        notes.push(note);
        continue;
      }
      await probe.database.dispose();
    }
    reached += 1;
    for (const file of files) {
      const label = dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      const result: CaseResult = { database: label, file, runs: [] };
      for (let run = 1; run <= options.importSize.runs; run++) {
        const database = await freshDatabase(dialect, projectRoot, options);
        try {
          const imported = await importInChild(projectRoot, file.path, database.url);
          say(`  ${label} ${file.kind} run ${run}: ${describeRun(imported)}`);
          result.runs.push(imported);
        } finally {
          await database.dispose();
        }
      }
      results.push(result);
    }
  }
  return {
    files,
    results,
    notes,
    nothingMeasured: reached === 0,
    loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
  };
}

async function freshDatabase(
  dialect: 'sqlite' | 'postgres',
  projectRoot: string,
  options: BenchOptions,
): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const file = join(projectRoot, '.bench', 'import.db');
    for (const suffix of ['', '-wal', '-shm']) await rm(file + suffix, { force: true });
    // Kept after the run (.bench/ is git-ignored) so the last import can be looked at.
    return { label: 'SQLite', url: file, dispose: async () => {} };
  }
  const outcome = await freshPostgres(options.postgresAdminUrl);
  if ('unreachable' in outcome)
    throw new Error(`PostgreSQL stopped answering during the benchmark: ${outcome.unreachable}`);
  return outcome.database;
}

function describeRun(run: ImportRun): string {
  if ('error' in run) return `FAILED: ${run.error.split('\n')[0]}`;
  const { outcome } = run;
  const { saved } = outcome;
  return `${outcome.seconds.toFixed(2)} s, peak ${(outcome.peakRssBytes / 1e6).toFixed(0)} MB; saved ${saved.actions} actions, ${saved.themes} themes, ${saved.updates} updates; ${outcome.warnings} warnings`;
}

/** Runs bench/importSpeed/importOnce.ts in a new Node process and reads the one outcome line it prints. */
function importInChild(projectRoot: string, file: string, databaseUrl: string): Promise<ImportRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('bench', 'importSpeed', 'importOnce.ts'), file, databaseUrl],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, childTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: `could not start the import process: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(outcomePrefix));
      if (code === 0 && line) {
        resolve({ outcome: JSON.parse(line.slice(outcomePrefix.length)) as ImportOutcome });
        return;
      }
      const why = timedOut
        ? `stopped after ${childTimeoutMs / 60_000} minutes without a result`
        : signal
          ? `killed by ${signal} (out of memory?)`
          : `exit code ${code}`;
      resolve({ error: `${why}: ${stderr.trim() || stdout.trim() || 'no output'}` });
    });
  });
}
