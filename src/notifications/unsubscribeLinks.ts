// The links in optional e-mails that switch that kind of e-mail off without signing in. Each is 256 random bits, kept
// only as its hash; a link switches off exactly the one kind of e-mail it came with, for the one person it was sent to.
import { nowIso } from '../db/migrations.js';
import type { MailTopic, UserRow } from '../db/schema.js';
import type { Actor, Reader, Trx } from '../history/recordChange.js';
import { setMailPreferences } from '../people/userCommands.js';
import { newSecret, secretHash } from '../signin/secrets.js';

/** What each kind of optional e-mail is called on the pages that switch it off and on. */
export const mailTopicNames: Record<MailTopic, string> = {
  digest: 'the weekly digest of your items due and overdue',
  changes: 'e-mails when someone else changes the status, target date or owner of your items',
};

/** A new link for one person and one kind of e-mail; the secret goes in the e-mail and is never stored. */
export async function issueUnsubscribeLink(trx: Trx, userId: string, topic: MailTopic): Promise<string> {
  const secret = newSecret();
  await trx
    .insertInto('unsubscribe_links')
    .values({ token_hash: secretHash(secret), user_id: userId, topic, created_at: nowIso() })
    .execute();
  return secret;
}

/**
 * The unsubscribe link for a message to be queued once under `uniqueKey`, or undefined when it is queued already (by
 * this process or another). The link is written first, so that on SQLite the transaction takes the write lock before
 * it checks, and waits for another process's message rather than reading first and being refused when it then writes.
 */
export async function unsubscribeLinkUnlessQueued(
  trx: Trx,
  userId: string,
  topic: MailTopic,
  uniqueKey: string,
): Promise<string | undefined> {
  const secret = await issueUnsubscribeLink(trx, userId, topic);
  const queued = await trx
    .selectFrom('jobs')
    .select('id')
    .where('unique_key', '=', uniqueKey)
    .executeTakeFirst();
  if (!queued) return secret;
  await trx.deleteFrom('unsubscribe_links').where('token_hash', '=', secretHash(secret)).execute();
  return undefined;
}

export interface UnsubscribeLink {
  topic: MailTopic;
  user: UserRow;
  /** Whether that kind of e-mail is still on for them. */
  on: boolean;
}

function isOn(user: UserRow, topic: MailTopic): boolean {
  return topic === 'digest' ? user.digest !== 'none' : user.change_notices === 'on';
}

/** The person and kind of e-mail a link is for, or undefined for a link Headway never made (or whose user is gone). */
export async function findUnsubscribeLink(db: Reader, secret: string): Promise<UnsubscribeLink | undefined> {
  if (secret.length > 200) return undefined;
  const link = await db
    .selectFrom('unsubscribe_links')
    .select(['user_id', 'topic'])
    .where('token_hash', '=', secretHash(secret))
    .executeTakeFirst();
  if (!link) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', link.user_id).executeTakeFirst();
  return user ? { topic: link.topic, user, on: isOn(user, link.topic) } : undefined;
}

/**
 * Switches off the one kind of e-mail the link is for, through the user's own command (history says it was done
 * through a link in an e-mail). Returns what the link was for, or undefined when it is not a link Headway made.
 */
export async function switchOffByLink(trx: Trx, secret: string): Promise<UnsubscribeLink | undefined> {
  const link = await findUnsubscribeLink(trx, secret);
  if (!link) return undefined;
  if (!link.on) return link;
  const actor: Actor = {
    name: link.user.name,
    userId: link.user.id,
    source: 'unsubscribe link in an e-mail',
  };
  const user = await setMailPreferences(
    trx,
    actor,
    link.user.id,
    link.user.version,
    link.topic === 'digest' ? { digest: 'none' } : { changeNotices: 'off' },
  );
  return { topic: link.topic, user, on: false };
}
