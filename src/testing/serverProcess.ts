// Starts Headway as a real server process (the `headway serve` command, through tsx) for tests that need a port,
// several processes on one database, concurrent HTTP clients, or a process to kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../web/projectRoot.js';

export interface ServerProcess {
  /** Where it listens, without a trailing slash: http://127.0.0.1:PORT */
  url: string;
  child: ChildProcess;
  /** Everything it has printed so far, stdout and stderr together. */
  output(): string;
  /** Resident memory in bytes, read from /proc (Linux). */
  rssBytes(): number;
  /** Stops it: SIGTERM and wait, or SIGKILL for a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  /** A file path for SQLite or a postgres:// URL: the database the process opens (and migrates). */
  databaseUrl: string;
  /** More environment for the process (HEADWAY_* settings). */
  env?: Record<string, string>;
  /** How long to wait for it to answer, in milliseconds. */
  startTimeoutMs?: number;
}

/** Starts `headway serve --port 0` and resolves once it says where it listens and that it has finished starting. */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const root = projectRoot;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'serve', '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        LOG_LEVEL: 'silent',
        HEADWAY_PUBLIC_URL: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const server = (url: string): ServerProcess => ({
    url,
    child,
    output: () => printed,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      return kb ? Number(kb[1]) * 1024 : 0;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  });

  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Headway did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${printed}`));
    }, options.startTimeoutMs ?? 30_000);
    const look = () => {
      // Start-up may still write (the first administrator's link on an empty database) after it says where it
      // listens: the banner's last line says it is done, so a test's own writes never race it.
      const match = /Headway is running at (http:\/\/[^\s/]+)\//.exec(printed);
      if (!match || !printed.includes('Press Ctrl+C to stop.')) return;
      clearTimeout(timeout);
      child.stdout!.off('data', look);
      resolve(server(match[1]!));
    };
    child.stdout!.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      reject(new Error(`Headway exited (${code ?? signal}) before it started:\n${printed}`));
    });
  });
}

/** Sends `count` requests at once and waits for every answer, with its body read: a race of many clients. */
export async function together(
  count: number,
  send: (i: number) => Promise<Response>,
): Promise<{ status: number; body: string }[]> {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
  return Promise.all(
    responses.map(async (response) => ({ status: response.status, body: await response.text() })),
  );
}
