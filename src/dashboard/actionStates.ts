// What the dashboard's trend and movers need of an action at any moment: its status, RAG and the date it was held to
// after each change, kept beside the history (src/history/actionStates.ts) and read in one statement a plan.
import { sql, type RawBuilder } from 'kysely';
import type { Rag, Status } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';

/** An action as one row of its history left it, read as it is stored: no copy is made of thousands of rows. */
export interface ActionState {
  at: string;
  /** 1 where the record was deleted, else 0. */
  deleted: number;
  status: Status;
  rag: Rag | null;
  /** The date the action was held to: the revised one where the date had moved (as effectiveTarget), as written. */
  heldKind: string;
  heldEnd: string | null;
  heldText: string;
}

/** Each action's history, oldest first, keyed by the action's id, with the plan it is in. */
export interface ActionHistories {
  byAction: Map<string, { planId: string; states: ActionState[] }>;
}

/**
 * The held date chosen in the statement, as `heldKind`, `heldEnd` and `heldText`: three short columns for six, as
 * reading thousands of rows costs by the value. `revised` names the revised date's columns: the actions' own table
 * calls them revised_target_text and so on, the states' table revised_text.
 */
export function heldColumns(revised: 'revised_target' | 'revised') {
  const pick = (field: 'kind' | 'end' | 'text') =>
    sql`case when ${sql.ref(`${revised}_text`)} <> '' then ${sql.ref(`${revised}_${field}`)} else ${sql.ref(`target_${field}`)} end`;
  return [
    (pick('kind') as RawBuilder<string>).as('heldKind'),
    (pick('end') as RawBuilder<string | null>).as('heldEnd'),
    (pick('text') as RawBuilder<string>).as('heldText'),
  ];
}

/**
 * Every state of the actions of these plans, oldest first, from the states kept beside the history as each change was
 * made (src/history/actionStates.ts): a few short columns, where the history holds each action's whole record.
 */
export async function loadActionHistories(db: Reader, planIds: string[]): Promise<ActionHistories> {
  const byAction: ActionHistories['byAction'] = new Map();
  // A statement a plan, so no row repeats the plan's id.
  const plans = await Promise.all(
    planIds.map(async (planId) => ({
      planId,
      states: (await db
        .selectFrom('action_states')
        .select(['action_id', 'at', 'deleted', 'status', 'rag', ...heldColumns('revised')])
        .where('plan_id', '=', planId)
        .orderBy('action_id')
        .orderBy('id')
        .execute()) as (ActionState & { action_id: string })[],
    })),
  );
  for (const { planId, states } of plans) {
    // Ordered by action: each action's states come together.
    let actionId: string | null = null;
    let ofAction: ActionState[] = [];
    for (const state of states) {
      if (state.action_id !== actionId) {
        actionId = state.action_id;
        ofAction = [];
        byAction.set(actionId, { planId, states: ofAction });
      }
      ofAction.push(state);
    }
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
  return found && found.deleted === 0 ? found : null;
}
