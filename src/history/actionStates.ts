// Each change to an action reduced to what the dashboard's trend and movers read (status, RAG, dates), kept beside
// the history in the same transaction: reading these few columns is many times quicker than parsing every action's
// whole record from the history's JSON. Derived from the history, so a restore and its migration rebuild it.
import type { Kysely } from 'kysely';
import { insertRows } from '../db/insertRows.js';
import type { ActionStateTable, Database } from '../db/schema.js';
import type { Change, Trx } from './recordChange.js';

type Row = Omit<ActionStateTable, 'id'>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const textOrNull = (value: unknown) => (typeof value === 'string' ? value : null);

/** The fields of an action a state keeps. */
const stateFields = [
  'status',
  'rag',
  'target_text',
  'target_kind',
  'target_end',
  'revised_target_text',
  'revised_target_kind',
  'revised_target_end',
] as const;

/**
 * The state a change left an action in (a deletion leaves none), or null for a change that moved none of the fields a
 * state keeps (an edit of its progress, say): the state before it still stands, and the table stays short.
 */
export function actionStateRow(
  change: Pick<Change, 'recordId' | 'planId' | 'change' | 'before' | 'after'>,
  at: string,
): Row | null {
  if (change.planId === null) return null;
  const after = (change.change === 'delete' ? null : change.after) as
    Record<string, unknown> | null | undefined;
  const before = change.before as Record<string, unknown> | null | undefined;
  if (
    change.change === 'update' &&
    before &&
    after &&
    stateFields.every((field) => before[field] === after[field])
  )
    return null;
  return {
    action_id: change.recordId,
    plan_id: change.planId,
    at,
    deleted: after ? 0 : 1,
    status: text(after?.status) || 'not_started',
    rag: textOrNull(after?.rag),
    target_text: text(after?.target_text),
    target_kind: text(after?.target_kind),
    target_end: textOrNull(after?.target_end),
    revised_text: text(after?.revised_target_text),
    revised_kind: text(after?.revised_target_kind),
    revised_end: textOrNull(after?.revised_target_end),
  };
}

/** Writes the states of the action changes among these, in their order, in the change's transaction. */
export async function writeActionStates(trx: Trx, changes: Change[], at: string): Promise<void> {
  const rows = changes
    .filter((change) => change.recordType === 'action')
    .flatMap((change) => actionStateRow(change, at) ?? []);
  await insertRows(trx, 'action_states', rows);
}

/** Fills the table from the history, in the history's order: its migration and a restore run this. */
export async function rebuildActionStates(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('action_states').execute();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('history')
      .select(['id', 'record_id', 'plan_id', 'change', 'at', 'before_json', 'after_json'])
      .where('record_type', '=', 'action')
      .where('id', '>', after)
      .orderBy('id')
      .limit(2000)
      .execute();
    if (rows.length === 0) return;
    const states = rows.flatMap(
      (row) =>
        actionStateRow(
          {
            recordId: row.record_id,
            planId: row.plan_id,
            change: row.change,
            before: row.before_json ? (JSON.parse(row.before_json) as unknown) : null,
            after: row.after_json ? (JSON.parse(row.after_json) as unknown) : null,
          },
          row.at,
        ) ?? [],
    );
    await insertRows(db as Trx, 'action_states', states);
    after = Number(rows.at(-1)!.id);
  }
}
