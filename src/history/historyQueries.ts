// A plan's history, or one action's or theme's, newest first, a page at a time: each page starts from where the last
// stopped (keyset), so the thousandth page costs what the first does.
import type { HistoryRow } from '../db/schema.js';
import { londonDayStart } from '../dates/ukDate.js';
import { describeChange, type ChangeInWords, type ChangeKind, type RecordNames } from './changeSentences.js';
import type { Reader } from './recordChange.js';

/** The records whose history a plan's pages tell; security events and owners' own rows are told elsewhere. */
const toldTypes = [
  'plan',
  'horizon',
  'theme',
  'action',
  'update',
  'report',
  'finding',
  'action_finding',
  'survey_wave',
  'survey_question',
  'staff_page',
  'staff_mark',
] as const;

export interface HistoryScope {
  planId: string;
  /** An action or theme: its own changes and those of its updates. */
  subjectId?: string;
}

export interface HistoryFilter {
  /** Only changes with a line of one of these kinds; all when empty. */
  kinds: ChangeKind[];
  /** Instants (ISO): from this one on, and before that one. */
  from: string | null;
  until: string | null;
}

/** The filter for these kinds, from the start of one UK day to the end of another (ISO days; either may be absent). */
export function historyFilter(
  kinds: ChangeKind[],
  fromDay: string | null | undefined,
  toDay: string | null | undefined,
): HistoryFilter {
  const dayAfter = (isoDate: string) => {
    const next = new Date(`${isoDate}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    return next.toISOString().slice(0, 10);
  };
  return {
    kinds,
    from: fromDay ? londonDayStart(fromDay) : null,
    until: toDay ? londonDayStart(dayAfter(toDay)) : null,
  };
}

/** Where a page starts: after the newest (none), older than a change, or newer than a change, by its id. */
export type HistoryCursor = { older: number } | { newer: number } | null;

export interface HistoryPage {
  entries: ChangeInWords[];
  /** The cursors of the pages either side, when there is one. */
  older: number | null;
  newer: number | null;
}

const batchSize = 200;

const selected = [
  'id',
  'at',
  'actor',
  'source',
  'record_type',
  'record_id',
  'subject_id',
  'change',
  'before_json',
  'after_json',
] as const;
type Row = Pick<HistoryRow, (typeof selected)[number]>;

async function batch(
  db: Reader,
  scope: HistoryScope,
  filter: HistoryFilter,
  direction: 'older' | 'newer',
  from: number | null,
  limit: number,
): Promise<Row[]> {
  return db
    .selectFrom('history')
    .select([...selected])
    .where('plan_id', '=', scope.planId)
    .$if(scope.subjectId !== undefined, (q) => q.where('subject_id', '=', scope.subjectId!))
    .where('record_type', 'in', [...toldTypes])
    .$if(filter.from !== null, (q) => q.where('at', '>=', filter.from!))
    .$if(filter.until !== null, (q) => q.where('at', '<', filter.until!))
    .$if(from !== null, (q) => q.where('id', direction === 'older' ? '<' : '>', from!))
    .orderBy('id', direction === 'older' ? 'desc' : 'asc')
    .limit(limit)
    .execute();
}

/**
 * Names, by id, of the themes, horizons and actions that rows of history point to (an update's action or theme, an
 * action's theme and horizon): as they stand, or as their history last named them if they have gone.
 */
async function recordNames(db: Reader, planId: string, rows: Row[]): Promise<RecordNames> {
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.record_type === 'update' && row.subject_id) ids.add(row.subject_id);
    if (row.record_type === 'action')
      for (const json of [row.before_json, row.after_json]) {
        const fields = json
          ? (JSON.parse(json) as { theme_id?: string | null; horizon_id?: string | null })
          : {};
        if (fields.theme_id) ids.add(fields.theme_id);
        if (fields.horizon_id) ids.add(fields.horizon_id);
      }
  }
  return namesOf(db, planId, [...ids]);
}

/** Names of the plan's themes, horizons and actions with these ids, including those since deleted. */
export async function namesOf(db: Reader, planId: string, wanted: string[]): Promise<RecordNames> {
  const names: RecordNames = new Map();
  if (wanted.length === 0) return names;
  const [themes, horizons, actions] = await Promise.all([
    db
      .selectFrom('themes')
      .select(['id', 'title'])
      .where('plan_id', '=', planId)
      .where('id', 'in', wanted)
      .execute(),
    db
      .selectFrom('horizons')
      .select(['id', 'name'])
      .where('plan_id', '=', planId)
      .where('id', 'in', wanted)
      .execute(),
    db
      .selectFrom('actions')
      .select(['id', 'ref', 'title'])
      .where('plan_id', '=', planId)
      .where('id', 'in', wanted)
      .execute(),
  ]);
  for (const theme of themes) names.set(theme.id, { type: 'theme', name: theme.title });
  for (const horizon of horizons) names.set(horizon.id, { type: 'horizon', name: horizon.name });
  for (const action of actions) names.set(action.id, { type: 'action', name: action.title, ref: action.ref });
  const gone = wanted.filter((id) => !names.has(id));
  if (gone.length > 0) {
    const last = await db
      .selectFrom('history')
      .select(['record_type', 'record_id', 'before_json', 'after_json'])
      .where('plan_id', '=', planId)
      .where('record_id', 'in', gone)
      .where('record_type', 'in', ['theme', 'horizon', 'action'])
      .orderBy('id')
      .execute();
    for (const row of last) {
      const fields = JSON.parse(row.after_json ?? row.before_json ?? '{}') as Record<string, string>;
      const type = row.record_type as 'theme' | 'horizon' | 'action';
      const name = type === 'horizon' ? (fields.name ?? '') : (fields.title ?? '');
      names.set(row.record_id, { type, name: `${name} (since deleted)`, ref: fields.ref ?? '' });
    }
  }
  return names;
}

function matches(entry: ChangeInWords, filter: HistoryFilter): boolean {
  if (entry.lines.length === 0) return false;
  return filter.kinds.length === 0 || entry.kinds.some((kind) => filter.kinds.includes(kind));
}

/**
 * One page of history in words, newest first. Rows are read a batch at a time from the cursor on, told, and kept
 * where they match the filter, until the page is full or the history ends; so a filter that keeps few rows reads
 * further, but never more than the history holds.
 */
export async function historyPage(
  db: Reader,
  scope: HistoryScope,
  filter: HistoryFilter,
  cursor: HistoryCursor,
  size = 25,
): Promise<HistoryPage> {
  const direction = cursor && 'newer' in cursor ? 'newer' : 'older';
  let from = cursor === null ? null : 'newer' in cursor ? cursor.newer : cursor.older;
  const found: ChangeInWords[] = [];
  // Unfiltered, nearly every row is told, so the first read takes one page and one more (to know there are more);
  // a filter that keeps few rows reads on in larger batches.
  let limit = filter.kinds.length === 0 ? size + 1 : batchSize;
  for (;;) {
    const rows = await batch(db, scope, filter, direction, from, limit);
    const names = await recordNames(db, scope.planId, rows);
    for (const row of rows) {
      const entry = describeChange(row, names);
      if (matches(entry, filter)) found.push(entry);
      if (found.length > size) break;
    }
    if (found.length > size || rows.length < limit) break;
    from = Number(rows.at(-1)!.id);
    limit = batchSize;
  }
  const more = found.length > size;
  const page = found.slice(0, size);
  if (direction === 'newer') page.reverse();
  const first = page[0]?.id ?? null;
  const last = page.at(-1)?.id ?? null;
  if (cursor === null) return { entries: page, older: more ? last : null, newer: null };
  if (direction === 'older') return { entries: page, older: more ? last : null, newer: first };
  return { entries: page, older: last, newer: more ? first : null };
}
