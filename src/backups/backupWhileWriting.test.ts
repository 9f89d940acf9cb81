import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { openDatabase, type DialectName } from '../db/connection.js';
import { openServableTestDatabase, openTestDatabase, postgresReachable } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { startServerProcess } from '../testing/serverProcess.js';
import { signedInUser } from '../testing/testApp.js';
import { projectRoot } from '../web/projectRoot.js';

const folder = mkdtempSync(join(tmpdir(), 'headway-backup-live-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let counter = 0;
const newPath = (name: string) => join(folder, `${++counter}-${name}`);

const kinds: DialectName[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

const freshDatabase = (kind: DialectName) => openServableTestDatabase(kind, folder);

/** The real `headway` command, as an operator runs it. */
function headway(args: string[], databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

interface Acknowledged {
  id: string;
  title: string;
  /** When the 201 arrived. */
  at: number;
}

for (const from of kinds)
  describe(`a backup of ${from} taken while clients write`, () => {
    it('holds every write acknowledged before it began; restored into each database, the app serves them', async () => {
      const source = await freshDatabase(from);
      const writer = await signedInUser(source.db, readConfig({}), 'admin', 'Busy Writer');
      const plan = await makePlan(source.db, { title: 'Written while backing up' });
      const server = await startServerProcess({ databaseUrl: source.url, startTimeoutMs: 120_000 });
      const acknowledged: Acknowledged[] = [];
      let writing = true;
      const post = (base: string, title: string) =>
        fetch(`${base}/api/v1/plans/${plan.slug}/actions`, {
          method: 'POST',
          headers: { authorization: writer.authorization, 'content-type': 'application/json' },
          // Each client names an owner of its own: a new owner named by two requests at once is another issue's race.
          body: JSON.stringify({ title, owners: [`Owner of ${title.split(' write ')[0]}`] }),
        });
      let failed: Error | undefined;
      const clients = Array.from({ length: 4 }, async (_, client) => {
        for (let n = 0; writing && !failed; n++) {
          const title = `Client ${client} write ${n}`;
          const response = await post(server.url, title);
          if (response.status !== 201) {
            failed = new Error(`${title}: ${response.status} ${await response.text()}`);
            return;
          }
          const { id } = (await response.json()) as { id: string };
          acknowledged.push({ id, title, at: Date.now() });
        }
      });
      const writesReach = async (count: number) => {
        while (acknowledged.length < count) {
          if (failed) throw failed;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const file = newPath('live.jsonl.gz');
      try {
        await writesReach(40);
        const backupBegan = Date.now();
        const backup = await headway(['backup', file], source.url);
        const afterBackup = acknowledged.length;
        // A little more writing, so that the backup surely ran while writes went on.
        while (acknowledged.length < afterBackup + 10)
          await new Promise((resolve) => setTimeout(resolve, 20));
        writing = false;
        await Promise.all(clients);
        if (failed) throw failed;
        expect(backup.output).toMatch(/Backed up the database as it stood at/);
        expect(backup.code).toBe(0);

        // Acknowledged in the same millisecond as the backup began still counts as before it (the clock has 1 ms steps).
        const before = acknowledged.filter((write) => write.at <= backupBegan);
        expect(before.length).toBeGreaterThanOrEqual(40);
        expect(acknowledged.length).toBeGreaterThan(before.length);

        for (const to of kinds) {
          // A new database, never migrated: restore makes its tables.
          const target =
            to === 'sqlite'
              ? { url: newPath('restored.db'), close: async () => {} }
              : await openTestDatabase('postgres');
          try {
            const restore = await headway(['restore', file], target.url);
            expect(restore.output).toMatch(/Restored .* from (SQLite|PostgreSQL)/);
            expect(restore.code).toBe(0);

            const restored = openDatabase(target.url);
            try {
              const actions = await restored.kysely.selectFrom('actions').select(['id', 'title']).execute();
              const titles = new Map(actions.map((action) => [action.id, action.title]));
              const missing = before.filter((write) => titles.get(write.id) !== write.title);
              expect(missing, `acknowledged writes missing from the ${to} restore`).toEqual([]);
              // One snapshot: every action restored has its history, and nothing half-written came along.
              const created = await restored.kysely
                .selectFrom('history')
                .select('record_id')
                .where('record_type', '=', 'action')
                .where('change', '=', 'create')
                .execute();
              expect(new Set(created.map((row) => row.record_id))).toEqual(new Set(titles.keys()));
            } finally {
              await restored.close();
            }

            const restoredServer = await startServerProcess({
              databaseUrl: target.url,
              startTimeoutMs: 120_000,
            });
            try {
              const sample = before[Math.floor(before.length / 2)]!;
              const read = await fetch(
                `${restoredServer.url}/api/v1/plans/${plan.slug}/actions/${sample.id}`,
                {
                  headers: { authorization: writer.authorization },
                },
              );
              expect(read.status).toBe(200);
              expect(((await read.json()) as { title: string }).title).toBe(sample.title);
              expect((await post(restoredServer.url, 'Written after the restore')).status).toBe(201);
              // Sessions are not restored: the same cookie no longer signs anyone in.
              const page = await fetch(`${restoredServer.url}/plans/${plan.slug}`, {
                headers: { cookie: writer.cookie },
                redirect: 'manual',
              });
              expect(page.status).toBe(303);
            } finally {
              await restoredServer.stop();
            }
          } finally {
            await target.close();
          }
        }
      } finally {
        writing = false;
        await Promise.allSettled(clients);
        await server.stop();
        await source.close();
      }
    }, 240_000);
  });
