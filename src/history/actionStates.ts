// Each change to an action reduced to what the dashboard's trend and movers read (status, RAG, dates), kept beside
// the history in the same transaction: reading these few columns is many times quicker than parsing every action's
// whole record from the history's JSON. Derived from the history, so a restore and its migration rebuild it. Each row
// also says when the next state of its action superseded it, so a count at any moment picks each action's state there
// in SQL (`at <= moment < superseded_at`) rather than reading every state to pick it.
import type { Kysely } from 'kysely';
import { insertRows } from '../db/insertRows.js';
import type { ActionStateTable, Database } from '../db/schema.js';
import type { Change, Trx } from './recordChange.js';

type Row = Omit<ActionStateTable, 'id' | 'superseded_at'>;

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
  const rows: Row[] = [];
  // The actions, by plan, whose state before this one is now superseded. A created action has none (its id is new),
  // so an import of thousands marks nothing; nor does an edit that moved none of a state's fields.
  const byPlan = new Map<string, Set<string>>();
  for (const change of changes) {
    const row = change.recordType === 'action' ? actionStateRow(change, at) : null;
    if (!row) continue;
    rows.push(row);
    if (change.change === 'create') continue;
    const actions = byPlan.get(row.plan_id) ?? new Set();
    actions.add(row.action_id);
    byPlan.set(row.plan_id, actions);
  }
  await insertRows(trx, 'action_states', rows);
  for (const [planId, actions] of byPlan) {
    const ids = [...actions];
    for (let i = 0; i < ids.length; i += idsPerStatement)
      await markSuperseded(trx, { planId, actionIds: ids.slice(i, i + idsPerStatement) });
  }
}

/** Ids in one `in (...)` list: well under SQLite's 32,766 variables. */
const idsPerStatement = 1000;

/**
 * Gives each state still standing that a later one has followed (in the table's order, within its plan) the time of
 * the one that followed it: of these actions of one plan, or of every action. The history is written in time order,
 * so an action's states stand one after another, never two at once.
 */
export async function markSuperseded(
  db: Kysely<Database>,
  only?: { planId: string; actionIds: string[] },
): Promise<void> {
  let query = db
    .updateTable('action_states')
    .set((eb) => ({
      superseded_at: eb
        .selectFrom('action_states as next')
        .select('next.at')
        .whereRef('next.plan_id', '=', 'action_states.plan_id')
        .whereRef('next.action_id', '=', 'action_states.action_id')
        .whereRef('next.id', '>', 'action_states.id')
        .orderBy('next.id')
        .limit(1),
    }))
    .where('superseded_at', 'is', null);
  if (only) query = query.where('plan_id', '=', only.planId).where('action_id', 'in', only.actionIds);
  await query.execute();
}

/** Fills the table from the history and marks when each state was superseded: a restore runs this. */
export async function rebuildActionStates(db: Kysely<Database>): Promise<void> {
  await fillActionStates(db);
  await markSuperseded(db);
}

/**
 * Fills the table from the history, in the history's order, without the time each state was superseded: the
 * migration that made the table runs this, before the one that added that column.
 */
export async function fillActionStates(db: Kysely<Database>): Promise<void> {
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
