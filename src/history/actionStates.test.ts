import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { updateAction } from '../actions/actionCommands.js';
import { heldColumns } from '../dashboard/actionStates.js';
import type { Db } from '../db/connection.js';
import { migrateToLatest, migrations } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { deleteAction } from '../actions/actionCommands.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Each action's states in the plan, oldest first, as the dashboard reads them. */
async function statesOf(db: Db, planId: string) {
  const rows = await db.kysely
    .selectFrom('action_states')
    .select([
      'action_id',
      'at',
      'superseded_at',
      'deleted',
      'status',
      'rag',
      ...heldColumns('action_states', 'revised', 'held'),
    ])
    .where('plan_id', '=', planId)
    .orderBy('action_id')
    .orderBy('id')
    .execute();
  const byAction = new Map<string, typeof rows>();
  for (const row of rows) byAction.set(row.action_id, [...(byAction.get(row.action_id) ?? []), row]);
  return byAction;
}

describeEachDatabase('the actions’ states kept beside the history', (current) => {
  it('follows every change to an action in the change’s transaction, and its migrations fill it from the history', async () => {
    const db = current();
    vi.setSystemTime(Date.parse('2026-01-10T09:00:00.000Z'));
    const plan = await makePlan(db, { title: 'States plan' });
    const kept = await makeAction(db, plan.id, { title: 'Kept', targetDate: 'end of June 2025' });
    const gone = await makeAction(db, plan.id, { title: 'Gone', status: 'in_progress' });
    vi.setSystemTime(Date.parse('2026-02-05T10:00:00.000Z'));
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
    vi.setSystemTime(Date.parse('2026-03-01T11:00:00.000Z'));
    await inTransaction(db, (trx) => deleteAction(trx, testActor, plan.id, gone.id));
    // A change that fails after writing its history leaves no state behind either.
    await expect(
      inTransaction(db, async (trx) => {
        await updateAction(trx, testActor, plan.id, kept.id, 3, { status: 'complete' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const states = await statesOf(db, plan.id);
    const summary = (id: string) =>
      states.get(id)!.map((s) => [s.at, s.superseded_at, s.deleted, s.status, s.rag, s.heldText, s.heldKind]);
    // The dashboard reads the date each state held the action to: the revised one once the date has moved; and when
    // each state stood, until the next one superseded it.
    expect(summary(kept.id)).toEqual([
      [
        '2026-01-10T09:00:00.000Z',
        '2026-02-05T10:00:00.000Z',
        0,
        'not_started',
        null,
        'end of June 2025',
        'date',
      ],
      ['2026-02-05T10:00:00.000Z', null, 0, 'in_progress', 'red', 'September 2025', 'date'],
    ]);
    expect(summary(gone.id)).toEqual([
      ['2026-01-10T09:00:00.000Z', '2026-03-01T11:00:00.000Z', 0, 'in_progress', null, '', 'none'],
      ['2026-03-01T11:00:00.000Z', null, 1, 'not_started', null, '', ''],
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

    // As a database was before the table: its migrations make it again from the history, the same.
    await db.kysely.schema.dropTable('action_states').execute();
    await migrations(db.dialect)['019-action-states']!.up(db.kysely as never);
    await migrations(db.dialect)['021-action-states-superseded']!.up(db.kysely as never);
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await statesOf(db, plan.id)).toEqual(states);
  });
});
