// What the dashboard's trend and movers need of an action at any moment: its status, RAG and dates after each change,
// kept beside the history (src/history/actionStates.ts) and read in one statement.
import type { Rag, Status } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';

/** An action as one row of its history left it: null fields where the record was deleted. */
export interface ActionState {
  at: string;
  deleted: boolean;
  status: Status;
  rag: Rag | null;
  targetText: string;
  targetKind: string;
  targetEnd: string | null;
  revisedText: string;
  revisedKind: string;
  revisedEnd: string | null;
}

/** Each action's history, oldest first, keyed by the action's id, with the plan it is in. */
export interface ActionHistories {
  byAction: Map<string, { planId: string; states: ActionState[] }>;
}

/**
 * Every state of the actions of these plans, oldest first, from the states kept beside the history as each change was
 * made (src/history/actionStates.ts): a few short columns, where the history holds each action's whole record.
 */
export async function loadActionHistories(db: Reader, planIds: string[]): Promise<ActionHistories> {
  const byAction: ActionHistories['byAction'] = new Map();
  if (planIds.length === 0) return { byAction };
  const rows = await db
    .selectFrom('action_states')
    .selectAll()
    .where('plan_id', 'in', planIds)
    .orderBy('plan_id')
    .orderBy('action_id')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    let entry = byAction.get(row.action_id);
    if (!entry) {
      entry = { planId: row.plan_id, states: [] };
      byAction.set(row.action_id, entry);
    }
    entry.states.push({
      at: row.at,
      deleted: Number(row.deleted) === 1,
      status: row.status as Status,
      rag: row.rag as Rag | null,
      targetText: row.target_text,
      targetKind: row.target_kind,
      targetEnd: row.target_end,
      revisedText: row.revised_text,
      revisedKind: row.revised_kind,
      revisedEnd: row.revised_end,
    });
  }
  return { byAction };
}

/** The state an action's history had reached by `at` (its last row then), or null if it did not stand then. */
export function stateAt(states: ActionState[], at: string): ActionState | null {
  let found: ActionState | null = null;
  for (const state of states) {
    if (state.at > at) break;
    found = state;
  }
  return found && !found.deleted ? found : null;
}

/** The date an action was held to in this state: the revised one where the date had moved (as effectiveTarget). */
export function heldToTarget(state: ActionState): { kind: string; end: string | null; text: string } {
  return state.revisedText !== ''
    ? { kind: state.revisedKind, end: state.revisedEnd, text: state.revisedText }
    : { kind: state.targetKind, end: state.targetEnd, text: state.targetText };
}
