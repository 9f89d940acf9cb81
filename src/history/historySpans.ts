// Each row of history of the records a plan as at a date is rebuilt from, with the moment the record's next row
// superseded it, kept beside the history in the same transaction. The rows that stood at a moment are then those whose
// span holds it, found in an index, where grouping every row up to the moment by record read most of the plan's wide
// rows of history. Derived from the history, so its migration and a restore rebuild it.
import { sql, type Kysely } from 'kysely';
import { insertRows } from '../db/insertRows.js';
import type { Database, HistorySpanTable } from '../db/schema.js';
import type { Trx } from './recordChange.js';

/** The records whose history the plan as at a date reads (src/history/planAsAt.ts): a plan's, and the owners'. */
export const spannedTypes = ['plan', 'horizon', 'theme', 'action', 'update', 'owner'] as const;

const spanned = new Set<string>(spannedTypes);

/** A row of history as just written: its id and what it is about. */
export type WrittenRow = Omit<HistorySpanTable, 'history_id' | 'superseded_at'> & {
  id: number;
  change: string;
};

/**
 * Writes the spans of these rows of history, written in this order in the change's transaction, after every row before
 * them: each row before them of one of their records is superseded where that record's first row here begins, and each
 * row here by the record's next row here.
 */
export async function writeHistorySpans(trx: Trx, rows: WrittenRow[]): Promise<void> {
  const written = rows.filter((row) => spanned.has(row.record_type));
  if (written.length === 0) return;
  const key = (row: WrittenRow) => `${row.record_type}\u0000${row.record_id}`;
  const next = new Map<string, string>();
  const spans: HistorySpanTable[] = [];
  for (let i = written.length - 1; i >= 0; i--) {
    const row = written[i]!;
    spans.push({
      history_id: row.id,
      plan_id: row.plan_id,
      record_type: row.record_type,
      record_id: row.record_id,
      at: row.at,
      superseded_at: next.get(key(row)) ?? null,
    });
    next.set(key(row), row.at);
  }
  spans.reverse();
  // `next` now holds each record's first row here: the rows before end there. A change's rows share one moment, so
  // this is one statement a type.
  const ending = new Map<string, { type: string; at: string; ids: Set<string> }>();
  // A record's first row here that creates it supersedes none: so an import of a thousand new actions runs no search
  // for rows to end. Should an id come back after its deletion, the plan as at a date takes the later row, by its id.
  const first = new Set<string>();
  for (const row of written) {
    if (first.has(key(row))) continue;
    first.add(key(row));
    if (row.change === 'create') continue;
    const at = next.get(key(row))!;
    const group = `${row.record_type}\u0000${at}`;
    const found = ending.get(group) ?? { type: row.record_type, at, ids: new Set<string>() };
    found.ids.add(row.record_id);
    ending.set(group, found);
  }
  for (const { type, at, ids } of ending.values())
    await trx
      .updateTable('history_spans')
      .set({ superseded_at: at })
      .where('record_type', '=', type)
      .where('record_id', 'in', [...ids])
      .where('superseded_at', 'is', null)
      .execute();
  await insertRows(trx, 'history_spans', spans);
}

/** Fills the table from the history: its migration and a restore run this. */
export async function rebuildHistorySpans(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('history_spans').execute();
  await sql`insert into history_spans (history_id, plan_id, record_type, record_id, at, superseded_at)
    select id, plan_id, record_type, record_id, at, lead(at) over (partition by record_type, record_id order by id)
    from history
    where record_type in (${sql.join([...spannedTypes])})`.execute(db);
}
