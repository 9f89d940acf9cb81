// One-time links to choose a password: the first administrator's on a fresh install, and each new user's.
import type { Db } from '../db/connection.js';
import { nowIso } from '../db/migrations.js';
import type { Trx } from '../history/recordChange.js';
import { newSecret, secretHash } from './secrets.js';

export async function createPasswordLink(
  trx: Trx,
  userId: string | null,
  validHours: number,
  now = new Date(),
): Promise<string> {
  const secret = newSecret();
  await trx
    .insertInto('password_links')
    .values({
      token_hash: secretHash(secret),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + validHours * 3_600_000).toISOString(),
      used_at: null,
    })
    .execute();
  return secret;
}

export interface PasswordLink {
  tokenHash: string;
  /** Null: the link that creates the first administrator. */
  userId: string | null;
}

/** The link behind a secret while it is unused and in date; else undefined. */
export async function findPasswordLink(
  db: Db | { kysely: Trx },
  secret: string,
): Promise<PasswordLink | undefined> {
  const row = await db.kysely
    .selectFrom('password_links')
    .select(['token_hash', 'user_id', 'expires_at', 'used_at'])
    .where('token_hash', '=', secretHash(secret))
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= nowIso()) return undefined;
  return { tokenHash: row.token_hash, userId: row.user_id };
}

/** Marks a link used; false when someone used it first, so a link works once even when two tabs race. */
export async function useUpPasswordLink(trx: Trx, link: PasswordLink): Promise<boolean> {
  const result = await trx
    .updateTable('password_links')
    .set({ used_at: nowIso() })
    .where('token_hash', '=', link.tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
