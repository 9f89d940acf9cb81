// Update requests (rounds): a plan manager asks owners for updates before a board, Headway e-mails each owner once,
// reminds those who have not updated, lets a manager nudge one now, and closing offers the highlight report draft.
// Every change writes the round's history in the same transaction; every e-mail is a job queued in it.
import { addDays } from '../dates/targetDate.js';
import { formatUkDate, londonDate } from '../dates/ukDate.js';
import type { PlanRow, ReportRow, Status, UpdateRoundRow } from '../db/schema.js';
import { updateAtVersion } from '../db/versionedUpdate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { escapeHtml } from '../import/read/xml.js';
import { queueEmail } from '../mail/emailMessage.js';
import type { LinkConfig } from '../mail/links.js';
import { isClosed } from '../plans/vocabulary.js';
import { createReport, startingSections } from '../reports/reportCommands.js';
import { suggestedPeriod } from '../reports/reportPeriod.js';
import { listReports } from '../reports/reportQueries.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { FieldChecks } from '../validation.js';
import { createPersonalLink, personalLinksAllowed } from './personalLinks.js';
import { roundEmail, type RoundEmailKind } from './roundEmails.js';
import { findRound, roundProgress, subjectOfKey, type ItemKey, type OwnerProgress } from './roundQueries.js';

type MailConfig = LinkConfig;

export const roundLimits = { meetingName: 200, message: 2000, reminderDay: 30, reminderDays: 5 };
export const defaultReminderDays = [3, 0];

export interface RoundInput {
  meetingName?: string;
  meetingOn?: string | null;
  deadline?: string | null;
  message?: string;
  /** Days before the deadline to remind on (0: the day itself), as numbers or as typed ("3, 0"). */
  reminderDays?: number[] | string;
  /** "action:<id>" / "theme:<id>"; every open action and focus area when left out. */
  items?: string[];
}

/** An action or focus area a round can ask about. */
export interface PlanItem {
  key: ItemKey;
  kind: 'action' | 'theme';
  id: string;
  ref: string;
  title: string;
  status: Status | null;
  /** Who would be asked: the action's owners, the focus area's lead. */
  ownerIds: string[];
  ownerNames: string[];
}

/** Every action and focus area of a plan, focus areas first, with who owns or leads each. */
export async function planItems(db: Reader, planId: string): Promise<PlanItem[]> {
  const [themes, actions, owners] = await Promise.all([
    db
      .selectFrom('themes')
      .leftJoin('owners', 'owners.id', 'themes.lead_owner_id')
      .select(['themes.id', 'themes.title', 'themes.status', 'themes.lead_owner_id', 'owners.name'])
      .where('themes.plan_id', '=', planId)
      .orderBy('themes.position')
      .execute(),
    db
      .selectFrom('actions')
      .select(['id', 'ref', 'title', 'status'])
      .where('plan_id', '=', planId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
      .select(['action_owners.action_id', 'owners.id', 'owners.name'])
      .where('actions.plan_id', '=', planId)
      .orderBy('action_owners.position')
      .execute(),
  ]);
  return [
    ...themes.map((theme) => ({
      key: `theme:${theme.id}` as ItemKey,
      kind: 'theme' as const,
      id: theme.id,
      ref: '',
      title: theme.title,
      status: theme.status,
      ownerIds: theme.lead_owner_id ? [theme.lead_owner_id] : [],
      ownerNames: theme.name ? [theme.name] : [],
    })),
    ...actions.map((action) => {
      const mine = owners.filter((owner) => owner.action_id === action.id);
      return {
        key: `action:${action.id}` as ItemKey,
        kind: 'action' as const,
        id: action.id,
        ref: action.ref,
        title: action.title,
        status: action.status,
        ownerIds: mine.map((owner) => owner.id),
        ownerNames: mine.map((owner) => owner.name),
      };
    }),
  ];
}

/** What a round asks about unless the manager chooses: everything not complete or cancelled. */
export function isOpenItem(item: Pick<PlanItem, 'status'>): boolean {
  return item.status === null || !isClosed(item.status);
}

function readReminderDays(checks: FieldChecks, given: RoundInput['reminderDays']): number[] {
  if (given === undefined) return defaultReminderDays;
  const parts = Array.isArray(given)
    ? given.map(String)
    : given
        .split(/[\s,;]+/)
        .map((part) => part.trim())
        .filter(Boolean);
  const days = parts.map(Number);
  if (days.some((day) => !Number.isInteger(day) || day < 0 || day > roundLimits.reminderDay)) {
    checks.fail(
      'reminderDays',
      `Reminder days must be whole numbers of days before the deadline, from 0 (the day itself) to ${roundLimits.reminderDay}, like 3, 0`,
    );
    return [];
  }
  const unique = [...new Set(days)].sort((a, b) => b - a);
  if (unique.length > roundLimits.reminderDays)
    checks.fail('reminderDays', `Choose at most ${roundLimits.reminderDays} reminder days`);
  return unique;
}

function checkRound(input: RoundInput, today: string) {
  const checks = new FieldChecks();
  const meetingName = checks.text('meetingName', 'the board or meeting', input.meetingName, {
    required: true,
    max: roundLimits.meetingName,
  });
  const meetingOn = checks.isoDate('meetingOn', 'the date of the board or meeting', input.meetingOn, {
    required: true,
  });
  const deadline = checks.isoDate('deadline', 'the deadline for updates', input.deadline, { required: true });
  if (deadline && deadline < today)
    checks.fail('deadline', 'The deadline for updates must be today or in the future');
  else if (deadline && meetingOn && deadline > meetingOn)
    checks.fail('deadline', 'The deadline for updates must be on or before the date of the board or meeting');
  const message = checks.text('message', 'the message', input.message, { max: roundLimits.message });
  const reminderDays = readReminderDays(checks, input.reminderDays);
  return { checks, meetingName, meetingOn: meetingOn ?? '', deadline: deadline ?? '', message, reminderDays };
}

/** Queues one e-mail to an owner of a round, with a new personal link if they may have one. */
async function queueRoundEmail(
  trx: Trx,
  config: MailConfig,
  kind: RoundEmailKind,
  plan: PlanRow,
  round: UpdateRoundRow,
  owner: Pick<OwnerProgress, 'ownerId' | 'name' | 'email' | 'hasAccount' | 'linksRevokedAt' | 'items'>,
  uniqueKey: string,
  now: Date,
): Promise<void> {
  const linksAllowed =
    !owner.hasAccount && owner.linksRevokedAt === null && (await personalLinksAllowed(trx));
  const linkSecret = linksAllowed ? await createPersonalLink(trx, round, owner.ownerId, now) : null;
  const content = roundEmail(config, kind, {
    plan,
    round,
    owner,
    items: owner.items,
    linkSecret,
    askForAccount: !owner.hasAccount && !linksAllowed,
  });
  await queueEmail(trx, content, { uniqueKey, planId: plan.id });
}

/**
 * Starts a round: records what is asked of whom and queues, in the same transaction, one e-mail per owner with an
 * address, listing their items (with a personal link for an owner without an account).
 */
export async function startRound(
  trx: Trx,
  actor: Actor,
  config: MailConfig,
  plan: PlanRow,
  input: RoundInput,
  now = new Date(),
): Promise<UpdateRoundRow> {
  const { checks, ...values } = checkRound(input, londonDate(now));
  const items = await planItems(trx, plan.id);
  const chosen =
    input.items === undefined
      ? items.filter(isOpenItem)
      : items.filter((item) => input.items!.includes(item.key));
  if (
    input.items !== undefined &&
    input.items.some((key) => !subjectOfKey(key) || !items.some((i) => i.key === key))
  )
    checks.fail('items', 'Choose only actions and focus areas of this plan');
  else if (chosen.length === 0) checks.fail('items', 'Choose at least one action or focus area to ask about');
  checks.done();

  const round: UpdateRoundRow = {
    id: newId(),
    plan_id: plan.id,
    meeting_name: values.meetingName,
    meeting_on: values.meetingOn,
    deadline: values.deadline,
    message: values.message,
    reminder_days: JSON.stringify(values.reminderDays),
    state: 'open',
    started_at: now.toISOString(),
    started_by: actor.name,
    closed_at: null,
    version: 1,
  };
  await trx.insertInto('update_rounds').values(round).execute();
  const ownerIds = [...new Set(chosen.flatMap((item) => item.ownerIds))];
  const owners = ownerIds.length
    ? await trx.selectFrom('owners').select(['id', 'name', 'email']).where('id', 'in', ownerIds).execute()
    : [];
  for (const owner of owners)
    await trx
      .insertInto('update_round_owners')
      .values({
        round_id: round.id,
        owner_id: owner.id,
        email: owner.email.trim(),
        links_revoked_at: null,
        last_reminded_at: null,
        last_reminded_by: null,
      })
      .execute();
  const rows = chosen.flatMap((item) =>
    (item.ownerIds.length ? item.ownerIds : [null]).map((ownerId) => ({
      id: newId(),
      round_id: round.id,
      owner_id: ownerId,
      action_id: item.kind === 'action' ? item.id : null,
      theme_id: item.kind === 'theme' ? item.id : null,
    })),
  );
  for (const row of rows) await trx.insertInto('update_round_items').values(row).execute();
  await recordChange(trx, actor, {
    recordType: 'update_round',
    recordId: round.id,
    planId: plan.id,
    change: 'create',
    after: { ...round, items: chosen.map((item) => item.key), owners: owners.map((owner) => owner.name) },
  });
  const progress = await roundProgress(trx, round);
  for (const owner of progress.owners)
    if (owner.email !== '')
      await queueRoundEmail(
        trx,
        config,
        'request',
        plan,
        round,
        owner,
        `round:${round.id}:request:${owner.ownerId}`,
        now,
      );
  return round;
}

function openRound(round: UpdateRoundRow): void {
  if (round.state !== 'open')
    throw new InvalidInputError({ round: 'This update request is closed' }, 'This update request is closed');
}

async function ownerOf(trx: Reader, round: UpdateRoundRow, ownerId: string): Promise<OwnerProgress> {
  const owner = (await roundProgress(trx, round)).owners.find((o) => o.ownerId === ownerId);
  if (!owner) throw new NotFoundError('Owner');
  return owner;
}

async function markReminded(trx: Trx, round: UpdateRoundRow, ownerId: string, by: string, at: string) {
  await trx
    .updateTable('update_round_owners')
    .set({ last_reminded_at: at, last_reminded_by: by })
    .where('round_id', '=', round.id)
    .where('owner_id', '=', ownerId)
    .execute();
}

/** A manager's "Remind now": one e-mail to one owner, now, listing their items not yet updated. */
export async function nudgeOwner(
  trx: Trx,
  actor: Actor,
  config: MailConfig,
  plan: PlanRow,
  roundId: string,
  ownerId: string,
  now = new Date(),
): Promise<void> {
  const round = await findRound(trx, plan.id, roundId);
  openRound(round);
  const owner = await ownerOf(trx, round, ownerId);
  if (owner.email === '')
    throw new InvalidInputError({
      ownerId: `${owner.name} has no e-mail address, so cannot be reminded by e-mail`,
    });
  const waiting = owner.items.filter((item) => item.updatedAt === null);
  if (waiting.length === 0)
    throw new InvalidInputError({
      ownerId: `${owner.name} has updated every item: there is nothing to remind them of`,
    });
  const at = now.toISOString();
  await queueRoundEmail(
    trx,
    config,
    'nudge',
    plan,
    round,
    { ...owner, items: waiting },
    `round:${round.id}:nudge:${ownerId}:${at}`,
    now,
  );
  await markReminded(trx, round, ownerId, actor.name, at);
  await recordChange(trx, actor, {
    recordType: 'update_round',
    recordId: round.id,
    planId: plan.id,
    change: 'update',
    after: { reminded: owner.name, items: waiting.map((item) => item.key), at },
  });
}

/** Revokes an owner's personal links in a round: none works again, and none is sent to them again in it. */
export async function revokeLinks(
  trx: Trx,
  actor: Actor,
  plan: PlanRow,
  roundId: string,
  ownerId: string,
  now = new Date(),
): Promise<void> {
  const round = await findRound(trx, plan.id, roundId);
  const owner = await ownerOf(trx, round, ownerId);
  if (owner.linksRevokedAt !== null) return;
  await trx
    .updateTable('update_round_owners')
    .set({ links_revoked_at: now.toISOString() })
    .where('round_id', '=', round.id)
    .where('owner_id', '=', ownerId)
    .execute();
  await recordChange(trx, actor, {
    recordType: 'update_round',
    recordId: round.id,
    planId: plan.id,
    change: 'update',
    after: { linksRevoked: owner.name },
  });
}

/** Closes a round: its links stop working and no more reminders go. */
export async function closeRound(
  trx: Trx,
  actor: Actor,
  plan: PlanRow,
  roundId: string,
  expectedVersion: number,
  now = new Date(),
): Promise<UpdateRoundRow> {
  const before = await findRound(trx, plan.id, roundId);
  openRound(before);
  const closedAt = now.toISOString();
  const version = await updateAtVersion(trx, 'update_rounds', roundId, expectedVersion, {
    state: 'closed',
    closed_at: closedAt,
  });
  const after: UpdateRoundRow = { ...before, state: 'closed', closed_at: closedAt, version };
  await recordChange(trx, actor, {
    recordType: 'update_round',
    recordId: roundId,
    planId: plan.id,
    change: 'update',
    before,
    after,
  });
  return after;
}

/** Whether a London day is one of the round's reminder days (its deadline less one of its day counts). */
export function isReminderDay(
  round: Pick<UpdateRoundRow, 'deadline' | 'reminder_days'>,
  day: string,
): boolean {
  return (JSON.parse(round.reminder_days) as number[]).some(
    (before) => addDays(round.deadline, -before) === day,
  );
}

/**
 * The recurring check: for each open round whose reminder day it is in London, one reminder to each owner with an
 * address and items not yet updated. Its unique key names the round, the owner and the day, so however many
 * processes run the check, and however often, each is reminded once that day. Returns how many were queued.
 */
export async function queueDueReminders(trx: Trx, config: MailConfig, now = new Date()): Promise<number> {
  const today = londonDate(now);
  const rounds = await trx
    .selectFrom('update_rounds')
    .selectAll()
    .where('state', '=', 'open')
    .where('deadline', '>=', today)
    .execute();
  let queued = 0;
  for (const round of rounds) {
    // Not on the day it began: the request itself has only just gone.
    if (!isReminderDay(round, today) || londonDate(new Date(round.started_at)) === today) continue;
    const plan = await trx
      .selectFrom('plans')
      .selectAll()
      .where('id', '=', round.plan_id)
      .executeTakeFirstOrThrow();
    for (const owner of (await roundProgress(trx, round)).owners) {
      const waiting = owner.items.filter((item) => item.updatedAt === null);
      if (owner.email === '' || waiting.length === 0) continue;
      const uniqueKey = `round:${round.id}:reminder:${owner.ownerId}:${today}`;
      const sent = await trx
        .selectFrom('jobs')
        .select('id')
        .where('unique_key', '=', uniqueKey)
        .executeTakeFirst();
      if (sent) continue;
      await queueRoundEmail(
        trx,
        config,
        'reminder',
        plan,
        round,
        { ...owner, items: waiting },
        uniqueKey,
        now,
      );
      await markReminded(trx, round, owner.ownerId, 'automatic', now.toISOString());
      queued += 1;
    }
  }
  return queued;
}

/** The updates posted on the round's items while it was open, as the Progress section of a draft report. */
async function roundUpdatesHtml(db: Reader, round: UpdateRoundRow): Promise<string> {
  const progress = await roundProgress(db, round);
  const keys = new Set(
    [...progress.owners.flatMap((owner) => owner.items), ...progress.unowned].map((item) => item.key),
  );
  const titles = new Map(
    [...progress.owners.flatMap((owner) => owner.items), ...progress.unowned].map((item) => [
      item.key,
      [item.ref, item.title].filter(Boolean).join(' '),
    ]),
  );
  let query = db
    .selectFrom('updates')
    .select(['action_id', 'theme_id', 'effective_on', 'author', 'body', 'status_change'])
    .where('plan_id', '=', round.plan_id)
    .where('created_at', '>=', round.started_at);
  if (round.closed_at) query = query.where('created_at', '<=', round.closed_at);
  const updates = (await query.orderBy('created_at').execute()).filter((update) =>
    keys.has(update.action_id ? `action:${update.action_id}` : `theme:${update.theme_id}`),
  );
  if (updates.length === 0) return '';
  const lines = updates.map((update) => {
    const key = update.action_id ? `action:${update.action_id}` : `theme:${update.theme_id}`;
    return `<li><strong>${escapeHtml(titles.get(key as ItemKey) ?? '')}</strong> (${escapeHtml(update.author)}, ${formatUkDate(update.effective_on)}): ${escapeHtml(richTextToPlain(update.body))}</li>`;
  });
  return `<p>Updates received for ${escapeHtml(round.meeting_name)} on ${formatUkDate(round.meeting_on)}:</p><ul>${lines.join('')}</ul>`;
}

/**
 * The highlight report draft for the round's period: from the day after the last published report to the meeting.
 * Opens the plan's draft for exactly that period if there is one; else starts one whose Progress section lists the
 * updates that came back in the round.
 */
export async function draftReportForRound(
  trx: Trx,
  actor: Actor,
  plan: PlanRow,
  roundId: string,
): Promise<ReportRow> {
  const round = await findRound(trx, plan.id, roundId);
  const reports = await listReports(trx, plan.id);
  const period = suggestedPeriod(reports, round.meeting_on);
  const existing = reports.find(
    (report) =>
      report.status === 'draft' &&
      report.period_start === period.periodStart &&
      report.period_end === period.periodEnd,
  );
  if (existing) return existing;
  const sections = await startingSections(trx, plan.id);
  const updates = await roundUpdatesHtml(trx, round);
  return createReport(trx, actor, plan.id, {
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    sections: { ...sections, progress: [sections.progress ?? '', updates].filter(Boolean).join('\n') },
  });
}
