import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { deleteAction, updateAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import { migrateToLatest, migrations } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { findOrCreateOwner } from '../owners/ownerCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeUpdate, testActor } from '../testing/factories.js';
import { spannedTypes } from './historySpans.js';
import { recordChanges } from './recordChange.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The spans as the history says they must be: each row of a spanned record superseded at its next row's moment. */
async function spansFromHistory(db: Db) {
  const rows = await db.kysely
    .selectFrom('history')
    .select(['id', 'plan_id', 'record_type', 'record_id', 'at'])
    .where('record_type', 'in', [...spannedTypes])
    .orderBy('id')
    .execute();
  return rows.map((row, i) => {
    const next = rows
      .slice(i + 1)
      .find((r) => r.record_type === row.record_type && r.record_id === row.record_id);
    return {
      history_id: Number(row.id),
      plan_id: row.plan_id,
      record_type: row.record_type,
      record_id: row.record_id,
      at: row.at,
      superseded_at: next?.at ?? null,
    };
  });
}

async function spansKept(db: Db) {
  const rows = await db.kysely.selectFrom('history_spans').selectAll().orderBy('history_id').execute();
  return rows.map((row) => ({ ...row, history_id: Number(row.history_id) }));
}

describeEachDatabase('when each row of history was superseded, kept beside the history', (current) => {
  it('ends each record’s row where its next one begins, in the change’s transaction, and its migration fills it the same', async () => {
    const db = current();
    let clock = Date.parse('2025-05-01T09:00:00.000Z');
    const tick = () => {
      clock += 3_600_000 + 17;
      vi.setSystemTime(clock);
    };
    tick();
    const plan = await makePlan(db, { title: 'Spans plan' });
    tick();
    const kept = await makeAction(db, plan.id, { title: 'Kept' });
    tick();
    const gone = await makeAction(db, plan.id, { title: 'Gone' });
    tick();
    // Two changes to one action in one transaction: the first is superseded the moment it was made.
    await inTransaction(db, async (trx) => {
      await updateAction(trx, testActor, plan.id, kept.id, 1, { status: 'in_progress' });
      await updateAction(trx, testActor, plan.id, kept.id, 2, { rag: 'red', ragReason: 'Supplier withdrew' });
    });
    tick();
    await makeUpdate(db, plan.id, { actionId: kept.id }, { body: 'Met the supplier' });
    tick();
    // Many changes written together, one record among them twice and one that is not spanned at all.
    await inTransaction(db, async (trx) => {
      await findOrCreateOwner(trx, testActor, `Corp Comms ${plan.id}`);
      await recordChanges(trx, testActor, [
        {
          recordType: 'action',
          recordId: gone.id,
          planId: plan.id,
          change: 'update',
          after: { ...gone, title: 'Gone soon' },
        },
        { recordType: 'user', recordId: 'someone', planId: null, change: 'sign-in', after: {} },
        { recordType: 'action', recordId: kept.id, planId: plan.id, change: 'update', after: kept },
        { recordType: 'action', recordId: gone.id, planId: plan.id, change: 'update', after: gone },
      ]);
    });
    tick();
    await inTransaction(db, (trx) => deleteAction(trx, testActor, plan.id, gone.id));
    tick();
    // A change that fails after writing its history leaves no span, and ends none.
    await expect(
      inTransaction(db, async (trx) => {
        await updateAction(trx, testActor, plan.id, kept.id, 3, { status: 'complete' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const expected = await spansFromHistory(db);
    const kept_ = await spansKept(db);
    expect(kept_).toEqual(expected);
    // Every record written here: one row of each never superseded, and the others superseded in turn.
    const ofKept = kept_.filter((span) => span.record_id === kept.id);
    expect(ofKept.map((span) => span.superseded_at === null)).toEqual([false, false, false, true]);
    expect(ofKept[1]!.superseded_at).toBe(ofKept[1]!.at);
    expect(kept_.some((span) => span.record_type === 'user')).toBe(false);
    expect(kept_.filter((span) => span.record_id === gone.id).length).toBe(4);

    // As a database was before the table: its migration makes it again from the history, the same.
    await db.kysely.schema.dropTable('history_spans').execute();
    await migrations(db.dialect)['022-history-spans']!.up(db.kysely as never);
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await spansKept(db)).toEqual(expected);
  });
});
