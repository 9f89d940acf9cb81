// Many people naming the same new owner at once, through a real server: one owner, one history row, no errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { ownerNameKey } from './ownerCommands.js';
import {
  openServableTestDatabase,
  postgresReachable,
  postgresRequired,
  type TestDatabase,
} from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { startServerProcess, together, type ServerProcess } from '../testing/serverProcess.js';
import { signedInUser, type SignedInAs } from '../testing/testApp.js';

const clients = 80;
const postgresAvailable = (await postgresReachable()) || postgresRequired;

for (const dialect of ['sqlite', 'postgres'] as const) {
  const run = dialect === 'postgres' && !postgresAvailable ? describe.skip : describe;
  run(`naming one new owner from ${clients} clients at once [${dialect}]`, () => {
    let dir: string;
    let test: TestDatabase | undefined;
    let db: Db;
    let server: ServerProcess;
    let admin: SignedInAs;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'headway-owner-race-'));
      test = await openServableTestDatabase(dialect, dir);
      db = test.db;
      admin = await signedInUser(db, readConfig({}, { actorName: 'Test Manager' }));
      server = await startServerProcess({
        databaseUrl: test.url,
        startTimeoutMs: 90_000,
      });
    }, 120_000);

    afterAll(async () => {
      await server?.stop();
      await test?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function ownersCalled(name: string) {
      const owners = await db.kysely
        .selectFrom('owners')
        .selectAll()
        .where('name_key', '=', ownerNameKey(name))
        .execute();
      // Every owner created in history under this name, whether or not the row it names was kept.
      const created = (
        await db.kysely
          .selectFrom('history')
          .select('after_json')
          .where('record_type', '=', 'owner')
          .where('change', '=', 'create')
          .execute()
      ).filter(
        (row) =>
          (JSON.parse(row.after_json ?? '{}') as { name_key?: string }).name_key === ownerNameKey(name),
      );
      return { owners, created };
    }

    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: admin.authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('creates every action, and the owner they name once', async () => {
      const plan = await makePlan(db, { title: 'Race plan' });
      const name = `Corp Comms ${dialect} ${Date.now()}`;
      const answers = await together(clients, (i) =>
        post(`/api/v1/plans/${plan.slug}/actions`, { title: `Action ${i}`, owners: [name] }),
      );
      expect(
        answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.slice(0, 200)}`),
      ).toEqual([]);
      const { owners, created } = await ownersCalled(name);
      expect(owners).toHaveLength(1);
      expect(created).toHaveLength(1);
      const linked = await db.kysely
        .selectFrom('action_owners')
        .innerJoin('actions', 'actions.id', 'action_owners.action_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('actions.plan_id', '=', plan.id)
        .where('action_owners.owner_id', '=', owners[0]!.id)
        .executeTakeFirstOrThrow();
      expect(Number(linked.n)).toBe(clients);
    }, 60_000);

    it('adds the owner once and tells every other client the name is taken', async () => {
      const name = `Avery Adams ${dialect} ${Date.now()}`;
      const answers = await together(clients, () => post('/api/v1/owners', { name, kind: 'person' }));
      expect(answers.filter((a) => a.status >= 500).map((a) => a.body.slice(0, 200))).toEqual([]);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      const refused = answers.filter((a) => a.status !== 201);
      expect(refused).toHaveLength(clients - 1);
      for (const answer of refused) {
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body).errors).toEqual({
          name: `There is already an owner called "${name}"`,
        });
      }
      const { owners, created } = await ownersCalled(name);
      expect(owners).toHaveLength(1);
      expect(created).toHaveLength(1);
    }, 60_000);
  });
}
