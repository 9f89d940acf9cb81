// Telling people when someone else changes the status, target date or owner of their action, or the status or lead of
// their focus area. Who is told is decided in the transaction of the change (the owners before and after it, who can
// still read the plan, who want these e-mails, and not the person making it), and queued there as one job; that job
// writes the e-mails, with links, when it runs.
import type { ActionWithOwners } from '../actions/actionCommands.js';
import type { Status, ThemeRow, UserRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { Actor, Trx } from '../history/recordChange.js';
import { enqueueJob } from '../jobs/enqueueJob.js';
import type { JobContext } from '../jobs/jobHandlers.js';
import { queueEmail } from '../mail/emailMessage.js';
import { planAccessFor } from '../people/planAccess.js';
import { presentUser } from '../people/users.js';
import { statusLabels } from '../plans/vocabulary.js';
import { absoluteUrl } from '../mail/links.js';
import { unsubscribeLinkUnlessQueued } from './unsubscribeLinks.js';

export const changeNoticeJobKind = 'change-notice';

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface ChangeNotice {
  planId: string;
  subject: { kind: 'action' | 'theme'; id: string };
  /** "1.1 Run listening sessions", as it stands after the change. */
  title: string;
  changes: FieldChange[];
  /** Who made the change, as history names them, with where from (an import, the command line) when not a page. */
  by: string;
  /** The users to tell. */
  recipients: string[];
}

const nothing = '(none)';

function statusName(status: Status | null): string {
  return status ? statusLabels[status] : 'No status';
}

function changed(field: string, before: string, after: string): FieldChange[] {
  return before === after ? [] : [{ field, before: before || nothing, after: after || nothing }];
}

function actorName(actor: Actor): string {
  return actor.source ? `${actor.name} (${actor.source})` : actor.name;
}

/** The users linked to these owners who want to be told, can read the plan as it now stands, and are not the actor. */
async function recipientsOf(trx: Trx, actor: Actor, planId: string, ownerIds: string[]): Promise<string[]> {
  if (ownerIds.length === 0) return [];
  const users = await trx
    .selectFrom('users')
    .selectAll()
    .where('owner_id', 'in', ownerIds)
    .where('change_notices', '=', 'on')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  const recipients: string[] = [];
  for (const user of users) {
    if (user.id === actor.userId) continue;
    if ((await planAccessFor({ kysely: trx }, presentUser(user), planId)) !== null) recipients.push(user.id);
  }
  return recipients;
}

async function queueNotice(
  trx: Trx,
  actor: Actor,
  notice: Omit<ChangeNotice, 'recipients' | 'by'>,
  ownerIds: string[],
) {
  const recipients = await recipientsOf(trx, actor, notice.planId, [...new Set(ownerIds)]);
  if (recipients.length === 0) return;
  const payload: ChangeNotice = { ...notice, by: actorName(actor), recipients };
  await enqueueJob(trx, { kind: changeNoticeJobKind, payload, planId: notice.planId });
}

/** Called by updateAction, in its transaction, once the action is changed. */
export async function noticeActionChange(
  trx: Trx,
  actor: Actor,
  before: ActionWithOwners,
  after: ActionWithOwners,
): Promise<void> {
  const sortedNames = (names: string[]) => [...names].sort().join(', ');
  const changes = [
    ...changed('Status', statusName(before.status), statusName(after.status)),
    ...changed('Target date', before.target_text, after.target_text),
    ...changed('Revised target date', before.revised_target_text, after.revised_target_text),
    ...(sortedNames(before.owners) === sortedNames(after.owners)
      ? []
      : changed('Owners', before.owners.join(', '), after.owners.join(', '))),
  ];
  if (changes.length === 0) return;
  const names = [...new Set([...before.owners, ...after.owners])];
  const owners =
    names.length === 0
      ? []
      : await trx.selectFrom('owners').select('id').where('name', 'in', names).execute();
  await queueNotice(
    trx,
    actor,
    {
      planId: after.plan_id,
      subject: { kind: 'action', id: after.id },
      title: [after.ref, after.title].filter(Boolean).join(' '),
      changes,
    },
    owners.map((owner) => owner.id),
  );
}

/** Called by updateTheme, in its transaction, once the focus area is changed. */
export async function noticeThemeChange(
  trx: Trx,
  actor: Actor,
  before: ThemeRow,
  after: ThemeRow,
): Promise<void> {
  const leadIds = [before.lead_owner_id, after.lead_owner_id].filter((id): id is string => id !== null);
  const leads = new Map(
    leadIds.length === 0
      ? []
      : (await trx.selectFrom('owners').select(['id', 'name']).where('id', 'in', leadIds).execute()).map(
          (owner) => [owner.id, owner.name],
        ),
  );
  const leadName = (id: string | null) => (id ? (leads.get(id) ?? '') : '');
  const changes = [
    ...changed('Status', statusName(before.status), statusName(after.status)),
    ...changed('Lead', leadName(before.lead_owner_id), leadName(after.lead_owner_id)),
  ];
  if (changes.length === 0) return;
  await queueNotice(
    trx,
    actor,
    { planId: after.plan_id, subject: { kind: 'theme', id: after.id }, title: after.title, changes },
    leadIds,
  );
}

/** The job: one e-mail to each person told, unless they have switched these off since. Once per person per job. */
export async function sendChangeNotices(context: JobContext, payload: unknown): Promise<void> {
  const notice = payload as ChangeNotice;
  const plan = await context.db.kysely
    .selectFrom('plans')
    .select(['title', 'slug', 'marking'])
    .where('id', '=', notice.planId)
    .executeTakeFirst();
  if (!plan) return;
  const kindName = notice.subject.kind === 'action' ? 'action' : 'focus area';
  const path = `/plans/${encodeURIComponent(plan.slug)}/${notice.subject.kind === 'action' ? 'actions' : 'themes'}/${encodeURIComponent(notice.subject.id)}`;
  for (const userId of notice.recipients) {
    const user: UserRow | undefined = await context.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user || user.change_notices !== 'on' || user.disabled_at) continue;
    const uniqueKey = `change:${context.job.id}:${user.id}`;
    await inTransaction(context.db, async (trx) => {
      const secret = await unsubscribeLinkUnlessQueued(trx, user.id, 'changes', uniqueKey);
      if (!secret) return;
      await queueEmail(
        trx,
        {
          to: user.email,
          toName: user.name,
          subject: `${notice.by} changed the ${kindName} “${notice.title}”`,
          marking: plan.marking,
          paragraphs: [
            `Hello ${user.name},`,
            `${notice.by} changed the ${kindName} “${notice.title}” in the plan “${plan.title}”:`,
            ...notice.changes.map((change) => `${change.field}: ${change.before} → ${change.after}`),
          ],
          action: { label: `View the ${kindName}`, url: absoluteUrl(context.config, path) },
          unsubscribeUrl: absoluteUrl(context.config, `/unsubscribe/${secret}`),
        },
        { uniqueKey, planId: notice.planId },
      );
    });
  }
}
