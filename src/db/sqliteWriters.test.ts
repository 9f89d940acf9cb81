// Two Headway processes on one SQLite file, as when the command line imports while the server runs, or a second
// server is started beside the first: every write must wait its turn, none may fail because another process wrote
// between its reads and its writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { inTransaction } from './transaction.js';
import { setPlanRole } from '../people/userCommands.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { openServableTestDatabase, type TestDatabase } from '../testing/databases.js';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.js';
import { signedInUser } from '../testing/testApp.js';

const rounds = 40;
const statuses = ['in_progress', 'ongoing', 'complete', 'not_started'] as const;

describe('two processes writing to one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headway-sqlite-writers-'));
  let database: TestDatabase;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await openServableTestDatabase('sqlite', dir);
    servers = await Promise.all(
      [0, 1].map(() => startServerProcess({ databaseUrl: database.url, startTimeoutMs: 110_000 })),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'takes every status-changing update sent to either process, each read and written in one turn',
    async () => {
      const { db } = database;
      const config = readConfig({}, { actorName: 'Test Manager' });
      const owner = await signedInUser(db, config, 'contributor', 'Busy Owner');
      const plan = await makePlan(db);
      await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, owner.user.id, 'contributor'));
      const actions = await Promise.all([0, 1, 2, 3].map(() => makeAction(db, plan.id)));
      const failures: string[] = [];
      let posted = 0;
      for (let round = 0; round < rounds; round++)
        await Promise.all(
          actions.flatMap((action, i) =>
            servers.map(async (server, s) => {
              const response = await fetch(
                `${server.url}/api/v1/plans/${plan.slug}/actions/${action.id}/updates`,
                {
                  method: 'POST',
                  headers: { authorization: owner.authorization, 'content-type': 'application/json' },
                  body: JSON.stringify({
                    body: `Round ${round} from process ${s}`,
                    statusChange: statuses[(round + i + s) % statuses.length],
                  }),
                },
              );
              if (response.status === 201) posted += 1;
              else failures.push(`${response.status} ${await response.text()}`);
            }),
          ),
        );
      console.log(`[sqlite] ${posted} updates posted through two processes, ${failures.length} failed`);
      expect(failures.slice(0, 3)).toEqual([]);
      const stored = await db.kysely
        .selectFrom('updates')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('plan_id', '=', plan.id)
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(rounds * actions.length * servers.length);
    },
    10 * 60_000,
  );
});
