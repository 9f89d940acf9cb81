// "My work": the actions a person owns and the focus areas they lead, across the plans they may read, grouped by
// what needs them.
import { ownedActionColumns } from '../owners/ownedActions.js';
import type { Status, TargetDateKindColumn } from '../db/schema.js';
import { addDays, isOverdue } from '../dates/targetDate.js';
import { londonDayStart } from '../dates/ukDate.js';
import type { Reader } from '../history/recordChange.js';
import { atLeast, planAccessFor, readablePlanIds } from '../people/planAccess.js';
import type { User } from '../people/users.js';
import type { Db } from '../db/connection.js';
import { effectiveTarget } from '../plans/presenters.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { requestedItemsFor } from '../rounds/roundQueries.js';

/** What an update round asks of this person, keyed `action:<id>` or `theme:<id>`: fed by the rounds. */
export type RequestedUpdates = Map<string, { deadline: string; meeting: string }>;

export const myWorkGroups = [
  { id: 'requested', title: 'Update requested' },
  { id: 'overdue', title: 'Overdue' },
  { id: 'due-soon', title: 'Due in the next 30 days' },
  { id: 'everything-else', title: 'Everything else' },
] as const;

export type MyWorkGroupId = (typeof myWorkGroups)[number]['id'];

/** How far ahead "due soon" looks. */
export const dueSoonDays = 30;

export interface MyWorkItem {
  kind: 'action' | 'theme';
  id: string;
  ref: string;
  title: string;
  plan: { id: string; slug: string; title: string; marking: string };
  status: Status | null;
  /** The date the action is held to, as the organisation wrote it (the revised one where it moved), and as read. */
  target: { text: string; kind: TargetDateKindColumn | 'none'; start: string | null; end: string | null };
  lastUpdate: { effectiveOn: string; firstLine: string } | null;
  /** Whether an update on it was posted today (London time), whatever day it speaks for. */
  postedToday: boolean;
  /** Whether this person may post updates on it (not where they are only a viewer of its plan). */
  mayPost: boolean;
}

export interface GroupedItem extends MyWorkItem {
  overdue: boolean;
  request: { deadline: string; meeting: string } | null;
}

export interface MyWorkGroup {
  id: MyWorkGroupId;
  title: string;
  items: GroupedItem[];
}

export function myWorkKey(item: Pick<MyWorkItem, 'kind' | 'id'>): string {
  return `${item.kind}:${item.id}`;
}

/** The first line of an update's words, as plain text. */
export function firstLine(body: string): string {
  const line = richTextToPlain(body).split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199).trimEnd()}…` : line;
}

function isOpen(status: Status | null): boolean {
  return status !== 'complete' && status !== 'cancelled';
}

function groupOf(item: GroupedItem, today: string): MyWorkGroupId {
  if (!isOpen(item.status)) return 'everything-else';
  if (item.request) return 'requested';
  if (item.overdue) return 'overdue';
  const end = item.target.kind === 'date' ? item.target.end : null;
  if (end !== null && end >= today && end <= addDays(today, dueSoonDays)) return 'due-soon';
  return 'everything-else';
}

/** The day an item sorts by in its group: the deadline asked for among the requested, else its target date's end. */
function sortDate(group: MyWorkGroupId, item: GroupedItem): string | null {
  if (group === 'requested') return item.request?.deadline ?? null;
  return item.target.kind === 'date' ? item.target.end : null;
}

function compareItems(group: MyWorkGroupId, a: GroupedItem, b: GroupedItem): number {
  const [da, db] = [sortDate(group, a), sortDate(group, b)];
  // Dated items first, soonest first; then by plan, then by reference and title.
  if (da !== db) return da === null ? 1 : db === null ? -1 : da < db ? -1 : 1;
  return (
    a.plan.title.localeCompare(b.plan.title, 'en-GB') ||
    a.ref.localeCompare(b.ref, 'en-GB', { numeric: true }) ||
    a.title.localeCompare(b.title, 'en-GB')
  );
}

/**
 * Puts each item in the first group that needs it: an update requested, overdue, due in the next 30 days, or
 * everything else. A completed or cancelled item is in none of the first three. Groups left empty are left out.
 */
export function groupMyWork(items: MyWorkItem[], requested: RequestedUpdates, today: string): MyWorkGroup[] {
  const byGroup = new Map<MyWorkGroupId, GroupedItem[]>();
  for (const item of items) {
    const grouped: GroupedItem = {
      ...item,
      overdue: item.status !== null && isOverdue(item.target, item.status, today),
      request: requested.get(myWorkKey(item)) ?? null,
    };
    const id = groupOf(grouped, today);
    byGroup.set(id, [...(byGroup.get(id) ?? []), grouped]);
  }
  return myWorkGroups
    .filter((group) => byGroup.has(group.id))
    .map((group) => ({
      ...group,
      items: byGroup.get(group.id)!.sort((a, b) => compareItems(group.id, a, b)),
    }));
}

/** The newest update on each item (by its date, then when posted), and whether any was posted today. */
async function updatesOf(
  db: Reader,
  ownerId: string,
  plans: string[] | undefined,
  todayStarts: string,
): Promise<Map<string, { latest: MyWorkItem['lastUpdate']; postedToday: boolean }>> {
  const columns = [
    'updates.action_id',
    'updates.theme_id',
    'updates.effective_on',
    'updates.created_at',
    'updates.body',
  ] as const;
  const [onActions, onThemes] = await Promise.all([
    db
      .selectFrom('updates')
      .innerJoin('action_owners', 'action_owners.action_id', 'updates.action_id')
      .select(columns)
      .where('action_owners.owner_id', '=', ownerId)
      .$if(plans !== undefined, (q) => q.where('updates.plan_id', 'in', plans!))
      .execute(),
    db
      .selectFrom('updates')
      .innerJoin('themes', 'themes.id', 'updates.theme_id')
      .select(columns)
      .where('themes.lead_owner_id', '=', ownerId)
      .$if(plans !== undefined, (q) => q.where('updates.plan_id', 'in', plans!))
      .execute(),
  ]);
  const found = new Map<string, { latest: MyWorkItem['lastUpdate']; postedToday: boolean; at: string }>();
  for (const update of [...onActions, ...onThemes]) {
    const key = update.action_id ? `action:${update.action_id}` : `theme:${update.theme_id}`;
    const seen = found.get(key);
    const at = `${update.effective_on} ${update.created_at}`;
    const postedToday = (seen?.postedToday ?? false) || update.created_at >= todayStarts;
    if (!seen || at > seen.at)
      found.set(key, {
        latest: { effectiveOn: update.effective_on, firstLine: firstLine(update.body) },
        postedToday,
        at,
      });
    else seen.postedToday = postedToday;
  }
  return found;
}

/**
 * The actions this owner owns and the focus areas they lead, in the plans `readable` names only, each with its plan,
 * status, target date as written and newest update.
 */
export async function loadMyWork(
  db: Reader,
  ownerId: string,
  readable: Set<string> | 'all',
  today: string,
): Promise<Omit<MyWorkItem, 'mayPost'>[]> {
  if (readable !== 'all' && readable.size === 0) return [];
  const plans = readable === 'all' ? undefined : [...readable];
  const planColumns = [
    'plans.id as planId',
    'plans.slug as planSlug',
    'plans.title as planTitle',
    'plans.marking as planMarking',
  ] as const;
  const [actions, themes, updates] = await Promise.all([
    db
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .innerJoin('plans', 'plans.id', 'actions.plan_id')
      .select([...ownedActionColumns, ...planColumns])
      .where('action_owners.owner_id', '=', ownerId)
      .$if(plans !== undefined, (q) => q.where('plans.id', 'in', plans!))
      .execute(),
    db
      .selectFrom('themes')
      .innerJoin('plans', 'plans.id', 'themes.plan_id')
      .select(['themes.id', 'themes.title', 'themes.status', ...planColumns])
      .where('themes.lead_owner_id', '=', ownerId)
      .$if(plans !== undefined, (q) => q.where('plans.id', 'in', plans!))
      .execute(),
    updatesOf(db, ownerId, plans, londonDayStart(today)),
  ]);
  const plan = (row: { planId: string; planSlug: string; planTitle: string; planMarking: string }) => ({
    id: row.planId,
    slug: row.planSlug,
    title: row.planTitle,
    marking: row.planMarking,
  });
  const withUpdates = (item: Omit<MyWorkItem, 'lastUpdate' | 'postedToday' | 'mayPost'>) => {
    const found = updates.get(myWorkKey(item));
    return { ...item, lastUpdate: found?.latest ?? null, postedToday: found?.postedToday ?? false };
  };
  return [
    ...actions.map((action) =>
      withUpdates({
        kind: 'action',
        id: action.id,
        ref: action.ref,
        title: action.title,
        plan: plan(action),
        status: action.status,
        target: {
          text: action.revised_target_text !== '' ? action.revised_target_text : action.target_text,
          ...effectiveTarget(action),
        },
      }),
    ),
    ...themes.map((theme) =>
      withUpdates({
        kind: 'theme',
        id: theme.id,
        ref: '',
        title: theme.title,
        plan: plan(theme),
        status: theme.status,
        target: { text: '', kind: 'none', start: null, end: null },
      }),
    ),
  ];
}

/** A user's work, grouped: nothing for a user linked to no owner. `requested` comes from the open update rounds. */
export async function myWorkOf(db: Db, user: User, today: string): Promise<MyWorkGroup[]> {
  if (!user.ownerId) return [];
  // What open update rounds ask of this person and have not had yet.
  const requested: RequestedUpdates = await requestedItemsFor(db.kysely, [user.ownerId]);
  const items = await loadMyWork(db.kysely, user.ownerId, await readablePlanIds(db, user), today);
  // Their own items, so an owner may post on them, unless a role given in the plan says they only read it.
  const postable = new Map<string, boolean>();
  for (const planId of new Set(items.map((item) => item.plan.id))) {
    const level = await planAccessFor(db, user, planId);
    postable.set(planId, level === 'owner' || atLeast(level, 'contributor'));
  }
  return groupMyWork(
    items.map((item) => ({ ...item, mayPost: postable.get(item.plan.id) ?? false })),
    requested,
    today,
  );
}
