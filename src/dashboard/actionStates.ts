// What the dashboard's trend and movers need of an action at a moment: its status, RAG and the date it was held to,
// from the states kept beside the history (src/history/actionStates.ts), each picked in SQL as it stood then.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Rag, Status } from '../db/schema.js';

/** An action's status, RAG and held date, as it stands or as one of its states left it. */
export interface ActionState {
  status: Status;
  rag: Rag | null;
  /** The date the action was held to: the revised one where the date had moved (as effectiveTarget), as written. */
  heldKind: string;
  heldEnd: string | null;
  heldText: string;
}

/**
 * A field of the date an action was held to, chosen in the statement: reading thousands of rows costs by the value, so
 * three short columns are read for six. `revised` names the revised date's columns of `table`: the actions' own table
 * calls them revised_target_text and so on, the states' table revised_text.
 */
export function heldDate<T>(
  table: string,
  revised: 'revised_target' | 'revised',
  field: 'kind' | 'end' | 'text',
) {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  return sql<T>`case when ${column(`${revised}_text`)} <> '' then ${column(`${revised}_${field}`)} else ${column(`target_${field}`)} end`;
}

/** The held date's three fields, named with `prefix` (heldKind, heldEnd, heldText). */
export function heldColumns<P extends string>(
  table: string,
  revised: 'revised_target' | 'revised',
  prefix: P,
) {
  return [
    (heldDate(table, revised, 'kind') as RawBuilder<string>).as(`${prefix}Kind`),
    (heldDate(table, revised, 'end') as RawBuilder<string | null>).as(`${prefix}End`),
    (heldDate(table, revised, 'text') as RawBuilder<string>).as(`${prefix}Text`),
  ];
}

/**
 * Whether the state in `table` was the one its action stood in at `at` (an instant, or a column of instants): each
 * state stands from its own time until the next one's, and a deletion leaves none standing.
 */
export function stoodAt(table: string, at: string | RawBuilder<unknown>): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  return sql<SqlBool>`(${column('at')} <= ${at} and (${column('superseded_at')} is null or ${column('superseded_at')} > ${at}) and ${column('deleted')} = 0)`;
}
