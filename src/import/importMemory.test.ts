// A real server process taking eight uploads at once of a small Word file that expands to 190 MB: its memory stays
// bounded, it refuses them naming the limit, and it answers /healthz every time it is asked throughout. How quickly it
// answers is measured by `npm run bench -- --only-bench=import-memory`, not here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRound,
  expectedRefusal,
  megabyte,
  startExpandingUploads,
  uploadsAtOnce,
  type ExpandingUploads,
} from '../testing/expandingUploads.js';

describe('importing files that expand a lot, on a real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headway-import-memory-'));
  let uploads: ExpandingUploads | undefined;

  beforeAll(async () => {
    uploads = await startExpandingUploads(join(dir, 'headway.db'));
  }, 240_000);

  afterAll(async () => {
    await uploads?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps memory under 600 MB and answers /healthz throughout eight uploads at once, refusing each by its limit', async () => {
    const { docx } = uploads!;
    expect(docx.length).toBeGreaterThan(4 * megabyte);
    expect(docx.length).toBeLessThan(7 * megabyte);
    await uploads!.warmUp();

    const round = await uploads!.uploadAtOnce();
    console.log(describeRound(round));

    expect(round.rssPeakBytes).toBeLessThan(600 * megabyte);
    // Memory falls back once the uploads are done.
    expect(round.rssAfterBytes).toBeLessThan(round.rssBeforeBytes + 150 * megabyte);
    expect(round.health.length).toBeGreaterThan(5);
    expect(round.health.filter((probe) => probe.status !== 200)).toEqual([]);
    expect(round.answers).toHaveLength(uploadsAtOnce);
    for (const answer of round.answers) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain(expectedRefusal);
    }
  }, 180_000);
});
