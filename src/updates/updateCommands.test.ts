import { expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { updateAction } from '../actions/actionCommands.js';
import { todayIso } from '../dates/ukDate.js';
import { addDays } from '../dates/targetDate.js';
import type { Db } from '../db/connection.js';
import { deleteUpdate, editUpdate, postUpdate, postUpdates, type UpdateInput } from './updateCommands.js';

/** Posts an update on an action that the command must refuse, and gives the refusal. */
async function refusedPost(db: Db, planId: string, actionId: string, input: UpdateInput) {
  const error = await db.kysely
    .transaction()
    .execute((trx) => postUpdate(trx, testActor, planId, { actionId }, input))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describeEachDatabase('update commands', (current) => {
  it('posts a dated update that changes the action status, recording both changes', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { status: 'ongoing' });
    const update = await makeUpdate(
      db,
      plan.id,
      { actionId: action.id },
      { effectiveOn: '2021-08-07', body: 'Comms went out', statusChange: 'complete' },
    );
    expect(update).toMatchObject({
      effective_on: '2021-08-07',
      author: testActor.name,
      body: '<p>Comms went out</p>',
      status_change: 'complete',
    });
    const stored = await db.kysely
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'complete', completed_on: '2021-08-07', version: 2 });
    const history = await db.kysely
      .selectFrom('history')
      .select(['record_type', 'change'])
      .where('plan_id', '=', plan.id)
      .orderBy('id')
      .execute();
    expect(history.slice(-2)).toEqual([
      { record_type: 'update', change: 'create' },
      { record_type: 'action', change: 'update' },
    ]);
  });

  it('takes many status-changing updates on one action at once, each moving it one version', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id);
    const moves = ['in_progress', 'ongoing', 'complete', 'cancelled'] as const;
    // Each update moves the status away from the one before it, so every one of them changes the action.
    const posted = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        db.kysely.transaction().execute(async (trx) => {
          const { status } = await trx
            .selectFrom('actions')
            .select('status')
            .where('id', '=', action.id)
            .executeTakeFirstOrThrow();
          const next = moves.filter((m) => m !== status)[i % 3]!;
          return postUpdate(
            trx,
            testActor,
            plan.id,
            { actionId: action.id },
            { body: `${i}`, statusChange: next },
          );
        }),
      ),
    );
    expect(
      posted.filter((p) => p.status === 'rejected').map((p) => String((p as PromiseRejectedResult).reason)),
    ).toEqual([]);
    const history = await db.kysely
      .selectFrom('history')
      .select('after_json')
      .where('record_id', '=', action.id)
      .orderBy('id')
      .execute();
    const versions = history.map((row) => (JSON.parse(row.after_json!) as { version: number }).version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    const stored = await db.kysely
      .selectFrom('actions')
      .select('version')
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored.version).toBe(versions.length);
  });

  it('dates completion by the same rule whether an edit or a dated update completes the action', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { status: 'ongoing' });
    const stored = () =>
      db.kysely
        .selectFrom('actions')
        .select(['status', 'completed_on', 'version'])
        .where('id', '=', action.id)
        .executeTakeFirstOrThrow();
    const edit = (input: Parameters<typeof updateAction>[5]) =>
      stored().then(({ version }) =>
        db.kysely
          .transaction()
          .execute((trx) => updateAction(trx, testActor, plan.id, action.id, version, input)),
      );
    const subject = { actionId: action.id };
    await makeUpdate(db, plan.id, subject, { effectiveOn: '2021-08-07', statusChange: 'complete' });
    expect(await stored()).toMatchObject({ status: 'complete', completed_on: '2021-08-07' });
    // Kept while it stays complete, whichever way it is touched.
    await edit({ title: 'Renamed' });
    await makeUpdate(db, plan.id, subject, { effectiveOn: '2021-09-01', statusChange: 'complete' });
    expect(await stored()).toMatchObject({ status: 'complete', completed_on: '2021-08-07' });
    // Reopened by an update: cleared, as an edit reopening it clears it.
    await makeUpdate(db, plan.id, subject, { effectiveOn: '2021-09-02', statusChange: 'in_progress' });
    expect(await stored()).toMatchObject({ status: 'in_progress', completed_on: null });
    await edit({ status: 'complete' });
    expect((await stored()).completed_on).toBe(todayIso());
    await edit({ status: 'ongoing' });
    expect((await stored()).completed_on).toBeNull();
  });

  it('posts an update on a theme (focus area) and moves its status', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { lead: 'Stuart Phoenix' });
    await makeUpdate(
      db,
      plan.id,
      { themeId: theme.id },
      { effectiveOn: '2021-08-12', statusChange: 'ongoing' },
    );
    const stored = await db.kysely
      .selectFrom('themes')
      .selectAll()
      .where('id', '=', theme.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('ongoing');
  });

  it('refuses an empty update or an impossible date, naming the fields', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id);
    const error = await refusedPost(db, plan.id, action.id, { body: '  ', effectiveOn: '2021-02-30' });
    expect(Object.keys(error.fieldErrors).sort()).toEqual(['body', 'effectiveOn']);
  });

  it('refuses an update dated after today through the command every door uses, and writes nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { status: 'ongoing' });
    const error = await refusedPost(db, plan.id, action.id, {
      body: 'Done next week',
      effectiveOn: addDays(todayIso(), 1),
      statusChange: 'complete',
    });
    expect(error.fieldErrors).toEqual({
      effectiveOn: 'The date of the update must be today or in the past',
    });
    expect(
      await db.kysely.selectFrom('updates').select('id').where('action_id', '=', action.id).execute(),
    ).toEqual([]);
    const stored = await db.kysely
      .selectFrom('actions')
      .select('status')
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('ongoing');
    // Today itself is allowed.
    const today = await makeUpdate(
      db,
      plan.id,
      { actionId: action.id },
      { effectiveOn: todayIso(), body: 'Done today' },
    );
    expect(today.effective_on).toBe(todayIso());
    // A document being imported keeps its dated entries as written, even one dated ahead.
    const [imported] = await db.kysely.transaction().execute((trx) =>
      postUpdates(trx, testActor, plan.id, [
        {
          subject: { actionId: action.id },
          input: { body: 'Planned', effectiveOn: addDays(todayIso(), 30) },
        },
      ]),
    );
    expect(imported!.effective_on).toBe(addDays(todayIso(), 30));
  });

  it('refuses an update on an action of another plan', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    const action = await makeAction(db, other.id);
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => postUpdate(trx, testActor, plan.id, { actionId: action.id }, { body: 'x' })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('corrects an update only from its current version', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id);
    const update = await makeUpdate(db, plan.id, { actionId: action.id }, { body: 'Frist draft' });
    const fixed = await db.kysely
      .transaction()
      .execute((trx) => editUpdate(trx, testActor, plan.id, update.id, 1, { body: 'First draft' }));
    expect(fixed).toMatchObject({ body: '<p>First draft</p>', version: 2 });
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => editUpdate(trx, testActor, plan.id, update.id, 1, { body: 'Again' })),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('deletes an update and records it', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id);
    const update = await makeUpdate(db, plan.id, { actionId: action.id });
    await db.kysely.transaction().execute((trx) => deleteUpdate(trx, testActor, plan.id, update.id));
    const history = await db.kysely
      .selectFrom('history')
      .select('change')
      .where('record_id', '=', update.id)
      .orderBy('id')
      .execute();
    expect(history.map((h) => h.change)).toEqual(['create', 'delete']);
  });
});
