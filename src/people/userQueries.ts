// Reading users for the administration and plan pages: the list with search, filters and pages, one user's plans, a plan's people.
import type { Db } from '../db/connection.js';
import { pageNumber } from '../web/pagination.js';
import type { PlanRole, UserRole } from '../db/schema.js';

export const userSorts = ['name', 'email', 'role', 'newest'] as const;
export type UserSort = (typeof userSorts)[number];

export interface UserListFilters {
  q?: string;
  role?: UserRole;
  sort: UserSort;
  /** As asked for; kept within the pages there are. */
  page: string | undefined;
  pageSize: number;
}

// What pages show of a user, with the owner they are linked to: never the password hash.
const userColumns = [
  'users.id',
  'users.name',
  'users.email',
  'users.role',
  'users.owner_id',
  'users.disabled_at',
  'users.created_at',
  'owners.name as owner_name',
] as const;

export async function listUsers(db: Db, filters: UserListFilters) {
  const words = filters.q?.trim().toLowerCase();
  const base = db.kysely
    .selectFrom('users')
    .$if(Boolean(words), (q) =>
      q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['users.name']), 'like', `%${words}%`),
          eb('users.email', 'like', `%${words}%`),
        ]),
      ),
    )
    .$if(Boolean(filters.role), (q) => q.where('users.role', '=', filters.role!));
  const total = Number(
    (await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n,
  );
  const page = pageNumber(filters.page, total, filters.pageSize);
  let listed = base.leftJoin('owners', 'owners.id', 'users.owner_id').select(userColumns);
  if (filters.sort === 'email') listed = listed.orderBy('users.email');
  else if (filters.sort === 'role') listed = listed.orderBy('users.role').orderBy('users.email');
  else if (filters.sort === 'newest')
    listed = listed.orderBy('users.created_at', 'desc').orderBy('users.email');
  else listed = listed.orderBy((eb) => eb.fn('lower', ['users.name'])).orderBy('users.email');
  const users = await listed
    .limit(filters.pageSize)
    .offset((page - 1) * filters.pageSize)
    .execute();
  const lastSignIns = users.length
    ? await db.kysely
        .selectFrom('history')
        .select(['actor_id', (eb) => eb.fn.max('at').as('at')])
        .where('change', '=', 'sign-in')
        .where(
          'actor_id',
          'in',
          users.map((user) => user.id),
        )
        .groupBy('actor_id')
        .execute()
    : [];
  const lastSignIn = new Map(lastSignIns.map((row) => [row.actor_id, row.at as string]));
  return {
    total,
    page,
    users: users.map((user) => ({ ...user, last_sign_in_at: lastSignIn.get(user.id) ?? null })),
  };
}

/** The plans a user has been given, with their role in each. */
export function plansOfUser(db: Db, userId: string) {
  return db.kysely
    .selectFrom('plan_members')
    .innerJoin('plans', 'plans.id', 'plan_members.plan_id')
    .select(['plans.id', 'plans.slug', 'plans.title', 'plan_members.role'])
    .where('plan_members.user_id', '=', userId)
    .orderBy('plans.title')
    .execute();
}

export interface PlanPerson {
  userId: string;
  name: string;
  email: string;
  role: PlanRole;
  userRole: UserRole;
  disabled: boolean;
}

/** Who has which role in a plan. */
export async function peopleInPlan(db: Db, planId: string): Promise<PlanPerson[]> {
  const rows = await db.kysely
    .selectFrom('plan_members')
    .innerJoin('users', 'users.id', 'plan_members.user_id')
    .select([
      'users.id',
      'users.name',
      'users.email',
      'users.role as user_role',
      'users.disabled_at',
      'plan_members.role',
    ])
    .where('plan_members.plan_id', '=', planId)
    .orderBy('plan_members.role')
    .orderBy('users.email')
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    userRole: row.user_role,
    disabled: row.disabled_at !== null,
  }));
}

/** The owners directory as choices for linking a user to the person or team they are. */
export function ownerChoices(db: Db) {
  return db.kysely.selectFrom('owners').select(['id', 'name', 'kind']).orderBy('name_key').execute();
}

/** One user as their pages show them: never the password hash, only whether there is one. */
export async function userDetails(db: Db, userId: string) {
  const row = await db.kysely
    .selectFrom('users')
    .leftJoin('owners', 'owners.id', 'users.owner_id')
    .select(userColumns)
    .select((eb) => eb('users.password_hash', 'is not', null).as('has_password'))
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return row ? { ...row, has_password: Boolean(row.has_password) } : undefined;
}
