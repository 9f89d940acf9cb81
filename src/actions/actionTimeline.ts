// An action's timeline: its dated updates and, from its history, the changes to its status and dates made by editing
// it, newest first, so that a status moved through Edit shows who moved it and when.
import type { ActionRow, HistoryTable, UpdateRow } from '../db/schema.js';
import { formatUkDate } from '../dates/ukDate.js';
import type { Reader } from '../history/recordChange.js';
import { statusLabels } from '../plans/vocabulary.js';

/** A change made by editing the action, as the timeline tells it. */
export interface TimelineChange {
  kind: 'change';
  /** The London day it was made on, ISO, so that it sorts with updates' days. */
  effective_on: string;
  at: string;
  actor: string;
  /** "Status changed from In progress to Complete", one line per field that changed. */
  lines: string[];
}

export type TimelineEntry = (UpdateRow & { kind: 'update' }) | TimelineChange;

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

type ActionState = Pick<
  ActionRow,
  'status' | 'target_text' | 'revised_target_text' | 'revised_reason' | 'completed_on'
>;

function dateLine(label: string, before: string, after: string, why = ''): string | null {
  if (before === after) return null;
  const reason = why ? ` (${why})` : '';
  if (before === '') return `${label} set to ${after}${reason}`;
  if (after === '') return `${label} removed (it was ${before})`;
  return `${label} changed from ${before} to ${after}${reason}`;
}

/**
 * What one edit changed of the action's status and dates. `statusByUpdate` is true when an update moved the status
 * (the update already says so), so only the other fields are told.
 */
export function changeLines(before: ActionState, after: ActionState, statusByUpdate = false): string[] {
  const statusMoved = before.status !== after.status;
  const lines = [
    statusMoved && !statusByUpdate
      ? `Status changed from ${statusLabels[before.status]} to ${statusLabels[after.status]}`
      : null,
    dateLine('Target date', before.target_text, after.target_text),
    dateLine(
      'Revised target date',
      before.revised_target_text,
      after.revised_target_text,
      after.revised_reason,
    ),
    // Completing or reopening an action dates or undates it: the status line says that already.
    statusMoved
      ? null
      : dateLine('Completion date', formatUkDate(before.completed_on), formatUkDate(after.completed_on)),
  ];
  return lines.filter((line): line is string => line !== null);
}

type HistoryRow = Pick<
  HistoryTable,
  'record_type' | 'change' | 'at' | 'actor' | 'before_json' | 'after_json'
>;

/** The changes of an action's history that its timeline tells, oldest first. */
export function timelineChanges(history: HistoryRow[]): TimelineChange[] {
  const changes: TimelineChange[] = [];
  history.forEach((row, index) => {
    if (row.record_type !== 'action' || row.change !== 'update' || !row.before_json || !row.after_json)
      return;
    const before = JSON.parse(row.before_json) as ActionState;
    const after = JSON.parse(row.after_json) as ActionState;
    // An update that moves the status posts itself, then moves the action, in one transaction.
    const previous = history[index - 1];
    const posted = previous?.record_type === 'update' && previous.change === 'create' ? previous : null;
    const statusByUpdate =
      posted !== null &&
      (JSON.parse(posted.after_json ?? '{}') as Partial<UpdateRow>).status_change === after.status;
    const lines = changeLines(before, after, statusByUpdate);
    if (lines.length > 0)
      changes.push({
        kind: 'change',
        effective_on: londonDay.format(new Date(row.at)),
        at: row.at,
        actor: row.actor,
        lines,
      });
  });
  return changes;
}

/** The action's updates and edits to its status and dates, newest first (by day, then by when they were made). */
export async function actionTimeline(
  db: Reader,
  planId: string,
  actionId: string,
  updates: UpdateRow[],
): Promise<TimelineEntry[]> {
  const history = await db
    .selectFrom('history')
    .select(['record_type', 'change', 'at', 'actor', 'before_json', 'after_json'])
    .where('plan_id', '=', planId)
    .where((eb) =>
      eb.or([
        eb.and([eb('record_type', '=', 'action'), eb('record_id', '=', actionId)]),
        // The updates posted on this action, including any deleted since, to tell which moves they made.
        eb.and([
          eb('record_type', '=', 'update'),
          eb('change', '=', 'create'),
          eb('after_json', 'like', `%"action_id":"${actionId}"%`),
        ]),
      ]),
    )
    .orderBy('id')
    .execute();
  const entries: TimelineEntry[] = [
    ...updates.map((update) => ({ ...update, kind: 'update' as const })),
    ...timelineChanges(history),
  ];
  const key = (entry: TimelineEntry) =>
    `${entry.effective_on} ${entry.kind === 'update' ? entry.created_at : entry.at}`;
  return entries.sort((a, b) => key(b).localeCompare(key(a)));
}
