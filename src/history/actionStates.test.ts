import { expect, it } from 'vitest';
import { updateAction } from '../actions/actionCommands.js';
import { loadActionHistories } from '../dashboard/actionStates.js';
import { migrateToLatest, migrations } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { deleteAction } from '../actions/actionCommands.js';

describeEachDatabase('the actions’ states kept beside the history', (current) => {
  it('follows every change to an action in the change’s transaction, and its migration fills it from the history', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'States plan' });
    const kept = await makeAction(db, plan.id, { title: 'Kept', targetDate: 'end of June 2025' });
    const gone = await makeAction(db, plan.id, { title: 'Gone', status: 'in_progress' });
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, plan.id, kept.id, 1, {
        status: 'in_progress',
        rag: 'red',
        ragReason: 'Supplier withdrew',
        revisedTargetDate: 'September 2025',
        revisedReason: 'Waiting for the survey',
      }),
    );
    // An edit that moves none of the fields a state keeps adds no state.
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, plan.id, kept.id, 2, { progress: '<p>Met the supplier</p>' }),
    );
    await inTransaction(db, (trx) => deleteAction(trx, testActor, plan.id, gone.id));
    // A change that fails after writing its history leaves no state behind either.
    await expect(
      inTransaction(db, async (trx) => {
        await updateAction(trx, testActor, plan.id, kept.id, 3, { status: 'complete' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const states = (await loadActionHistories(db.kysely, [plan.id])).byAction;
    const summary = (id: string) =>
      states.get(id)!.states.map((s) => [s.deleted, s.status, s.rag, s.heldText, s.heldKind]);
    // The dashboard reads the date each state held the action to: the revised one once the date has moved.
    expect(summary(kept.id)).toEqual([
      [0, 'not_started', null, 'end of June 2025', 'date'],
      [0, 'in_progress', 'red', 'September 2025', 'date'],
    ]);
    expect(summary(gone.id)).toEqual([
      [0, 'in_progress', null, '', 'none'],
      [1, 'not_started', null, '', ''],
    ]);
    // The table keeps both dates.
    expect(
      await db.kysely
        .selectFrom('action_states')
        .select(['target_text', 'revised_text', 'revised_kind'])
        .where('action_id', '=', kept.id)
        .orderBy('id')
        .execute(),
    ).toEqual([
      { target_text: 'end of June 2025', revised_text: '', revised_kind: 'none' },
      { target_text: 'end of June 2025', revised_text: 'September 2025', revised_kind: 'date' },
    ]);

    // As a database was before the table: its migration makes it again from the history, the same.
    await db.kysely.schema.dropTable('action_states').execute();
    await migrations(db.dialect)['019-action-states']!.up(db.kysely as never);
    expect(await migrateToLatest(db)).toEqual([]);
    const rebuilt = (await loadActionHistories(db.kysely, [plan.id])).byAction;
    expect([...rebuilt.entries()].sort()).toEqual([...states.entries()].sort());
  });
});
