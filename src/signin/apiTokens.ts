// API tokens: shown once, stored hashed, read-only or read-write, acting with their user's rights.
import type { Db } from '../db/connection.js';
import { nowIso } from '../db/migrations.js';
import type { ApiTokenRow, TokenAccess } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { recordChange, type Actor, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { presentUser, type User } from '../people/users.js';
import { planAtAddress, type PlanAtAddress } from '../people/planAccess.js';
import { reusableQuery } from '../db/reusableQuery.js';
import { FieldChecks } from '../validation.js';
import { newSecret, secretHash } from './secrets.js';

export const tokenPrefix = 'hw_';
export const tokenAccessChoices: readonly TokenAccess[] = ['read', 'write'];

// Writing history on every API call would make the history mostly token use; a use a minute per token says who and when.
const recordUseEveryMs = 60_000;

/** What history and pages show of a token: never its hash. */
function tokenRecord(row: ApiTokenRow) {
  const { token_hash: _hash, ...rest } = row;
  return rest;
}

export async function createApiToken(
  trx: Trx,
  actor: Actor,
  userId: string,
  input: { name?: string; access?: string },
): Promise<{ token: string; row: ApiTokenRow }> {
  const checks = new FieldChecks();
  const name = checks.text('name', 'a name for the token', input.name, { required: true, max: 100 });
  const access = checks.choice('access', 'what the token may do', input.access, tokenAccessChoices, {
    required: true,
  });
  checks.done();
  const token = newSecret(tokenPrefix);
  const row: ApiTokenRow = {
    id: newId(),
    user_id: userId,
    name,
    token_hash: secretHash(token),
    access: access!,
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  };
  await trx.insertInto('api_tokens').values(row).execute();
  await recordChange(trx, actor, {
    recordType: 'api_token',
    recordId: row.id,
    planId: null,
    change: 'create',
    after: tokenRecord(row),
  });
  return { token, row };
}

/** Revokes one of a user's tokens; another user's token is "not found", as if it did not exist. */
export async function revokeApiToken(trx: Trx, actor: Actor, userId: string, tokenId: string): Promise<void> {
  const before = await trx
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!before) throw new NotFoundError('API token');
  if (before.revoked_at) return;
  const after = { ...before, revoked_at: nowIso() };
  await trx
    .updateTable('api_tokens')
    .set({ revoked_at: after.revoked_at })
    .where('id', '=', tokenId)
    .execute();
  await recordChange(trx, actor, {
    recordType: 'api_token',
    recordId: tokenId,
    planId: null,
    change: 'update',
    before: tokenRecord(before),
    after: tokenRecord(after),
  });
}

export function listApiTokens(db: Db, userId: string) {
  return db.kysely
    .selectFrom('api_tokens')
    .select(['id', 'name', 'access', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export interface TokenHolder {
  user: User;
  tokenId: string;
  access: TokenAccess;
  /** The plan at the address the request names, found with the token (null when it names none). */
  planAt: PlanAtAddress | null;
}

/**
 * A token's user, by the hash of the token; with the plan at the address asked for and the user's role in it (none
 * when no address is given).
 */
const tokenUser = reusableQuery(['tokenHash', 'planSlug'], (kysely, { tokenHash, planSlug }) =>
  kysely
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .leftJoin('plans', (join) => join.on('plans.slug', '=', planSlug))
    .leftJoin('plan_members', (join) =>
      join.onRef('plan_members.plan_id', '=', 'plans.id').onRef('plan_members.user_id', '=', 'users.id'),
    )
    .selectAll('users')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.name as token_name',
      'api_tokens.access',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'plans.id as plan_id',
      'plans.slug as plan_slug',
      'plans.content_version as plan_content_version',
      'plan_members.role as plan_member_role',
    ])
    .where('api_tokens.token_hash', '=', tokenHash),
);

/**
 * The user a bearer token acts for, or null when it is unknown, revoked, or its user is disabled. Records the use.
 * Given `planSlug`, the plan at that address and the user's role in it come with it, from the same statement.
 */
export async function userForApiToken(
  db: Db,
  token: string,
  now = new Date(),
  planSlug?: string,
): Promise<TokenHolder | null> {
  if (!token.startsWith(tokenPrefix)) return null;
  const [row] = await tokenUser(db.kysely, { tokenHash: secretHash(token), planSlug: planSlug ?? null });
  if (!row || row.revoked_at || row.disabled_at) return null;
  const user = presentUser(row);
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= recordUseEveryMs) {
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.token_id)
        .execute();
      await recordChange(
        trx,
        { name: user.name, userId: user.id },
        {
          recordType: 'api_token',
          recordId: row.token_id,
          planId: null,
          change: 'token-use',
          after: { name: row.token_name, access: row.access },
        },
      );
    });
  }
  return {
    user,
    tokenId: row.token_id,
    access: row.access,
    planAt: planSlug === undefined ? null : planAtAddress(planSlug, row),
  };
}
