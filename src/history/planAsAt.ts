// A plan as it stood at a moment, rebuilt from its history: each record as its last row of history up to then left it.
import type { HorizonRow, OwnerRow, PlanRow, ThemeRow, UpdateRow } from '../db/schema.js';
import { formatUkDate, londonDateAndTime, londonInstantIso } from '../dates/ukDate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { ownerNameKey } from '../owners/ownerCommands.js';
import {
  byNameKey,
  type ActionWithOwnerNames,
  type LoadOptions,
  type PlanContents,
  type ThemeWithLead,
} from '../plans/planContents.js';
import { spannedTypes } from './historySpans.js';
import type { Reader } from './recordChange.js';

/** The records of a plan that its history keeps whole, each change's `after` being the record as saved. */
const planRecordTypes = [
  'plan',
  'horizon',
  'theme',
  'action',
  'update',
] as const satisfies readonly SpannedType[];

type SpannedType = (typeof spannedTypes)[number];

interface LatestRow {
  id: number | string;
  record_type: string;
  record_id: string;
  change: string;
  after_json: string | null;
}

/**
 * The last row of history of each record up to `at`, of these types, of one plan or (planId null) of none: the
 * record as it then stood, or its deletion. The rows whose span holds the moment, found in the spans' index of plan
 * and supersession, each read by its id; so the rows superseded before the moment are never read.
 */
async function latestRows(
  db: Reader,
  planId: string | null,
  types: readonly SpannedType[],
  at: string,
): Promise<LatestRow[]> {
  const rows = await db
    .selectFrom('history_spans as span')
    .innerJoin('history', 'history.id', 'span.history_id')
    .select([
      'history.id',
      'history.record_type',
      'history.record_id',
      'history.change',
      'history.after_json',
    ])
    .$if(planId === null, (q) => q.where('span.plan_id', 'is', null))
    .$if(planId !== null, (q) => q.where('span.plan_id', '=', planId!))
    .where('span.record_type', 'in', [...types])
    .where('span.at', '<=', at)
    .where((eb) => eb.or([eb('span.superseded_at', 'is', null), eb('span.superseded_at', '>', at)]))
    .execute();
  // Of a record's rows that stand, the last: the row with the greatest id begun by the moment is always among them, and
  // it is the only one unless the clock went back or two changes to one record were written at once.
  const last = new Map<string, LatestRow>();
  for (const row of rows) {
    const key = `${row.record_type}\u0000${row.record_id}`;
    const found = last.get(key);
    if (!found || Number(row.id) > Number(found.id)) last.set(key, row);
  }
  return [...last.values()];
}

/** Records that stood at the moment: the `after` of each record's last row, unless that row deleted it. */
function standing<T>(rows: LatestRow[], type: string): T[] {
  return rows
    .filter((row) => row.record_type === type && row.change !== 'delete' && row.after_json !== null)
    .map((row) => JSON.parse(row.after_json!) as T);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPosition(a: { position: number; id: string }, b: { position: number; id: string }): number {
  return a.position - b.position || compareText(a.id, b.id);
}

/** The plan as it stood at `at` (an ISO instant), in the shape loadPlanContents gives of the plan as it stands. */
export async function loadPlanAsAt(
  db: Reader,
  slug: string,
  at: string,
  options: LoadOptions,
): Promise<PlanContents> {
  const current = await db
    .selectFrom('plans')
    .select(['id', 'created_at'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!current) throw new NotFoundError(`Plan "${slug}"`);
  const [rows, ownerRows] = await Promise.all([
    latestRows(db, current.id, planRecordTypes, at),
    latestRows(db, null, ['owner'], at),
  ]);
  const [plan] = standing<PlanRow>(rows, 'plan');
  if (!plan) {
    const created = londonDateAndTime(current.created_at);
    const message = `This plan was created on ${formatUkDate(created.date)} at ${created.time}: choose a later date and time`;
    throw new InvalidInputError({ at: message }, message);
  }
  // Rows kept before owners had versions lack one; every owner then was at its first.
  const owners = standing<OwnerRow>(ownerRows, 'owner').map((owner) => ({
    ...owner,
    version: owner.version ?? 1,
  }));
  const ownersById = new Map(owners.map((owner) => [owner.id, owner]));
  const ownersByKey = new Map(owners.map((owner) => [owner.name_key, owner]));

  const themes: ThemeWithLead[] = standing<ThemeRow & { lead?: string | null }>(rows, 'theme')
    .map(({ lead, ...theme }) => ({
      ...theme,
      // A theme's history names its lead; rows kept before it did are named from the directory as it then stood.
      lead:
        lead !== undefined
          ? lead
          : theme.lead_owner_id
            ? (ownersById.get(theme.lead_owner_id)?.name ?? null)
            : null,
    }))
    .sort(byPosition);
  const actions = standing<ActionWithOwnerNames>(rows, 'action').sort(byPosition);
  const horizons = standing<HorizonRow>(rows, 'horizon').sort(byPosition);
  const updates = standing<UpdateRow>(rows, 'update')
    .filter((update) => options.updates === 'all' || update.theme_id !== null)
    .sort(
      (a, b) =>
        compareText(a.effective_on, b.effective_on) ||
        compareText(a.created_at, b.created_at) ||
        compareText(a.id, b.id),
    );

  const named = new Map<string, OwnerRow>();
  for (const action of actions)
    for (const name of action.owners) {
      const owner = ownersByKey.get(ownerNameKey(name));
      if (owner) named.set(owner.id, owner);
    }
  for (const theme of themes) {
    const owner = theme.lead_owner_id ? ownersById.get(theme.lead_owner_id) : undefined;
    if (owner) named.set(owner.id, owner);
  }
  return { plan, horizons, themes, actions, owners: [...named.values()].sort(byNameKey), updates };
}

/**
 * The moment a page or the API asks for: an ISO instant with its zone (2026-02-14T12:00:00Z), or a day and time on
 * London's clocks without one (2026-02-14T12:00), as the form sends. Null when it is not one of these.
 */
export function readAsAt(text: string | undefined): string | null {
  if (!text) return null;
  const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (local) {
    const [, date, hour, minute, second] = local;
    const day = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) return null;
    if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return null;
    return londonInstantIso(date!, Number(hour), Number(minute), Number(second ?? 0));
  }
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) return null;
  const instant = new Date(text.trim());
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

/** The moment a page's or the API's `at` asks for; undefined when not asked; a clear refusal when not a moment. */
export function requestedMoment(at: string | undefined): string | undefined {
  if (at === undefined || at === '') return undefined;
  const moment = readAsAt(at);
  if (moment === null)
    throw new InvalidInputError(
      { at: 'The date and time to show the plan at must be like 2026-02-14T12:00' },
      `"${at.slice(0, 40)}" is not a date and time: give one like 2026-02-14T12:00 (UK time)`,
    );
  return moment;
}

/** "14 February 2026 at 12:00", in UK time, for the banner and titles. */
export function asAtLabel(at: string): string {
  const { date, time } = londonDateAndTime(at);
  return `${formatUkDate(date)} at ${time}`;
}
