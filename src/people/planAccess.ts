// What a user may do in a plan: the one place that answers it, for pages, API, importer and exports alike.
import type { Db } from '../db/connection.js';
import type { PlanRole } from '../db/schema.js';
import type { Trx } from '../history/recordChange.js';
import type { User } from './users.js';
import { reusableQuery } from '../db/reusableQuery.js';

/**
 * manager: everything in the plan; contributor: read, and post updates and change status on any
 * action or focus area; viewer: read; owner: read, and post updates and change status only on the
 * actions they own and the focus areas they lead (through the owner linked to their user).
 */
export type PlanAccessLevel = PlanRole | 'owner';

const rank: Record<PlanAccessLevel, number> = { viewer: 1, owner: 2, contributor: 3, manager: 4 };

export function atLeast(level: PlanAccessLevel | null, needed: PlanAccessLevel): boolean {
  return level !== null && rank[level] >= rank[needed];
}

type Reader = Db | { kysely: Trx };

const membership = reusableQuery(['planId', 'userId'], (kysely, { planId, userId }) =>
  kysely
    .selectFrom('plan_members')
    .select('role')
    .where('plan_id', '=', planId)
    .where('user_id', '=', userId),
);

/**
 * The plan at the address a request names, and the user's role in it, found in the same statement as the user
 * (the session's or the API token's), so that a request to a plan waits on one round trip before its own work.
 */
export interface PlanAtAddress {
  slug: string;
  plan: { id: string; slug: string; content_version: number } | null;
  memberRole: PlanRole | null;
}

/** The columns a statement that found the user returns for the plan at an address (see `PlanAtAddress`). */
export interface PlanAtAddressColumns {
  plan_id: string | null;
  plan_slug: string | null;
  plan_content_version: number | null;
  plan_member_role: PlanRole | null;
}

export function planAtAddress(slug: string, row: PlanAtAddressColumns): PlanAtAddress {
  return {
    slug,
    plan:
      row.plan_id === null
        ? null
        : { id: row.plan_id, slug: row.plan_slug!, content_version: Number(row.plan_content_version) },
    memberRole: row.plan_member_role,
  };
}

/**
 * The user's level in a plan, or null when they may not read it. `memberRole` is their role as a member when it was
 * found already (with the user, see `PlanAtAddress`); otherwise it is looked up.
 */
export async function planAccessFor(
  db: Reader,
  user: User,
  planId: string,
  memberRole?: PlanRole | null,
): Promise<PlanAccessLevel | null> {
  if (user.role === 'admin') return 'manager';
  // A staff account reads staff pages only (src/staff/), whatever it was given before its role changed.
  if (user.role === 'staff') return null;
  const role =
    memberRole !== undefined
      ? memberRole
      : ((await membership(db.kysely, { planId, userId: user.id }))[0]?.role ?? null);
  if (role) return role;
  if (user.ownerId && (await ownsSomethingIn(db, user.ownerId, planId))) return 'owner';
  return null;
}

async function ownsSomethingIn(db: Reader, ownerId: string, planId: string): Promise<boolean> {
  const action = await db.kysely
    .selectFrom('action_owners')
    .innerJoin('actions', 'actions.id', 'action_owners.action_id')
    .select('actions.id')
    .where('action_owners.owner_id', '=', ownerId)
    .where('actions.plan_id', '=', planId)
    .executeTakeFirst();
  if (action) return true;
  const theme = await db.kysely
    .selectFrom('themes')
    .select('id')
    .where('lead_owner_id', '=', ownerId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  return theme !== undefined;
}

/** The plans a user can read: every plan for an administrator, else those given to them and those where they own or lead something. */
export async function readablePlanIds(db: Reader, user: User): Promise<Set<string> | 'all'> {
  if (user.role === 'admin') return 'all';
  const ids = new Set<string>();
  if (user.role === 'staff') return ids;
  const members = await db.kysely
    .selectFrom('plan_members')
    .select('plan_id')
    .where('user_id', '=', user.id)
    .execute();
  for (const row of members) ids.add(row.plan_id);
  if (user.ownerId) {
    const owned = await db.kysely
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .select('actions.plan_id')
      .where('action_owners.owner_id', '=', user.ownerId)
      .execute();
    for (const row of owned) ids.add(row.plan_id);
    const led = await db.kysely
      .selectFrom('themes')
      .select('plan_id')
      .where('lead_owner_id', '=', user.ownerId)
      .execute();
    for (const row of led) ids.add(row.plan_id);
  }
  return ids;
}

/** Whether a user may post an update or change the status of this action (or focus area, with `theme`). */
export async function mayContributeTo(
  db: Reader,
  user: User,
  level: PlanAccessLevel | null,
  subject: { kind: 'action' | 'theme'; id: string },
): Promise<boolean> {
  if (atLeast(level, 'contributor')) return true;
  if (level !== 'owner' || !user.ownerId) return false;
  if (subject.kind === 'theme') {
    const theme = await db.kysely
      .selectFrom('themes')
      .select('id')
      .where('id', '=', subject.id)
      .where('lead_owner_id', '=', user.ownerId)
      .executeTakeFirst();
    return theme !== undefined;
  }
  const owned = await db.kysely
    .selectFrom('action_owners')
    .select('action_id')
    .where('action_id', '=', subject.id)
    .where('owner_id', '=', user.ownerId)
    .executeTakeFirst();
  return owned !== undefined;
}

/** The actions an owner owns and the focus areas they lead in one plan: where an owner-level user may post. */
export async function ownedInPlan(
  db: Reader,
  ownerId: string,
  planId: string,
): Promise<{ actionIds: Set<string>; themeIds: Set<string> }> {
  const [actions, themes] = await Promise.all([
    db.kysely
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .select('actions.id')
      .where('action_owners.owner_id', '=', ownerId)
      .where('actions.plan_id', '=', planId)
      .execute(),
    db.kysely
      .selectFrom('themes')
      .select('id')
      .where('lead_owner_id', '=', ownerId)
      .where('plan_id', '=', planId)
      .execute(),
  ]);
  return { actionIds: new Set(actions.map((row) => row.id)), themeIds: new Set(themes.map((row) => row.id)) };
}

/** The plans a user manages (every plan for an administrator): where they may merge an import, for instance. */
export async function managedPlanIds(db: Reader, user: User): Promise<Set<string> | 'all'> {
  if (user.role === 'admin') return 'all';
  const rows = await db.kysely
    .selectFrom('plan_members')
    .select('plan_id')
    .where('user_id', '=', user.id)
    .where('role', '=', 'manager')
    .execute();
  return new Set(rows.map((row) => row.plan_id));
}
