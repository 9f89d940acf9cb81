// A manager's edits race owners' status-changing updates through a real server process, many clients at once:
// a stale save must be refused, and every version of a record must be written once, in order, with its history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import type { Status } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { setPlanRole } from '../people/userCommands.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { openServableTestDatabase, postgresReachable, type TestDatabase } from '../testing/databases.js';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.js';
import { signedInUser } from '../testing/testApp.js';

const rounds = 100;
const actionsRaced = 4;
const themesRaced = 2;
/** The statuses an owner's update moves a record through, in turn. */
const cycle: Status[] = ['in_progress', 'ongoing', 'complete', 'not_started'];

interface Subject {
  kind: 'action' | 'theme';
  id: string;
}

interface Tally {
  patches: number;
  patchesRefused: number;
  /** Edits accepted, with the version and status the manager's form showed when it saved. */
  accepted: { id: string; version: number; status: Status | null }[];
  unexpected: string[];
}

interface Seen {
  version: number;
  status: Status | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(url: string, authorization: string, method: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * One round for one record: its owner posts an update that moves its status while the manager opens the record and
 * saves it twice, the second time from the form the first save gave back, as a person carries on editing.
 */
async function race(
  path: string,
  manager: string,
  owner: string,
  round: number,
  tally: Tally,
): Promise<void> {
  const editing = (async () => {
    let seen = (await call(path, manager, 'GET')).json as unknown as Seen;
    for (let save = 0; save < 2; save++) {
      // The form sends every field as it was opened, the status included, as the pages do.
      const edit = await call(path, manager, 'PATCH', {
        version: seen.version,
        status: seen.status ?? '',
        progress: `Edited in round ${round}, save ${save}`,
      });
      tally.patches += 1;
      if (edit.status === 200) {
        tally.accepted.push({ id: path.slice(path.lastIndexOf('/') + 1), ...seen });
        seen = edit.json as unknown as Seen;
      } else if (edit.status === 409) {
        tally.patchesRefused += 1;
        seen = edit.json.current as Seen;
      } else {
        tally.unexpected.push(`edit ${edit.status} ${JSON.stringify(edit.json)}`);
        return;
      }
    }
  })();
  // The update goes a few milliseconds after the manager starts, or not, so that each side wins some rounds.
  const moveTo = cycle[round % cycle.length]!;
  const updating = sleep(Math.random() * 6).then(() =>
    call(`${path}/updates`, owner, 'POST', { body: `Round ${round}`, statusChange: moveTo }),
  );
  const [, update] = await Promise.all([editing, updating]);
  if (update.status !== 201) tally.unexpected.push(`update ${update.status} ${JSON.stringify(update.json)}`);
}

/** Each record's history, as the versions its rows record, in the order they were written. */
async function versionsInHistory(db: Db, subjects: Subject[]): Promise<Map<string, number[]>> {
  const rows = await db.kysely
    .selectFrom('history')
    .select(['record_id', 'after_json'])
    .where(
      'record_id',
      'in',
      subjects.map((s) => s.id),
    )
    .where('change', 'in', ['create', 'update'])
    .orderBy('id')
    .execute();
  const versions = new Map<string, number[]>(subjects.map((s) => [s.id, []]));
  for (const row of rows)
    versions
      .get(row.record_id)!
      .push((JSON.parse(row.after_json ?? '{}') as { version?: number }).version ?? -1);
  return versions;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  const run = dialect === 'postgres' && !(await postgresReachable()) ? describe.skip : describe;
  run(`status-changing updates racing edits through a real server [${dialect}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'headway-race-'));
    let database: TestDatabase;
    let server: ServerProcess;

    beforeAll(async () => {
      database = await openServableTestDatabase(dialect, dir);
      server = await startServerProcess({ databaseUrl: database.url });
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      'accepts no stale save and writes each version once, in order, with one history row',
      async () => {
        const { db } = database;
        const config = readConfig({}, { actorName: 'Test Manager' });
        const manager = await signedInUser(db, config, 'admin', 'Race Manager');
        const owner = await signedInUser(db, config, 'contributor', 'Race Owner');
        const plan = await makePlan(db);
        await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, owner.user.id, 'contributor'));
        const subjects: Subject[] = [];
        for (let i = 0; i < actionsRaced; i++)
          subjects.push({ kind: 'action', id: (await makeAction(db, plan.id)).id });
        for (let i = 0; i < themesRaced; i++)
          subjects.push({ kind: 'theme', id: (await makeTheme(db, plan.id)).id });

        const base = `${server.url}/api/v1/plans/${plan.slug}`;
        const paths = subjects.map((s) => `${base}/${s.kind === 'action' ? 'actions' : 'themes'}/${s.id}`);
        const tally: Tally = { patches: 0, patchesRefused: 0, accepted: [], unexpected: [] };
        for (let round = 0; round < rounds; round++)
          await Promise.all(
            paths.map((path) => race(path, manager.authorization, owner.authorization, round, tally)),
          );

        // An accepted edit must have started from the record as stored: the manager's own history rows say what
        // each save replaced, and the status there must be the one the manager's form showed at that version.
        const replaced = await db.kysely
          .selectFrom('history')
          .select(['record_id', 'before_json'])
          .where('actor_id', '=', manager.user.id)
          .where('change', '=', 'update')
          .execute();
        const staleAccepted = tally.accepted.filter(
          (edit) =>
            !replaced.some((row) => {
              const before = JSON.parse(row.before_json ?? '{}') as Seen;
              return (
                row.record_id === edit.id &&
                before.version === edit.version &&
                (before.status ?? null) === (edit.status ?? null)
              );
            }),
        ).length;
        const versions = await versionsInHistory(db, subjects);
        const misnumbered = [...versions.entries()].filter(
          ([, list]) => !list.every((version, index) => version === index + 1),
        );
        const finals = await Promise.all(
          paths.map(async (path) => (await call(path, manager.authorization, 'GET')).json.version as number),
        );
        console.log(
          `[${dialect}] ${tally.patches} racing edits: ${tally.accepted.length} accepted, ` +
            `${tally.patchesRefused} refused as stale, ${staleAccepted} stale saves accepted; ` +
            `${misnumbered.length} of ${subjects.length} records with a history that skips or repeats a version`,
        );
        expect(tally.unexpected).toEqual([]);
        expect(staleAccepted).toBe(0);
        expect(misnumbered.map(([id, list]) => `${id}: ${list.join(',')}`)).toEqual([]);
        // The last version in the history is the record's version now: nothing was written without its row.
        expect(subjects.map((s) => versions.get(s.id)!.length)).toEqual(finals);
        // Both sides got through often enough for the race to mean something.
        expect(tally.accepted.length).toBeGreaterThan(rounds / 10);
      },
      10 * 60_000,
    );
  });
}
