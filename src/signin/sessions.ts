// Server-side sessions kept in the database, so that every copy of the app knows every session.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { nowIso } from '../db/migrations.js';
import type { Trx } from '../history/recordChange.js';
import { presentUser, type User } from '../people/users.js';
import { planAtAddress, type PlanAtAddress } from '../people/planAccess.js';
import { newSecret, secretHash } from './secrets.js';
import { reusableQuery } from '../db/reusableQuery.js';

export const sessionCookieName = 'headway_session';

// Writing last_seen_at on every request would turn every page view into a write; once a minute is close enough for idle expiry.
const touchEveryMs = 60_000;

export interface SessionTimes {
  idleMinutes: number;
  maxHours: number;
}

export function sessionTimes(config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours'>): SessionTimes {
  return { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours };
}

/** Starts a new session for a user who has just proved who they are, and returns the cookie's value. */
export async function startSession(
  trx: Trx,
  userId: string,
  times: SessionTimes,
  address: string,
  now = new Date(),
): Promise<string> {
  const secret = newSecret();
  await trx
    .insertInto('sessions')
    .values({
      id_hash: secretHash(secret),
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + times.maxHours * 3_600_000).toISOString(),
      address,
    })
    .execute();
  return secret;
}

/**
 * The user of a session with its times, by the hash of the session's secret; with the plan at the address asked for
 * and the user's role in it (none when no address is given).
 */
const sessionUser = reusableQuery(['idHash', 'planSlug'], (kysely, { idHash, planSlug }) =>
  kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('plans', (join) => join.on('plans.slug', '=', planSlug))
    .leftJoin('plan_members', (join) =>
      join.onRef('plan_members.plan_id', '=', 'plans.id').onRef('plan_members.user_id', '=', 'users.id'),
    )
    .selectAll('users')
    .select([
      'sessions.last_seen_at',
      'sessions.expires_at',
      'plans.id as plan_id',
      'plans.slug as plan_slug',
      'plans.content_version as plan_content_version',
      'plan_members.role as plan_member_role',
    ])
    .where('sessions.id_hash', '=', idHash),
);

/**
 * The user behind a session cookie, or null when there is no such session, it has expired, or the user is disabled;
 * and the plan at `planSlug` with the user's role in it, found in the same statement.
 */
export async function sessionHolder(
  db: Db,
  secret: string,
  times: SessionTimes,
  { now = new Date(), planSlug }: { now?: Date; planSlug?: string },
): Promise<{ user: User; planAt: PlanAtAddress | null } | null> {
  const idHash = secretHash(secret);
  const [row] = await sessionUser(db.kysely, { idHash, planSlug: planSlug ?? null });
  if (!row) return null;
  const idleSince = now.getTime() - Date.parse(row.last_seen_at);
  if (
    row.disabled_at ||
    Date.parse(row.expires_at) <= now.getTime() ||
    idleSince > times.idleMinutes * 60_000
  ) {
    await db.kysely.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  if (idleSince > touchEveryMs)
    await db.kysely
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id_hash', '=', idHash)
      .execute();
  return {
    user: presentUser(row),
    planAt: planSlug === undefined ? null : planAtAddress(planSlug, row),
  };
}

export async function endSession(db: Db | { kysely: Trx }, secret: string): Promise<void> {
  await db.kysely.deleteFrom('sessions').where('id_hash', '=', secretHash(secret)).execute();
}

/** Sessions past their end are removed now and then, so the table does not grow for ever. */
export async function removeExpiredSessions(db: Db, times: SessionTimes, now = new Date()): Promise<void> {
  const idleCutoff = new Date(now.getTime() - times.idleMinutes * 60_000).toISOString();
  await db.kysely
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', nowIso()), eb('last_seen_at', '<', idleCutoff)]))
    .execute();
}

/** Cookies are HttpOnly and SameSite=Lax always, Secure whenever the request came over HTTPS. */
export function cookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
  };
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(sessionCookieName, secret, cookieOptions(request));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, cookieOptions(request));
}

/** Ends every session of a user but the one with this secret (the browser that asked). */
export async function endOtherSessions(
  trx: Trx,
  userId: string,
  keepSecret: string | undefined,
): Promise<void> {
  await trx
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(keepSecret !== undefined, (q) => q.where('id_hash', '!=', secretHash(keepSecret!)))
    .execute();
}
