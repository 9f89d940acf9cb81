// Writes one row of history in the caller's transaction, so a change and its record stand or fall together.
import type { Kysely, Transaction } from 'kysely';
import { insertRowsNumbered, rowsPerStatement } from '../db/insertRows.js';
import { nowIso } from '../db/migrations.js';
import type { Database, HistoryTable } from '../db/schema.js';
import { writeActionStates } from './actionStates.js';
import { planContentChanged } from './contentVersion.js';
import { writeHistorySpans } from './historySpans.js';

/** Who is making a change: a signed-in person, the importer, the CLI. Decided in one place (src/web/currentActor.ts). */
export interface Actor {
  name: string;
  /** The signed-in user, when there is one; the CLI and the demo loader act by name only. */
  userId?: string;
  /** Where the change comes from besides the person, e.g. "import: staff-survey.docx". */
  source?: string;
}

/** A change to data runs inside a transaction; the type says so, so a command cannot be handed the bare database. */
export type Trx = Transaction<Database>;

/** Queries that only read take either the database or a transaction. */
export type Reader = Kysely<Database>;

export interface Change {
  recordType: HistoryTable['record_type'];
  recordId: string;
  planId: string | null;
  change: HistoryTable['change'];
  before?: unknown;
  after?: unknown;
}

function historyRow(actor: Actor, change: Change, at: string) {
  return {
    at,
    actor: actor.name,
    actor_id: actor.userId ?? null,
    record_type: change.recordType,
    record_id: change.recordId,
    plan_id: change.planId,
    change: change.change,
    before_json: change.before === undefined ? null : JSON.stringify(change.before),
    after_json: change.after === undefined ? null : JSON.stringify(change.after),
    source: actor.source ?? '',
    subject_id: subjectOf(change),
  };
}

/**
 * The action, theme or finding a change belongs to, for its history page: itself, the one an update is on, or the
 * action that answers a finding.
 */
function subjectOf(change: Change): string | null {
  if (change.recordType === 'action' || change.recordType === 'theme' || change.recordType === 'finding')
    return change.recordId;
  // An action answering a finding, or no longer, is told in the action's history.
  if (change.recordType === 'action_finding')
    return ((change.after ?? change.before) as { action_id: string }).action_id;
  // A finding or action chosen for the staff page, or worded again for it, is told in its own history.
  if (change.recordType === 'staff_mark') {
    const mark = (change.after ?? change.before) as { finding_id: string | null; action_id: string | null };
    return mark.action_id ?? mark.finding_id;
  }
  if (change.recordType !== 'update') return null;
  const update = (change.after ?? change.before) as { action_id?: string | null; theme_id?: string | null };
  return update.action_id ?? update.theme_id ?? null;
}

export async function recordChange(trx: Trx, actor: Actor, change: Change): Promise<void> {
  const at = nowIso();
  const row = historyRow(actor, change, at);
  const { id } = await trx.insertInto('history').values(row).returning('id').executeTakeFirstOrThrow();
  await writeHistorySpans(trx, [{ ...row, id: Number(id) }]);
  await writeActionStates(trx, [change], at);
  await planContentChanged(trx, [change.planId]);
}

/** Many changes made together (an import), written in a few statements rather than one each. */
export async function recordChanges(trx: Trx, actor: Actor, changes: Change[]): Promise<void> {
  const at = nowIso();
  // A batch at a time, so that thousands of rows of JSON are never all held at once.
  for (let i = 0; i < changes.length; i += rowsPerStatement) {
    const rows = changes.slice(i, i + rowsPerStatement).map((change) => historyRow(actor, change, at));
    const ids = await insertRowsNumbered(trx, 'history', rows);
    await writeHistorySpans(
      trx,
      rows.map((row, k) => ({ ...row, id: ids[k]! })),
    );
  }
  await writeActionStates(trx, changes, at);
  await planContentChanged(
    trx,
    changes.map((change) => change.planId),
  );
}
