// The security history an administrator reads: sign-ins, failures, sign-outs, role changes, tokens and user changes.
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../db/connection.js';
import { pageNumber } from '../web/pagination.js';
import type { Database, HistoryRow } from '../db/schema.js';
import { londonDayStart } from '../dates/ukDate.js';
import { planRoleNames, userRoleNames } from '../people/userCommands.js';

export const securityEventKinds = {
  'sign-in': 'Sign-ins',
  'sign-in-failed': 'Sign-in failures',
  'sign-out': 'Sign-outs',
  'role-change': 'Role changes',
  'plan-role-change': 'Plan role changes',
  token: 'API tokens made or revoked',
  'token-use': 'API token use',
  'user-change': 'Users added or changed',
} as const;
export type SecurityEventKind = keyof typeof securityEventKinds;

type History = ExpressionBuilder<Database, 'history'>;

function kindCondition(eb: History, kind: SecurityEventKind) {
  switch (kind) {
    case 'sign-in':
    case 'sign-in-failed':
    case 'sign-out':
    case 'token-use':
      return eb('history.change', '=', kind);
    case 'role-change':
      return eb.and([eb('history.change', '=', 'role-change'), eb('history.record_type', '=', 'user')]);
    case 'plan-role-change':
      return eb('history.record_type', '=', 'plan_member');
    case 'token':
      return eb.and([
        eb('history.record_type', '=', 'api_token'),
        eb('history.change', 'in', ['create', 'update']),
      ]);
    case 'user-change':
      return eb.and([
        eb('history.record_type', '=', 'user'),
        eb('history.change', 'in', ['create', 'update']),
      ]);
  }
}

export interface SecurityHistoryFilters {
  kind?: SecurityEventKind;
  /** Words in the name or e-mail address of who acted or whom the event is about. */
  who?: string;
  /** ISO dates, inclusive, in London time. */
  from?: string;
  to?: string;
  /** As asked for; kept within the pages there are. */
  page: string | undefined;
  pageSize: number;
}

// More matching users than this and the search is too loose to be useful; the first ones are enough.
const mostUsersMatched = 100;

function nextDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export async function securityHistory(db: Db, filters: SecurityHistoryFilters) {
  const who = filters.who?.trim().toLowerCase();
  const userIds = who
    ? (
        await db.kysely
          .selectFrom('users')
          .select('id')
          .where((eb) =>
            eb.or([eb(eb.fn('lower', ['name']), 'like', `%${who}%`), eb('email', 'like', `%${who}%`)]),
          )
          .limit(mostUsersMatched)
          .execute()
      ).map((row) => row.id)
    : [];
  const query = db.kysely
    .selectFrom('history')
    .where('history.record_type', 'in', ['user', 'plan_member', 'api_token'])
    .$if(filters.kind !== undefined, (q) => q.where((eb) => kindCondition(eb, filters.kind!)))
    .$if(filters.from !== undefined, (q) => q.where('history.at', '>=', londonDayStart(filters.from!)))
    .$if(filters.to !== undefined, (q) => q.where('history.at', '<', londonDayStart(nextDay(filters.to!))))
    .$if(Boolean(who), (q) =>
      q.where((eb) => {
        const matches = [eb(eb.fn('lower', ['history.actor']), 'like', `%${who}%`)];
        if (userIds.length) {
          matches.push(eb('history.actor_id', 'in', userIds), eb('history.record_id', 'in', userIds));
          // Plan roles and tokens name their user inside the record, by id.
          for (const id of userIds)
            matches.push(
              eb('history.after_json', 'like', `%${id}%`),
              eb('history.before_json', 'like', `%${id}%`),
            );
        }
        return eb.or(matches);
      }),
    );
  const total = Number(
    (await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n,
  );
  const page = pageNumber(filters.page, total, filters.pageSize);
  const rows = await query
    .selectAll('history')
    .orderBy('history.at', 'desc')
    .orderBy('history.id', 'desc')
    .limit(filters.pageSize)
    .offset((page - 1) * filters.pageSize)
    .execute();
  return { total, page, events: await describeEvents(db, rows) };
}

export interface PersonNamed {
  name: string;
  /** Absent when the person is known by a name only (the command line, an unknown e-mail address tried). */
  email?: string;
}

export interface SecurityEvent {
  id: number;
  at: string;
  actor: PersonNamed;
  /** What happened, in words. */
  what: string;
  /** The user the event is about, when it is not the one who acted. */
  about: PersonNamed | undefined;
  address: string | undefined;
}

function parse(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

async function describeEvents(db: Db, rows: HistoryRow[]): Promise<SecurityEvent[]> {
  const parsed = rows.map((row) => ({ row, before: parse(row.before_json), after: parse(row.after_json) }));
  const userIds = new Set<string>();
  const planIds = new Set<string>();
  for (const { row, before, after } of parsed) {
    if (row.actor_id) userIds.add(row.actor_id);
    if (row.record_type === 'user') userIds.add(row.record_id);
    const userId = text(after.user_id) || text(before.user_id);
    if (userId) userIds.add(userId);
    if (row.plan_id) planIds.add(row.plan_id);
  }
  const [users, plans] = await Promise.all([
    userIds.size
      ? db.kysely
          .selectFrom('users')
          .select(['id', 'name', 'email'])
          .where('id', 'in', [...userIds])
          .execute()
      : [],
    planIds.size
      ? db.kysely
          .selectFrom('plans')
          .select(['id', 'title'])
          .where('id', 'in', [...planIds])
          .execute()
      : [],
  ]);
  const userName = new Map<string, PersonNamed>(
    users.map((user) => [user.id, { name: user.name, email: user.email }]),
  );
  const planTitle = new Map(plans.map((plan) => [plan.id, plan.title]));
  return parsed.map(({ row, before, after }) => {
    const subjectId =
      row.record_type === 'user' ? row.record_id : text(after.user_id) || text(before.user_id);
    const about = subjectId && subjectId !== row.actor_id ? userName.get(subjectId) : undefined;
    return {
      id: row.id,
      at: row.at,
      actor: (row.actor_id ? userName.get(row.actor_id) : undefined) ?? { name: row.actor },
      what: describe(row, before, after, planTitle),
      about,
      address: text(after.address) || undefined,
    };
  });
}

function describe(
  row: HistoryRow,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  planTitle: Map<string, string>,
): string {
  const roleName = (role: unknown) => userRoleNames[role as keyof typeof userRoleNames] ?? text(role);
  const planRoleName = (role: unknown) => planRoleNames[role as keyof typeof planRoleNames] ?? text(role);
  switch (row.change) {
    case 'sign-in':
      return row.source ? `Signed in (${row.source})` : 'Signed in';
    case 'sign-in-failed':
      return after.reason === 'limit'
        ? `Sign-in refused: too many failed attempts (${text(after.email)})`
        : `Sign-in failed (${text(after.email)})`;
    case 'sign-out':
      return 'Signed out';
    case 'token-use':
      return `Used API token “${text(after.name)}”`;
    case 'role-change':
      if (row.record_type === 'plan_member') {
        const plan = planTitle.get(row.plan_id ?? '') ?? 'a plan that has since been deleted';
        if (!before.role) return `Given the role ${planRoleName(after.role)} in ${plan}`;
        if (!after.role) return `Removed from ${plan} (was ${planRoleName(before.role)})`;
        return `Role in ${plan} changed from ${planRoleName(before.role)} to ${planRoleName(after.role)}`;
      }
      return `Role changed from ${roleName(before.role)} to ${roleName(after.role)}`;
    default:
      break;
  }
  if (row.record_type === 'api_token') {
    const token = before.name ?? after.name;
    const access = (after.access ?? before.access) === 'read' ? 'read-only' : 'read-write';
    return row.change === 'create'
      ? `Made API token “${text(token)}” (${access})`
      : `Revoked API token “${text(token)}”`;
  }
  if (row.change === 'create') return `User added as ${roleName(after.role)}`;
  if (after.password_link_issued_for_hours) return 'Password link issued';
  return describeUserChange(before, after);
}

function describeUserChange(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const changes: string[] = [];
  if (before.name !== after.name) changes.push(`name changed to ${text(after.name)}`);
  if (before.owner_id !== after.owner_id)
    changes.push(after.owner_id ? 'linked to an owner' : 'owner link removed');
  if (!before.disabled_at && after.disabled_at) changes.push('account disabled');
  if (before.disabled_at && !after.disabled_at) changes.push('account enabled');
  if (after.password_changed) changes.push(before.has_password ? 'password changed' : 'password chosen');
  const sentence = changes.join(', ') || 'details saved, unchanged';
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
