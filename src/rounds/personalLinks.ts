// Personal links: an owner with an e-mail address and no account posts updates on their own items of one round
// through a link in the request, with no password. 256 random bits, only the SHA-256 kept; it stops working when the
// round closes, at its own expiry, when a manager revokes it or an administrator switches links off; requests through
// links are limited per link and per client address, counted in the database so every process agrees.
import { addDays } from '../dates/targetDate.js';
import { londonDayStart } from '../dates/ukDate.js';
import { nowIso } from '../db/migrations.js';
import type { PlanRow, UpdateRoundRow, UpdateRow } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newSecret, secretHash } from '../signin/secrets.js';
import { postUpdate, type UpdateInput } from '../updates/updateCommands.js';
import { roundProgress, subjectOfKey, type RoundItem } from './roundQueries.js';

const settingName = 'personal-links';

/** Whether an administrator allows personal links (on unless switched off). */
export async function personalLinksAllowed(db: Reader): Promise<boolean> {
  const row = await db
    .selectFrom('site_settings')
    .select('value')
    .where('name', '=', settingName)
    .executeTakeFirst();
  return row?.value !== 'off';
}

/** Switches personal links on or off for the whole of Headway, with history. */
export async function setPersonalLinksAllowed(trx: Trx, actor: Actor, allowed: boolean): Promise<void> {
  const before = await trx
    .selectFrom('site_settings')
    .selectAll()
    .where('name', '=', settingName)
    .executeTakeFirst();
  const value = allowed ? 'on' : 'off';
  if ((before?.value ?? 'on') === value) return;
  const at = nowIso();
  if (before)
    await trx
      .updateTable('site_settings')
      .set({ value, version: before.version + 1, updated_at: at, updated_by: actor.name })
      .where('name', '=', settingName)
      .execute();
  else
    await trx
      .insertInto('site_settings')
      .values({ name: settingName, value, version: 1, updated_at: at, updated_by: actor.name })
      .execute();
  await recordChange(trx, actor, {
    recordType: 'site_setting',
    recordId: settingName,
    planId: null,
    change: before ? 'update' : 'create',
    before: { value: before?.value ?? 'on' },
    after: { value },
  });
}

/** A new link for an owner in a round; returns the secret, which is never stored. */
export async function createPersonalLink(
  trx: Trx,
  round: Pick<UpdateRoundRow, 'id' | 'meeting_on'>,
  ownerId: string,
  now = new Date(),
): Promise<string> {
  const secret = newSecret();
  await trx
    .insertInto('personal_links')
    .values({
      link_hash: secretHash(secret),
      round_id: round.id,
      owner_id: ownerId,
      created_at: now.toISOString(),
      // Its own end, whatever happens to the round: the end of the meeting's day in London.
      expires_at: londonDayStart(addDays(round.meeting_on, 1)),
    })
    .execute();
  return secret;
}

export interface PersonalLink {
  linkHash: string;
  plan: PlanRow;
  round: UpdateRoundRow;
  owner: { id: string; name: string };
}

/** The link behind a secret while it works; undefined for an expired, revoked, closed, switched-off or unknown one. */
export async function findPersonalLink(
  db: Reader,
  secret: string,
  now = new Date(),
): Promise<PersonalLink | undefined> {
  if (!/^[A-Za-z0-9_-]{40,64}$/.test(secret)) return undefined;
  const linkHash = secretHash(secret);
  const row = await db
    .selectFrom('personal_links')
    .innerJoin('update_round_owners', (join) =>
      join
        .onRef('update_round_owners.round_id', '=', 'personal_links.round_id')
        .onRef('update_round_owners.owner_id', '=', 'personal_links.owner_id'),
    )
    .innerJoin('owners', 'owners.id', 'personal_links.owner_id')
    .select([
      'personal_links.round_id',
      'personal_links.expires_at',
      'update_round_owners.links_revoked_at',
      'owners.id as owner_id',
      'owners.name as owner_name',
    ])
    .where('personal_links.link_hash', '=', linkHash)
    .executeTakeFirst();
  if (!row || row.links_revoked_at !== null || row.expires_at <= now.toISOString()) return undefined;
  // An owner given an account since the request signs in instead.
  const account = await db
    .selectFrom('users')
    .select('id')
    .where('owner_id', '=', row.owner_id)
    .executeTakeFirst();
  if (account) return undefined;
  const round = await db
    .selectFrom('update_rounds')
    .selectAll()
    .where('id', '=', row.round_id)
    .executeTakeFirst();
  if (!round || round.state !== 'open') return undefined;
  if (!(await personalLinksAllowed(db))) return undefined;
  const plan = await db
    .selectFrom('plans')
    .selectAll()
    .where('id', '=', round.plan_id)
    .executeTakeFirstOrThrow();
  return { linkHash, plan, round, owner: { id: row.owner_id, name: row.owner_name } };
}

/** The owner's items in the link's round, each with whether it has been updated since the round began. */
export async function linkItems(db: Reader, link: PersonalLink): Promise<RoundItem[]> {
  const progress = await roundProgress(db, link.round);
  return progress.owners.find((owner) => owner.ownerId === link.owner.id)?.items ?? [];
}

/** Who an update through a link is recorded as: the owner, through the link of this round. */
export function linkActor(link: PersonalLink): Actor {
  return {
    name: link.owner.name,
    source: `personal link, round "${link.round.meeting_name}" started ${link.round.started_at.slice(0, 10)}`,
  };
}

/** Posts an update on one of the owner's items of the round, recorded as posted by the owner through the link. */
export async function postThroughLink(
  trx: Trx,
  link: PersonalLink,
  itemKey: string,
  input: Omit<UpdateInput, 'author'>,
): Promise<UpdateRow> {
  const subject = subjectOfKey(itemKey);
  const items = await linkItems(trx, link);
  if (!subject || !items.some((item) => item.key === itemKey)) throw new NotFoundError('Item');
  // The round might have closed since the page was drawn: the post is refused, not recorded against a closed round.
  const round = await trx
    .selectFrom('update_rounds')
    .select('state')
    .where('id', '=', link.round.id)
    .executeTakeFirst();
  if (round?.state !== 'open') throw new ConflictError('This update request', 0, null);
  return postUpdate(trx, linkActor(link), link.plan.id, subject, { ...input, author: link.owner.name });
}

/** How many requests through links are allowed before the rest are refused for a while. */
export const linkLimits = {
  windowMinutes: 60,
  /** Updates posted through one link. */
  postsPerLink: 30,
  /** Updates posted through any links from one client address. */
  postsPerAddress: 60,
  /** Links that named nothing valid (guessed, expired, revoked) from one client address. */
  invalidPerAddress: 10,
};

export class TooManyLinkRequestsError extends Error {
  constructor() {
    super(
      'There have been too many requests through personal links from here. Wait an hour, then try again.',
    );
    this.name = 'TooManyLinkRequestsError';
  }
}

/** Throws TooManyLinkRequestsError when this address, or this link, has used up its allowance. */
export async function checkLinkLimits(
  db: Reader,
  address: string,
  linkHash: string | null,
  now = new Date(),
): Promise<void> {
  const since = new Date(now.getTime() - linkLimits.windowMinutes * 60_000).toISOString();
  const count = async (column: 'address' | 'link_hash', value: string, outcome: 'post' | 'invalid') => {
    const row = await db
      .selectFrom('personal_link_attempts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where(column, '=', value)
      .where('outcome', '=', outcome)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  if ((await count('address', address, 'invalid')) >= linkLimits.invalidPerAddress)
    throw new TooManyLinkRequestsError();
  if (linkHash === null) return;
  if ((await count('address', address, 'post')) >= linkLimits.postsPerAddress)
    throw new TooManyLinkRequestsError();
  if ((await count('link_hash', linkHash, 'post')) >= linkLimits.postsPerLink)
    throw new TooManyLinkRequestsError();
}

/** Counts a post through a link, or a link that named nothing valid, towards the limits. */
export async function countLinkAttempt(
  trx: Trx,
  address: string,
  linkHash: string | null,
  outcome: 'post' | 'invalid',
  now = new Date(),
): Promise<void> {
  await trx
    .insertInto('personal_link_attempts')
    .values({ at: now.toISOString(), address, link_hash: linkHash, outcome })
    .execute();
  // Attempts older than a day count for nothing; clearing them here keeps the table small without a separate job.
  const cutoff = new Date(now.getTime() - 24 * 3_600_000).toISOString();
  await trx.deleteFrom('personal_link_attempts').where('at', '<', cutoff).execute();
}
