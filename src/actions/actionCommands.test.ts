import { describe, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { describeEachDatabase, openTestDatabase, postgresReachable } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import {
  createAction,
  completionDate,
  createActions,
  deleteAction,
  findAction,
  updateAction,
  type ActionInput,
} from './actionCommands.js';

/** Actions as an import brings them: owners shared between rows and spelled differently, rich text, dates. */
function importedActions(count: number, themeId: string | null): ActionInput[] {
  return Array.from({ length: count }, (_, i) => ({
    ref: `${i + 1}`,
    title: `Imported action ${i + 1}`,
    owners: i % 3 === 0 ? [`Owner ${i % 4}`, 'corp  comms', 'Corp Comms'] : [`owner ${i % 4}`],
    themeId,
    progress: `<p>Step ${i + 1} &amp; "more" – café</p>`,
    targetDate: i % 2 === 0 ? 'end of sept 21' : 'Ongoing',
    status: i % 5 === 0 ? 'complete' : 'in_progress',
  }));
}

const historyOf = (db: Db, recordType: 'action' | 'owner') =>
  db.kysely
    .selectFrom('history')
    .select(['record_id', 'change', 'after_json'])
    .where('record_type', '=', recordType)
    .orderBy('id')
    .execute();

describe('the completion date rule', () => {
  it('dates completion the day the change takes effect, keeps it while complete and clears it on reopening', () => {
    expect(completionDate('complete', null, undefined, '2021-08-07')).toBe('2021-08-07');
    expect(completionDate('complete', '2021-07-01', undefined, '2021-08-07')).toBe('2021-07-01');
    expect(completionDate('in_progress', '2021-07-01', undefined, '2021-08-07')).toBeNull();
    expect(completionDate('cancelled', null, undefined, '2021-08-07')).toBeNull();
  });

  it('lets a date given stand, whatever the status', () => {
    expect(completionDate('complete', '2021-07-01', '2021-06-30', '2021-08-07')).toBe('2021-06-30');
    expect(completionDate('complete', '2021-07-01', null, '2021-08-07')).toBeNull();
  });
});

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

describeEachDatabase('creating many actions at once', (current) => {
  it('saves each action, its owners and its history as creating them one at a time does', async () => {
    const db = current();
    const [one, many] = [await makePlan(db), await makePlan(db)];
    const [oneTheme, manyTheme] = [await makeTheme(db, one.id), await makeTheme(db, many.id)];
    const singly: Awaited<ReturnType<typeof makeAction>>[] = [];
    for (const input of importedActions(7, oneTheme.id)) singly.push(await makeAction(db, one.id, input));
    const ownersBefore = (await historyOf(db, 'owner')).length;
    const together = await db.kysely
      .transaction()
      .execute((trx) => createActions(trx, testActor, many.id, importedActions(7, manyTheme.id)));

    const comparable = (action: (typeof singly)[number]) => {
      const { id: _id, plan_id: _plan, theme_id: _theme, created_at: _c, updated_at: _u, ...rest } = action;
      return rest;
    };
    expect(together.map(comparable)).toEqual(singly.map(comparable));
    expect(together[0]!.owners).toEqual(['Owner 0', 'corp comms']);
    const stored = await Promise.all(together.map((action) => findAction(db.kysely, many.id, action.id)));
    expect(stored).toEqual(together);
    // The owners were all made by the one-at-a-time plan; the batch found them and added none.
    expect((await historyOf(db, 'owner')).length).toBe(ownersBefore);
    const history = (await historyOf(db, 'action')).filter((h) => together.some((a) => a.id === h.record_id));
    expect(history.map((h) => h.change)).toEqual(together.map(() => 'create'));
    expect(history.map((h) => JSON.parse(h.after_json!))).toEqual(together);
  });

  it('adds each new owner once, with a history record, in the order first named', async () => {
    const db = current();
    const plan = await makePlan(db);
    const before = (await historyOf(db, 'owner')).length;
    await db.kysely.transaction().execute((trx) =>
      createActions(trx, testActor, plan.id, [
        { title: 'First', owners: ['Zoe Batch', 'Batch Team'] },
        { title: 'Second', owners: ['batch  team', 'Yusuf Batch'] },
      ]),
    );
    const added = (await historyOf(db, 'owner')).slice(before);
    expect(added.map((h) => [h.change, JSON.parse(h.after_json!).name])).toEqual([
      ['create', 'Zoe Batch'],
      ['create', 'Batch Team'],
      ['create', 'Yusuf Batch'],
    ]);
  });

  it('refuses the batch at its first invalid action, naming the row, and writes nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const inputs = [...importedActions(3, null), { title: '', owners: ['Never Added'] }];
    const error = await db.kysely
      .transaction()
      .execute((trx) => createActions(trx, testActor, plan.id, inputs))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/^Action 4 \(\): /);
    const actions = await db.kysely
      .selectFrom('actions')
      .select('id')
      .where('plan_id', '=', plan.id)
      .execute();
    expect(actions).toEqual([]);
    const owner = await db.kysely
      .selectFrom('owners')
      .select('id')
      .where('name', '=', 'Never Added')
      .execute();
    expect(owner).toEqual([]);
  });
});

describe('creating many actions at once: statements', () => {
  for (const dialect of ['sqlite', 'postgres'] as const)
    it(`runs the same number of statements for 20 actions as for 1,200 [${dialect}]`, async (context) => {
      if (dialect === 'postgres' && !(await postgresReachable())) return context.skip();
      let statements = 0;
      const test = await openTestDatabase(dialect, { onQuery: () => (statements += 1) });
      try {
        const counts: number[] = [];
        for (const size of [20, 1200]) {
          const plan = await makePlan(test.db);
          statements = 0;
          await test.db.kysely
            .transaction()
            .execute((trx) => createActions(trx, testActor, plan.id, importedActions(size, null)));
          counts.push(statements);
        }
        // 1,200 actions fill three statements of a table where 20 fill one (the actions, their history and its
        // spans, the states, the owners' links): a few more, not hundreds.
        expect(counts[1]! - counts[0]!).toBeLessThanOrEqual(10);
      } finally {
        await test.close();
      }
    });
});
