// Test helpers for e-mail that would be sent: the job context a handler runs in, and the e-mails queued as jobs.
import type { Db } from '../db/connection.js';
import { readConfig } from '../config.js';
import type { UserRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { JobContext } from '../jobs/jobHandlers.js';
import type { EmailMessage } from '../mail/emailMessage.js';
import { updateUserDetails } from '../people/userCommands.js';
import { makeUser } from './people.js';
import { testActor } from './factories.js';

export const testPublicUrl = 'https://headway.example.org';

/** E-mail set up, for pages that say whether it is; nothing listens at this address, so nothing is sent. */
export const mailSetUpForPages = readConfig({
  HEADWAY_SMTP_URL: 'smtp://127.0.0.1:2525',
  HEADWAY_MAIL_FROM: 'headway@example.org',
}).mail;

/** What a worker would hand a handler, at a moment the test chooses. */
export function jobContext(db: Db, now: Date): JobContext {
  return {
    db,
    config: readConfig({}, { publicUrl: testPublicUrl }),
    now,
    job: { id: 'test-job', attempts: 1 },
  };
}

export interface QueuedEmail extends EmailMessage {
  uniqueKey: string | null;
  planId: string | null;
}

/** Every e-mail queued so far to these addresses (all when none given), oldest first. */
export async function queuedEmails(db: Db, to?: string[]): Promise<QueuedEmail[]> {
  const rows = await db.kysely
    .selectFrom('jobs')
    .select(['payload_json', 'unique_key', 'plan_id'])
    .where('kind', '=', 'email')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows
    .map((row) => ({
      ...(JSON.parse(row.payload_json) as EmailMessage),
      uniqueKey: row.unique_key,
      planId: row.plan_id,
    }))
    .filter((message) => !to || to.includes(message.to));
}

/** A user who is the owner of this name in the directory (made by naming it on an action or as a lead first). */
export async function userForOwner(
  db: Db,
  ownerName: string,
  input: { name?: string } = {},
): Promise<UserRow> {
  const user = await makeUser(db, { name: input.name ?? ownerName });
  const owner = await db.kysely
    .selectFrom('owners')
    .select('id')
    .where('name', '=', ownerName)
    .executeTakeFirstOrThrow();
  return inTransaction(db, (trx) => updateUserDetails(trx, testActor, user.id, { ownerId: owner.id }));
}
