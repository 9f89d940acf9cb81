// A real server process taking eight uploads at once of a small Word file that expands to 190 MB: its memory stays
// bounded, it refuses them naming the limit, and it keeps answering /healthz quickly throughout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { expandingDocx } from '../testing/expandingDocx.js';
import { multipartForm } from '../testing/forms.js';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.js';
import { signedInUser, type SignedInAs } from '../testing/testApp.js';

const megabyte = 1024 * 1024;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Asks for /healthz every 10 ms from a thread of its own, so the time measured is the server's, not that of this
 * process's event loop while it sends the uploads.
 */
function pollHealth(url: string): { ready: Promise<unknown>; stop(): Promise<number[]> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const latencies = [];
     let polling = true;
     parentPort.on('message', () => (polling = false));
     (async () => {
       // The first request opens the connection and loads fetch in this thread: not the server's time.
       await (await fetch(workerData + '/healthz')).arrayBuffer();
       parentPort.postMessage('ready');
       while (polling) {
         const started = performance.now();
         const response = await fetch(workerData + '/healthz');
         await response.arrayBuffer();
         latencies.push(response.status === 200 ? performance.now() - started : Infinity);
         await new Promise((resolve) => setTimeout(resolve, 10));
       }
       parentPort.postMessage(latencies);
     })();`,
    { eval: true, workerData: url },
  );
  const ready = new Promise((resolve) => worker.once('message', resolve));
  return {
    ready,
    stop() {
      const done = new Promise<number[]>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      return done.finally(() => worker.terminate());
    },
  };
}

describe('importing files that expand a lot, on a real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headway-import-memory-'));
  const databaseUrl = join(dir, 'headway.db');
  let server: ServerProcess;
  let signedIn: SignedInAs;
  let docx: Buffer;

  beforeAll(async () => {
    docx = await expandingDocx(190 * megabyte);
    const db = openDatabase(databaseUrl);
    await migrateToLatest(db);
    signedIn = await signedInUser(db, readConfig({}), 'admin');
    await db.close();
    server = await startServerProcess({ databaseUrl });
  }, 120_000);

  const postImport = async (body: ReturnType<typeof multipartForm>) => {
    const response = await fetch(`${server.url}/import`, {
      method: 'POST',
      body: new Uint8Array(body.payload),
      headers: { ...body.headers, cookie: `${body.headers.cookie}; ${signedIn.cookie}` },
      redirect: 'manual',
    });
    return { status: response.status, text: await response.text() };
  };

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps memory under 600 MB and /healthz quick through eight uploads at once, refusing each by its limit', async () => {
    expect(docx.length).toBeGreaterThan(4 * megabyte);
    expect(docx.length).toBeLessThan(7 * megabyte);
    // Warm up: the first import starts the worker, and the first pages compile their templates.
    expect((await postImport(multipartForm({ pasted: 'Action\tOwner\nBrief the board\tHR\n' }))).status).toBe(
      303,
    );
    const before = server.rssBytes();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 50);
    const poller = pollHealth(server.url);
    await poller.ready;

    const body = multipartForm({}, [{ name: 'expanding.docx', bytes: docx }]);
    const answers = await Promise.all(Array.from({ length: 8 }, () => postImport(body)));
    const latencies = await poller.stop();
    clearInterval(sampler);

    // Memory falls back once the uploads are done.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = server.rssBytes();
    const p99 = percentile(latencies, 99);
    console.log(
      `RSS before ${Math.round(before / megabyte)} MB, peak ${Math.round(peak / megabyte)} MB, after ${Math.round(after / megabyte)} MB; ` +
        `/healthz ${latencies.length} answers, p99 ${p99.toFixed(1)} ms`,
    );
    expect(peak).toBeLessThan(600 * megabyte);
    expect(after).toBeLessThan(before + 150 * megabyte);
    expect(latencies.length).toBeGreaterThan(5);
    expect(p99).toBeLessThan(200);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain(
        'expanding.docx: The file expands to more than 100 MB when opened, which is more than Headway accepts',
      );
    }
  }, 180_000);
});
