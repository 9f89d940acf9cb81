import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { startServerProcess } from '../testing/serverProcess.js';
import { logLineAsText, serverLogger } from './requestLog.js';

function capture() {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, out };
}

async function appLogging(logFormat: 'json' | 'text') {
  const db = openDatabase(':memory:');
  await migrateToLatest(db);
  const config = readConfig({}, { logLevel: 'info', logFormat });
  const { lines, out } = capture();
  const app = await buildApp({ db, config, logger: serverLogger(config, out) });
  return {
    app,
    lines,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

describe('the request log', () => {
  it('writes one JSON line per request, with method, address, status and time', async () => {
    const { app, lines, close } = await appLogging('json');
    try {
      await app.inject('/sign-in');
      await app.inject('/plans');
      const logged = lines.map((line) => JSON.parse(line));
      expect(logged).toHaveLength(2);
      expect(logged.map((l) => [l.msg, l.req.method, l.req.url, l.res.statusCode])).toEqual([
        ['request completed', 'GET', '/sign-in', 200],
        ['request completed', 'GET', '/plans', 303],
      ]);
      expect(typeof logged[0].responseTime).toBe('number');
    } finally {
      await close();
    }
  });

  it('writes one short text line per request for a terminal', async () => {
    const { app, lines, close } = await appLogging('text');
    try {
      await app.inject('/sign-in');
      await app.inject('/static/headway.css');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d GET \/sign-in 200 \d+ ms$/);
      expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d GET \/static\/headway\.css 200 \d+ ms$/);
    } finally {
      await close();
    }
  });

  it("shows other lines with their level and an error's stack, and leaves out Fastify's own listening line", () => {
    const time = Date.UTC(2026, 0, 2, 3, 4, 5);
    expect(
      logLineAsText(JSON.stringify({ level: 30, time, msg: 'Server listening at http://127.0.0.1:3000' })),
    ).toBe(undefined);
    const error = logLineAsText(
      JSON.stringify({
        level: 50,
        time,
        msg: 'request failed',
        err: { message: 'boom', stack: 'Error: boom\n    at x' },
      }),
    );
    expect(error).toMatch(/^\d\d:\d\d:\d\d error request failed\nError: boom\n {4}at x$/);
    expect(logLineAsText('not JSON\n')).toBe('not JSON');
  });

  it('comes after the banner: a started server prints how to sign in last, then one line per request', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'headway-log-'));
    const server = await startServerProcess({
      databaseUrl: join(folder, 'h.db'),
      env: { LOG_LEVEL: 'info', LOG_FORMAT: 'text' },
      // Starting through tsx takes 25 s on a busy machine.
      startTimeoutMs: 100_000,
    });
    try {
      const banner = 'Press Ctrl+C to stop.';
      for (let i = 0; i < 50 && !server.output().includes(banner); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await fetch(`${server.url}/sign-in`);
      await fetch(`${server.url}/static/headway.css`);
      for (let i = 0; i < 50 && server.output().split(banner)[1]!.trim().split('\n').length < 2; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const [before, after] = server.output().split(banner) as [string, string];
      expect(before).toContain('Headway is running at');
      expect(before).toContain('/setup/');
      // Started without HEADWAY_SMTP_URL: the banner says so, and where the links in waiting messages are.
      expect(before).toContain('E-mail is not set up');
      expect(before).toContain('`headway jobs` prints the links in waiting messages.');
      expect(before).not.toMatch(/listening|GET |"level"/);
      expect(after.trim().split('\n')).toEqual([
        expect.stringMatching(/^\d\d:\d\d:\d\d GET \/sign-in 200 \d+ ms$/),
        expect.stringMatching(/^\d\d:\d\d:\d\d GET \/static\/headway\.css 200 \d+ ms$/),
      ]);
    } finally {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 150_000);
});
