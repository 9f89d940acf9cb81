import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from './serverProcess.js';

describe('a Headway server process for tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headway-process-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on a free port, answers /healthz, reports its memory and stops', async () => {
    const server = await startServerProcess({ databaseUrl: join(dir, 'headway.db') });
    try {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      expect(server.rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
    } finally {
      await server.stop();
    }
    expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
  });
});
