// Eight uploads at once of a small Word file that expands to 190 MB, sent to a real Headway server process while
// /healthz is asked from a thread of its own and the server's memory is sampled: what src/import/importMemory.test.ts
// checks and what the import-memory benchmark times.
import { Worker } from 'node:worker_threads';
import { readConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { expandingDocx } from './expandingDocx.js';
import { multipartForm } from './forms.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';
import { signedInUser, type SignedInAs } from './testApp.js';

export const megabyte = 1024 * 1024;
export const uploadsAtOnce = 8;
const expandsTo = 190 * megabyte;
/** What a refused upload must say: it names the file and the 100 MB limit. */
export const expectedRefusal =
  'expanding.docx: The file expands to more than 100 MB when opened, which is more than Headway accepts';

/** One request for /healthz: how long it took, and its status (0 when no answer came, with the reason). */
export interface HealthProbe {
  ms: number;
  status: number;
  error?: string;
}

export interface UploadAnswer {
  status: number;
  text: string;
}

export interface UploadsRound {
  answers: UploadAnswer[];
  /** /healthz asked every 10 ms from the moment the uploads were sent until the last was answered. */
  health: HealthProbe[];
  rssBeforeBytes: number;
  /** The most resident memory seen, sampled every 50 ms through the uploads. */
  rssPeakBytes: number;
  /** Resident memory three seconds after the last upload was answered. */
  rssAfterBytes: number;
  seconds: number;
}

export interface ExpandingUploads {
  server: ServerProcess;
  docx: Buffer;
  /** One small pasted import, not measured: it starts the import worker, and the first pages compile their templates. */
  warmUp(): Promise<void>;
  /** /healthz asked every 10 ms for this long with nothing else going on. */
  healthUnloaded(ms: number): Promise<HealthProbe[]>;
  /** Sends the eight uploads at once and waits for every answer and for memory to settle. */
  uploadAtOnce(): Promise<UploadsRound>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the file, migrates the SQLite database at `databaseUrl`, signs in an administrator and starts the server. */
export async function startExpandingUploads(databaseUrl: string): Promise<ExpandingUploads> {
  const docx = await expandingDocx(expandsTo);
  const db = openDatabase(databaseUrl);
  let signedIn: SignedInAs;
  try {
    await migrateToLatest(db);
    signedIn = await signedInUser(db, readConfig({}), 'admin');
  } finally {
    await db.close();
  }
  // The machines these run on are shared and often busy: a start can take far longer than on a quiet one.
  const server = await startServerProcess({ databaseUrl, startTimeoutMs: 180_000 });

  const postImport = async (body: ReturnType<typeof multipartForm>): Promise<UploadAnswer> => {
    const response = await fetch(`${server.url}/import`, {
      method: 'POST',
      body: new Uint8Array(body.payload),
      headers: { ...body.headers, cookie: `${body.headers.cookie}; ${signedIn.cookie}` },
      redirect: 'manual',
    });
    return { status: response.status, text: await response.text() };
  };

  return {
    server,
    docx,
    async warmUp() {
      const answer = await postImport(multipartForm({ pasted: 'Action\tOwner\nBrief the board\tHR\n' }));
      if (answer.status !== 303)
        throw new Error(
          `The warm-up import answered ${answer.status}, not 303: ${answer.text.slice(0, 500)}`,
        );
    },
    async healthUnloaded(ms) {
      const poller = pollHealth(server.url);
      await poller.ready;
      await sleep(ms);
      return poller.stop();
    },
    async uploadAtOnce() {
      const rssBeforeBytes = server.rssBytes();
      let rssPeakBytes = rssBeforeBytes;
      const sampler = setInterval(() => (rssPeakBytes = Math.max(rssPeakBytes, server.rssBytes())), 50);
      const poller = pollHealth(server.url);
      await poller.ready;
      const started = performance.now();
      let answers: UploadAnswer[];
      let health: HealthProbe[];
      try {
        const body = multipartForm({}, [{ name: 'expanding.docx', bytes: docx }]);
        answers = await Promise.all(Array.from({ length: uploadsAtOnce }, () => postImport(body)));
      } finally {
        health = await poller.stop();
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      await sleep(3000);
      const rssAfterBytes = server.rssBytes();
      return {
        answers,
        health,
        rssBeforeBytes,
        rssPeakBytes: Math.max(rssPeakBytes, rssAfterBytes),
        rssAfterBytes,
        seconds,
      };
    },
    stop: () => server.stop(),
  };
}

/** The p-th percentile (nearest rank) of some values, 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One line of a round's figures, for a test's or a benchmark's output. */
export function describeRound(round: UploadsRound): string {
  const ms = round.health.map((probe) => probe.ms);
  const mb = (bytes: number) => Math.round(bytes / megabyte);
  return (
    `RSS before ${mb(round.rssBeforeBytes)} MB, peak ${mb(round.rssPeakBytes)} MB, after ${mb(round.rssAfterBytes)} MB; ` +
    `/healthz ${ms.length} answers in ${round.seconds.toFixed(1)} s, p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms`
  );
}

/**
 * Asks for /healthz every 10 ms from a thread of its own, so the time measured is the server's, not that of this
 * process's event loop while it sends the uploads.
 */
function pollHealth(url: string): { ready: Promise<unknown>; stop(): Promise<HealthProbe[]> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const probes = [];
     let polling = true;
     parentPort.on('message', () => (polling = false));
     (async () => {
       // The first request opens the connection and loads fetch in this thread: not the server's time.
       await (await fetch(workerData + '/healthz')).arrayBuffer();
       parentPort.postMessage('ready');
       while (polling) {
         const started = performance.now();
         try {
           const response = await fetch(workerData + '/healthz');
           await response.arrayBuffer();
           probes.push({ ms: performance.now() - started, status: response.status });
         } catch (error) {
           probes.push({ ms: performance.now() - started, status: 0, error: String(error && error.message || error) });
         }
         await new Promise((resolve) => setTimeout(resolve, 10));
       }
       parentPort.postMessage(probes);
     })().catch((error) => parentPort.postMessage({ failed: String(error && error.message || error) }));`,
    { eval: true, workerData: url },
  );
  const nextMessage = () =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', (message: unknown) => {
        if (message && typeof message === 'object' && 'failed' in message)
          reject(new Error(`/healthz could not be asked: ${String(message.failed)}`));
        else resolve(message);
      });
      worker.once('error', reject);
    });
  const ready = nextMessage();
  return {
    ready,
    stop() {
      const done = nextMessage() as Promise<HealthProbe[]>;
      worker.postMessage('stop');
      return done.finally(() => worker.terminate());
    },
  };
}
