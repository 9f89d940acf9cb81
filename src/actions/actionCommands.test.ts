import { expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../errors.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { createAction, deleteAction, findAction, updateAction } from './actionCommands.js';

describeEachDatabase('action commands', (current) => {
  it('creates an action with its owners, parsed target date and a history record', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, {
      owners: ['Luke Baldock', 'Corp Comms'],
      targetDate: 'end of sept 21',
    });
    expect(action.owners).toEqual(['Luke Baldock', 'Corp Comms']);
    expect(action).toMatchObject({
      target_text: 'end of sept 21',
      target_kind: 'date',
      target_end: '2021-09-30',
      status: 'not_started',
    });
    const history = await db.kysely
      .selectFrom('history')
      .selectAll()
      .where('record_id', '=', action.id)
      .execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      change: 'create',
      actor: testActor.name,
      record_type: 'action',
      plan_id: plan.id,
    });
    expect(JSON.parse(history[0]!.after_json!)).toMatchObject({
      title: action.title,
      owners: ['Luke Baldock', 'Corp Comms'],
    });
  });

  it('reuses an owner whatever the case or spacing of the name', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeAction(db, plan.id, { owners: ['Stuart  Phoenix'] });
    await makeAction(db, plan.id, { owners: ['stuart phoenix'] });
    const owners = await db.kysely
      .selectFrom('owners')
      .selectAll()
      .where('name_key', '=', 'stuart phoenix')
      .execute();
    expect(owners).toHaveLength(1);
  });

  it('records the before and after of an edit and moves the version on', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Old title' });
    const saved = await db.kysely.transaction().execute((trx) =>
      updateAction(trx, testActor, plan.id, action.id, action.version, {
        title: 'New title',
        status: 'complete',
      }),
    );
    expect(saved.version).toBe(action.version + 1);
    expect(saved.completed_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const history = await db.kysely
      .selectFrom('history')
      .selectAll()
      .where('record_id', '=', action.id)
      .where('change', '=', 'update')
      .execute();
    expect(JSON.parse(history[0]!.before_json!).title).toBe('Old title');
    expect(JSON.parse(history[0]!.after_json!).title).toBe('New title');
  });

  it('refuses a stale save and leaves the stored action as it was', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'First' });
    await db.kysely
      .transaction()
      .execute((trx) => updateAction(trx, testActor, plan.id, action.id, 1, { title: 'Second' }));
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => updateAction(trx, testActor, plan.id, action.id, 1, { title: 'Third' })),
    ).rejects.toBeInstanceOf(ConflictError);
    const stored = await findAction(db.kysely, plan.id, action.id);
    expect(stored).toMatchObject({ title: 'Second', version: 2 });
  });

  it('keeps the original target date when it moves, and requires a reason', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { targetDate: 'End of April 2021' });
    await expect(
      db.kysely
        .transaction()
        .execute((trx) =>
          updateAction(trx, testActor, plan.id, action.id, 1, { revisedTargetDate: 'Sep-21' }),
        ),
    ).rejects.toMatchObject({ fieldErrors: { revisedReason: 'Enter the reason the target date moved' } });
    const moved = await db.kysely.transaction().execute((trx) =>
      updateAction(trx, testActor, plan.id, action.id, 1, {
        revisedTargetDate: 'Sep-21',
        revisedReason: 'Waiting for the survey results',
      }),
    );
    expect(moved).toMatchObject({
      target_text: 'End of April 2021',
      revised_target_text: 'Sep-21',
      revised_target_end: '2021-09-30',
      revised_reason: 'Waiting for the survey results',
    });
  });

  it('refuses a theme from another plan, naming the field, and writes nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    const foreignTheme = await makeTheme(db, other.id);
    const error = await db.kysely
      .transaction()
      .execute((trx) => createAction(trx, testActor, plan.id, { title: 'X', themeId: foreignTheme.id }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fieldErrors.themeId).toBe('Choose a theme of this plan');
    const count = await db.kysely
      .selectFrom('actions')
      .select(db.kysely.fn.countAll<number>().as('n'))
      .where('plan_id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('writes history in the same transaction: a rolled-back change leaves no history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const failure = new Error('stop after the change');
    let createdId = '';
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        createdId = (await createAction(trx, testActor, plan.id, { title: 'Never saved' })).id;
        throw failure;
      }),
    ).rejects.toBe(failure);
    const history = await db.kysely
      .selectFrom('history')
      .selectAll()
      .where('record_id', '=', createdId)
      .execute();
    expect(history).toHaveLength(0);
  });

  it('deletes an action with its updates and keeps both in the history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id);
    await db.kysely.transaction().execute((trx) => deleteAction(trx, testActor, plan.id, action.id));
    const left = await db.kysely.selectFrom('actions').selectAll().where('id', '=', action.id).execute();
    expect(left).toHaveLength(0);
    const history = await db.kysely
      .selectFrom('history')
      .select('change')
      .where('record_id', '=', action.id)
      .orderBy('id')
      .execute();
    expect(history.map((h) => h.change)).toEqual(['create', 'delete']);
  });

  it('stores rich text sanitised', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { progress: '<p>Done<script>alert(1)</script></p>' });
    expect(action.progress).toBe('<p>Done</p>');
  });
});
