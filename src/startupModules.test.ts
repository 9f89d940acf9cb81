// Which packages the server and the CLI load: Word, Excel and PDF writers only when a document is written, nodemailer
// only when a message is sent, and nothing before the command has chosen (src/web/startUpMemory.ts).
// SQLite only: the database chosen does not change which document modules a command loads.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { startServerProcess } from './testing/serverProcess.js';
import { projectRoot } from './web/projectRoot.js';

const run = promisify(execFile);
const documentPackages = ['docx', 'exceljs', 'pdfkit'];
const moduleLogPreload = join(projectRoot, 'src', 'testing', 'moduleLog.mjs');

let folder = '';
let databaseUrl = '';
let logCount = 0;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'headway-startup-'));
  databaseUrl = join(folder, 'headway.db');
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  expect(await main(['demo'], { DATABASE_URL: databaseUrl })).toBe(0);
  log.mockRestore();
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function newLogFile(): string {
  logCount += 1;
  return join(folder, `modules-${logCount}.txt`);
}

/** The packages (node_modules/NAME) among the modules a process resolved, read from its module log. */
function packagesIn(logFile: string): Set<string> {
  const names = new Set<string>();
  for (const url of readFileSync(logFile, 'utf8').split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) names.add(match[1]!);
  }
  return names;
}

async function packagesLoadedBy(args: string[]): Promise<Set<string>> {
  const logFile = newLogFile();
  await run(
    process.execPath,
    ['--import', 'tsx', '--import', moduleLogPreload, join(projectRoot, 'src', 'cli.ts'), ...args],
    { cwd: projectRoot, env: { ...process.env, DATABASE_URL: databaseUrl, HEADWAY_MODULE_LOG: logFile } },
  );
  return packagesIn(logFile);
}

function exportWith(format: string): Promise<Set<string>> {
  return packagesLoadedBy([
    'export',
    'culture-action-plan',
    '--format',
    format,
    '--out',
    join(folder, `plan.${format}`),
  ]);
}

describe('modules loaded at start-up', () => {
  // The young generation is held small from cli.ts's first import; whatever cli.ts imports statically is loaded
  // before that, so a package there would make every idle server larger again.
  it('loads no package before a command runs', { timeout: 120_000 }, async () => {
    expect(await packagesLoadedBy(['help'])).toEqual(new Set());
  });

  it(
    'starts the server without loading the Word, Excel or PDF writers, or nodemailer',
    { timeout: 120_000 },
    async () => {
      const logFile = newLogFile();
      const server = await startServerProcess({
        databaseUrl,
        env: { NODE_OPTIONS: `--import ${moduleLogPreload}`, HEADWAY_MODULE_LOG: logFile },
        startTimeoutMs: 90_000,
      });
      try {
        const loaded = packagesIn(logFile);
        expect(loaded).toContain('fastify');
        for (const name of documentPackages) expect(loaded).not.toContain(name);
        expect(loaded).not.toContain('nodemailer');
      } finally {
        await server.stop();
      }
    },
  );

  it(
    'exports a plan as JSON without loading the server or any document writer',
    { timeout: 120_000 },
    async () => {
      const loaded = await exportWith('json');
      expect(loaded).toContain('kysely');
      expect(loaded).not.toContain('fastify');
      for (const name of documentPackages) expect(loaded).not.toContain(name);
    },
  );

  it('loads the Word writer, and only it, to export a plan as Word', { timeout: 120_000 }, async () => {
    const loaded = await exportWith('docx');
    expect(loaded).toContain('docx');
    expect(loaded).not.toContain('exceljs');
    expect(loaded).not.toContain('pdfkit');
    expect(loaded).not.toContain('fastify');
  });
});
