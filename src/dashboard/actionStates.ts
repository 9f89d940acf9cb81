// What the dashboard's trend and movers need of an action at any moment, read from history in one statement: each
// row of an action's history reduced, in the database, to the few fields that tell its status, RAG and date.
import { sql } from 'kysely';
import { isPostgres } from '../search/searchIndex.js';
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

const fields = [
  'status',
  'rag',
  'target_text',
  'target_kind',
  'target_end',
  'revised_target_text',
  'revised_target_kind',
  'revised_target_end',
] as const;

interface StateRow {
  record_id: string;
  plan_id: string;
  at: string;
  change: string;
  state: string | null;
}

/**
 * Every row of history of the actions of these plans, each reduced to `fields` as a short JSON array: parsing every
 * action's whole record (its progress and reasons as rich text) in JavaScript is most of the time otherwise.
 */
export async function loadActionHistories(db: Reader, planIds: string[]): Promise<ActionHistories> {
  const byAction: ActionHistories['byAction'] = new Map();
  if (planIds.length === 0) return { byAction };
  const ids = sql.join(planIds.map((id) => sql`${id}`));
  // PostgreSQL reads only the named fields with json_to_record, four times quicker here than a cast to jsonb, which
  // builds the whole record first.
  const query = isPostgres(db)
    ? sql<StateRow>`select h.record_id, h.plan_id, h.at, h.change,
          case when h.after_json is null then null
            else json_build_array(${sql.raw(fields.map((f) => `r.${f}`).join(', '))})::text end as state
        from history h
        left join lateral json_to_record(h.after_json::json)
          as r(${sql.raw(fields.map((f) => `${f} text`).join(', '))}) on true
        where h.plan_id in (${ids}) and h.record_type = 'action'
        order by h.record_id, h.id`
    : sql<StateRow>`select record_id, plan_id, at, change,
          json_extract(after_json, ${sql.raw(fields.map((f) => `'$.${f}'`).join(', '))}) as state
        from history where plan_id in (${ids}) and record_type = 'action'
        order by record_id, id`;
  const { rows } = await query.execute(db);
  for (const row of rows) {
    let entry = byAction.get(row.record_id);
    if (!entry) {
      entry = { planId: row.plan_id, states: [] };
      byAction.set(row.record_id, entry);
    }
    entry.states.push(stateOf(row));
  }
  return { byAction };
}

function stateOf(row: StateRow): ActionState {
  const values = (row.state === null ? [] : JSON.parse(row.state)) as (string | null)[];
  const text = (i: number) => values[i] ?? '';
  return {
    at: row.at,
    deleted: row.change === 'delete' || row.state === null,
    status: (values[0] ?? 'not_started') as Status,
    rag: (values[1] ?? null) as Rag | null,
    targetText: text(2),
    targetKind: text(3),
    targetEnd: values[4] ?? null,
    revisedText: text(5),
    revisedKind: text(6),
    revisedEnd: values[7] ?? null,
  };
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
