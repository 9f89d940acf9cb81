// The weekly digest: on Monday at 07:00 London time, each person who wants it gets one e-mail listing their open
// actions that are overdue or due in the next 14 days: those they own and those in the focus areas they lead.
import { ownedActionColumns } from '../owners/ownedActions.js';
import type { Db } from '../db/connection.js';
import type { Status, UserRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { addDays } from '../dates/targetDate.js';
import { describeTargetDate, formatUkDate, londonDate, londonInstant } from '../dates/ukDate.js';
import type { JobContext } from '../jobs/jobHandlers.js';
import type { RecurringJob } from '../jobs/recurringJobs.js';
import { queueEmail, type EmailItem } from '../mail/emailMessage.js';
import { readablePlanIds } from '../people/planAccess.js';
import { presentUser } from '../people/users.js';
import { effectiveTarget } from '../plans/presenters.js';
import { absoluteUrl } from '../mail/links.js';
import { combinedMarking } from './mailLinks.js';
import { unsubscribeLinkUnlessQueued } from './unsubscribeLinks.js';

export const digestJobKind = 'weekly-digest';
/** How far ahead "due soon" looks. */
export const digestDaysAhead = 14;

const monday = 1;
const sendHour = 7;

/** The first Monday 07:00 in London strictly after `after`: 07:00 GMT in winter, 06:00 UTC in summer. */
export function nextDigestTime(after: Date): Date {
  const today = londonDate(after);
  for (let days = 0; days <= 7; days++) {
    const day = addDays(today, days);
    if (new Date(`${day}T00:00:00Z`).getUTCDay() !== monday) continue;
    const at = londonInstant(day, sendHour);
    if (at > after) return at;
  }
  // Unreachable: of eight days in a row, one is a Monday whose 07:00 is after the first day began.
  throw new Error(`No Monday found after ${after.toISOString()}`);
}

export const weeklyDigestJob: RecurringJob = { kind: digestJobKind, next: nextDigestTime };

/** The ISO 8601 week of a day, "2026-W49": the week is named by the year its Thursday falls in. */
export function isoWeek(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface DigestItem {
  actionId: string;
  ref: string;
  title: string;
  status: Status;
  planTitle: string;
  planSlug: string;
  marking: string;
  /** The target date as the plan writes it (the revised one where the date has moved). */
  targetText: string;
  targetEnd: string;
  overdue: boolean;
  /** The focus area, when the item is there because the person leads it rather than owns the action. */
  ledFocusArea: string | null;
}

/** A person's open actions that are overdue or due by `today` + 14 days, in plans they may read, soonest first. */
export async function digestItems(db: Db, user: UserRow, today: string): Promise<DigestItem[]> {
  if (!user.owner_id) return [];
  const ownerId = user.owner_id;
  const rows = await db.kysely
    .selectFrom('actions')
    .innerJoin('plans', 'plans.id', 'actions.plan_id')
    .leftJoin('themes', 'themes.id', 'actions.theme_id')
    .select([
      ...ownedActionColumns,
      'actions.plan_id',
      'plans.title as plan_title',
      'plans.slug as plan_slug',
      'plans.marking',
      'themes.title as theme_title',
      'themes.lead_owner_id',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('action_owners')
            .select('action_owners.action_id')
            .whereRef('action_owners.action_id', '=', 'actions.id')
            .where('action_owners.owner_id', '=', ownerId),
        )
        .as('owned'),
    )
    .where('actions.status', 'not in', ['complete', 'cancelled'])
    .where((eb) =>
      eb.or([
        eb(
          'actions.id',
          'in',
          eb.selectFrom('action_owners').select('action_id').where('owner_id', '=', ownerId),
        ),
        eb('themes.lead_owner_id', '=', ownerId),
      ]),
    )
    .execute();
  const readable = await readablePlanIds(db, presentUser(user));
  const until = addDays(today, digestDaysAhead);
  const items: DigestItem[] = [];
  for (const row of rows) {
    if (readable !== 'all' && !readable.has(row.plan_id)) continue;
    const target = effectiveTarget(row);
    if (target.kind !== 'date' || target.end === null || target.end > until) continue;
    items.push({
      actionId: row.id,
      ref: row.ref,
      title: row.title,
      status: row.status,
      planTitle: row.plan_title,
      planSlug: row.plan_slug,
      marking: row.marking,
      targetText: row.revised_target_text !== '' ? row.revised_target_text : row.target_text,
      targetEnd: target.end,
      overdue: target.end < today,
      ledFocusArea: row.owned ? null : (row.theme_title ?? null),
    });
  }
  return items.sort(
    (a, b) =>
      a.targetEnd.localeCompare(b.targetEnd) ||
      a.planTitle.localeCompare(b.planTitle) ||
      a.title.localeCompare(b.title),
  );
}

function emailItem(context: JobContext, item: DigestItem): EmailItem {
  const range = describeTargetDate({ kind: 'date', start: null, end: item.targetEnd });
  const details = [
    item.planTitle,
    `target date ${item.targetText}${item.targetText.trim() === range ? '' : ` (by ${range})`}`,
    ...(item.ledFocusArea ? [`in ${item.ledFocusArea}, the focus area you lead`] : []),
  ];
  return {
    title: [item.ref, item.title].filter(Boolean).join(' '),
    url: absoluteUrl(
      context.config,
      `/plans/${encodeURIComponent(item.planSlug)}/actions/${encodeURIComponent(item.actionId)}`,
    ),
    detail: details.join('; '),
  };
}

/** The unique key that makes a person's digest once a week, however many processes or runs ask for it. */
export function digestKey(userId: string, week: string): string {
  return `digest:${userId}:${week}`;
}

/** Queues this week's digest for one person, unless it is queued already or there is nothing in it. */
export async function queueDigest(context: JobContext, user: UserRow, today: string): Promise<boolean> {
  const items = await digestItems(context.db, user, today);
  if (items.length === 0) return false;
  const uniqueKey = digestKey(user.id, isoWeek(today));
  return inTransaction(context.db, async (trx) => {
    const secret = await unsubscribeLinkUnlessQueued(trx, user.id, 'digest', uniqueKey);
    if (!secret) return false;
    const overdue = items.filter((item) => item.overdue);
    const dueSoon = items.filter((item) => !item.overdue);
    const until = formatUkDate(addDays(today, digestDaysAhead));
    await queueEmail(
      trx,
      {
        to: user.email,
        toName: user.name,
        subject: `Your actions: ${overdue.length} overdue, ${dueSoon.length} due by ${until}`,
        marking: combinedMarking(items.map((item) => item.marking)),
        paragraphs: [
          `Hello ${user.name},`,
          `These are your open actions in Headway that are overdue or due in the next ${digestDaysAhead} days, ` +
            'including those in focus areas you lead. Post an update on each from its page.',
        ],
        groups: [
          { heading: 'Overdue', items: overdue.map((item) => emailItem(context, item)) },
          {
            heading: `Due in the next ${digestDaysAhead} days`,
            items: dueSoon.map((item) => emailItem(context, item)),
          },
        ],
        action: { label: 'See all your work in Headway', url: absoluteUrl(context.config, '/') },
        unsubscribeUrl: absoluteUrl(context.config, `/unsubscribe/${secret}`),
      },
      { uniqueKey },
    );
    return true;
  });
}

/** The weekly job: one digest for each person who wants one and has something in it. */
export async function sendWeeklyDigests(context: JobContext): Promise<void> {
  const today = londonDate(context.now);
  const users = await context.db.kysely
    .selectFrom('users')
    .selectAll()
    .where('digest', '=', 'weekly')
    .where('disabled_at', 'is', null)
    .where('owner_id', 'is not', null)
    .orderBy('id')
    .execute();
  for (const user of users) await queueDigest(context, user, today);
}
