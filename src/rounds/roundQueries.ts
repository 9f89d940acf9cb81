// What a round asked and what came back: per owner and per item, requested and updated (an update posted on the item
// after the round began, and before it closed), with the counts the round's page and the API show.
import type { Status, UpdateRoundRow } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import type { Reader } from '../history/recordChange.js';

/** An action or focus area as a round names it: "action:<id>" or "theme:<id>". */
export type ItemKey = `action:${string}` | `theme:${string}`;

export function itemKey(item: { action_id: string | null; theme_id: string | null }): ItemKey {
  return item.action_id ? `action:${item.action_id}` : `theme:${item.theme_id ?? ''}`;
}

export function subjectOfKey(key: string): { actionId: string } | { themeId: string } | null {
  const match = /^(action|theme):([\w-]{1,100})$/.exec(key);
  if (!match) return null;
  return match[1] === 'action' ? { actionId: match[2]! } : { themeId: match[2]! };
}

export interface RoundItem {
  key: ItemKey;
  kind: 'action' | 'theme';
  id: string;
  ref: string;
  title: string;
  status: Status | null;
  /** The latest update posted on it since the round began, if any. */
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface OwnerProgress {
  ownerId: string;
  name: string;
  /** The address the request went to; '' when they cannot be e-mailed. */
  email: string;
  hasAccount: boolean;
  linksRevokedAt: string | null;
  lastRemindedAt: string | null;
  lastRemindedBy: string | null;
  items: RoundItem[];
  updatedCount: number;
}

export interface RoundProgress {
  round: UpdateRoundRow;
  reminderDays: number[];
  owners: OwnerProgress[];
  /** Items asked about that have no owner: nobody was asked, but they count. */
  unowned: RoundItem[];
  itemCount: number;
  updatedCount: number;
}

export function reminderDaysOf(round: Pick<UpdateRoundRow, 'reminder_days'>): number[] {
  const days = JSON.parse(round.reminder_days) as unknown;
  return Array.isArray(days) ? days.filter((day): day is number => Number.isInteger(day)) : [];
}

export async function findRound(db: Reader, planId: string, roundId: string): Promise<UpdateRoundRow> {
  const round = await db
    .selectFrom('update_rounds')
    .selectAll()
    .where('id', '=', roundId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!round) throw new NotFoundError('Update request');
  return round;
}

/** A plan's rounds, newest first. */
export async function listRounds(db: Reader, planId: string): Promise<UpdateRoundRow[]> {
  return db
    .selectFrom('update_rounds')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('started_at', 'desc')
    .execute();
}

/** The latest update on each item of the plan posted while the round was open. */
async function updatesDuring(db: Reader, round: UpdateRoundRow) {
  let query = db
    .selectFrom('updates')
    .select(['action_id', 'theme_id', 'created_at', 'author'])
    .where('plan_id', '=', round.plan_id)
    .where('created_at', '>=', round.started_at);
  if (round.closed_at) query = query.where('created_at', '<=', round.closed_at);
  const latest = new Map<ItemKey, { at: string; by: string }>();
  for (const row of await query.orderBy('created_at').execute())
    latest.set(itemKey(row), { at: row.created_at, by: row.author });
  return latest;
}

/** Who was asked about what in a round, and what has been updated since it began. */
export async function roundProgress(db: Reader, round: UpdateRoundRow): Promise<RoundProgress> {
  const [rows, owners, updated] = await Promise.all([
    db
      .selectFrom('update_round_items')
      .leftJoin('actions', 'actions.id', 'update_round_items.action_id')
      .leftJoin('themes', 'themes.id', 'update_round_items.theme_id')
      .select([
        'update_round_items.owner_id',
        'update_round_items.action_id',
        'update_round_items.theme_id',
        'actions.ref',
        'actions.title as action_title',
        'actions.status as action_status',
        'actions.position as action_position',
        'themes.title as theme_title',
        'themes.status as theme_status',
        'themes.position as theme_position',
      ])
      .where('update_round_items.round_id', '=', round.id)
      .execute(),
    db
      .selectFrom('update_round_owners')
      .innerJoin('owners', 'owners.id', 'update_round_owners.owner_id')
      .select([
        'owners.id',
        'owners.name',
        'update_round_owners.email',
        'update_round_owners.links_revoked_at',
        'update_round_owners.last_reminded_at',
        'update_round_owners.last_reminded_by',
        (eb) =>
          eb
            .exists(eb.selectFrom('users').select('users.id').whereRef('users.owner_id', '=', 'owners.id'))
            .as('has_account'),
      ])
      .where('update_round_owners.round_id', '=', round.id)
      .orderBy('owners.name_key')
      .execute(),
    updatesDuring(db, round),
  ]);
  const sorted = [...rows].sort(
    (a, b) =>
      (a.theme_id ? 0 : 1) - (b.theme_id ? 0 : 1) ||
      (a.theme_position ?? a.action_position ?? 0) - (b.theme_position ?? b.action_position ?? 0),
  );
  const itemOf = (row: (typeof rows)[number]): RoundItem => {
    const key = itemKey(row);
    const latest = updated.get(key);
    return {
      key,
      kind: row.action_id ? 'action' : 'theme',
      id: row.action_id ?? row.theme_id ?? '',
      ref: row.ref ?? '',
      title: row.action_title ?? row.theme_title ?? '',
      status: (row.action_status ?? row.theme_status ?? null) as Status | null,
      updatedAt: latest?.at ?? null,
      updatedBy: latest?.by ?? null,
    };
  };
  const byOwner = new Map<string, RoundItem[]>();
  const unowned: RoundItem[] = [];
  const distinct = new Map<ItemKey, RoundItem>();
  for (const row of sorted) {
    const item = itemOf(row);
    distinct.set(item.key, item);
    if (row.owner_id === null) unowned.push(item);
    else byOwner.set(row.owner_id, [...(byOwner.get(row.owner_id) ?? []), item]);
  }
  return {
    round,
    reminderDays: reminderDaysOf(round),
    owners: owners.map((owner) => {
      const items = byOwner.get(owner.id) ?? [];
      return {
        ownerId: owner.id,
        name: owner.name,
        email: owner.email,
        hasAccount: Boolean(owner.has_account),
        linksRevokedAt: owner.links_revoked_at,
        lastRemindedAt: owner.last_reminded_at,
        lastRemindedBy: owner.last_reminded_by,
        items,
        updatedCount: items.filter((item) => item.updatedAt !== null).length,
      };
    }),
    unowned,
    itemCount: distinct.size,
    updatedCount: [...distinct.values()].filter((item) => item.updatedAt !== null).length,
  };
}

/**
 * For "My work": the items of these owners in open rounds that have not been updated since their round began, keyed
 * "action:<id>" / "theme:<id>", with the earliest deadline among the rounds that ask for them.
 */
export async function requestedItemsFor(
  reader: Reader,
  ownerIds: string[],
): Promise<Map<string, { deadline: string; meeting: string }>> {
  const requested = new Map<string, { deadline: string; meeting: string }>();
  if (ownerIds.length === 0) return requested;
  const rows = await reader
    .selectFrom('update_round_items')
    .innerJoin('update_rounds', 'update_rounds.id', 'update_round_items.round_id')
    .select([
      'update_round_items.action_id',
      'update_round_items.theme_id',
      'update_rounds.deadline',
      'update_rounds.meeting_name',
      'update_rounds.started_at',
    ])
    .where('update_rounds.state', '=', 'open')
    .where('update_round_items.owner_id', 'in', ownerIds)
    // Not updated since the round began: no update on the same action or theme created after its start.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('updates')
            .select('updates.id')
            .whereRef('updates.created_at', '>=', 'update_rounds.started_at')
            .where((eb) =>
              eb.or([
                eb('updates.action_id', '=', eb.ref('update_round_items.action_id')),
                eb('updates.theme_id', '=', eb.ref('update_round_items.theme_id')),
              ]),
            ),
        ),
      ),
    )
    .orderBy('update_rounds.deadline')
    .execute();
  for (const row of rows) {
    const key = itemKey(row);
    if (!requested.has(key)) requested.set(key, { deadline: row.deadline, meeting: row.meeting_name });
  }
  return requested;
}
