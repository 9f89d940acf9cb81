import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { updateAction } from '../actions/actionCommands.js';
import { ConflictError } from '../errors.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { updatePlan } from './planCommands.js';

/**
 * On PostgreSQL, until the delete is held up by the edit's lock (whether before reading the plan or before deleting
 * its actions); SQLite runs one transaction at a time, so there the delete simply waits its turn.
 */
async function waitForTheDeleteToMeetTheEdit(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') return new Promise((resolve) => setTimeout(resolve, 300));
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db.kysely);
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The delete never reached the edit');
}

describeEachDatabase('plan commands', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('gives each action of a removed horizon a new version and a row of history', async () => {
    const db = current();
    const plan = await makePlan(db, { horizons: ['Short term', 'Medium term'] });
    const horizon = await db.kysely
      .selectFrom('horizons')
      .select('id')
      .where('plan_id', '=', plan.id)
      .where('name', '=', 'Medium term')
      .executeTakeFirstOrThrow();
    const action = await makeAction(db, plan.id, { horizonId: horizon.id, owners: ['Corp Comms'] });
    await db.kysely
      .transaction()
      .execute((trx) => updatePlan(trx, testActor, plan.id, 1, { horizons: ['Short term'] }));
    const rows = await db.kysely
      .selectFrom('history')
      .select('after_json')
      .where('record_id', '=', action.id)
      .orderBy('id')
      .execute();
    const afters = rows.map((row) => JSON.parse(row.after_json!) as Record<string, unknown>);
    expect(afters.map((after) => after.version)).toEqual([1, 2]);
    expect(afters[1]).toMatchObject({ horizon_id: null, owners: ['Corp Comms'] });
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => updateAction(trx, testActor, plan.id, action.id, 1, { title: 'Opened before' })),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps in the history the plan exactly as deleted, even with an edit still being saved as it is deleted', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Doomed plan' });
    const action = await makeAction(db, plan.id, { title: 'As first written' });
    let saving!: () => void;
    const saved = new Promise<void>((resolve) => (saving = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // An edit is under way (written, not yet committed) when the delete arrives.
    const edit = db.kysely.transaction().execute(async (trx) => {
      await updateAction(trx, testActor, plan.id, action.id, 1, { title: 'Edited as the plan was deleted' });
      saving();
      await released;
    });
    await saved;
    // Promise.resolve starts the request now; inject alone waits until it is awaited.
    const deleting = Promise.resolve(app.inject({ method: 'DELETE', url: `/api/v1/plans/${plan.slug}` }));
    await waitForTheDeleteToMeetTheEdit(db);
    release();
    await edit;
    expect((await deleting).statusCode).toBe(204);
    const history = await db.kysely
      .selectFrom('history')
      .select('before_json')
      .where('record_id', '=', plan.id)
      .where('change', '=', 'delete')
      .executeTakeFirstOrThrow();
    const snapshot = JSON.parse(history.before_json!) as { actions: { title: string; version: number }[] };
    expect(snapshot.actions.map((a) => [a.title, a.version])).toEqual([
      ['Edited as the plan was deleted', 2],
    ]);
  });
});
