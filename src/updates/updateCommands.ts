// Dated updates on actions and themes: posting one may also move the status of what it is about.
import { insertRows } from '../db/insertRows.js';
import { nowIso } from '../db/migrations.js';
import type { Status, UpdateRow } from '../db/schema.js';
import { todayIso } from '../dates/ukDate.js';
import { updateAction } from '../actions/actionCommands.js';
import { checkVersion, lockedState, updateAtVersion } from '../db/versionedUpdate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, recordChanges, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { statuses } from '../plans/vocabulary.js';
import { updateTheme } from '../themes/themeCommands.js';
import { toRichText } from '../richtext/sanitise.js';
import { reindexUpdated } from '../search/searchIndex.js';
import { updateLimits } from '../fieldLimits.js';
import { FieldChecks } from '../validation.js';

export interface UpdateInput {
  /** The day the update speaks for, ISO; defaults to today. */
  effectiveOn?: string;
  author?: string;
  body?: string;
  statusChange?: Status | '' | null;
}

export type UpdateSubject = { actionId: string } | { themeId: string };

/**
 * How an update came: typed by a person (the form, My work, a personal link, the API), or read from a document being
 * imported, whose dated entries are kept as the document has them.
 */
export type UpdateSource = 'person' | 'document';

function checkUpdate(
  actor: Actor,
  input: UpdateInput,
  existing?: UpdateRow,
  source: UpdateSource = 'person',
) {
  const checks = new FieldChecks();
  const effectiveOn =
    checks.isoDate(
      'effectiveOn',
      'the date of the update',
      input.effectiveOn ?? existing?.effective_on ?? todayIso(),
      {
        required: true,
      },
    ) ?? '';
  // An update speaks for what has happened: every door (form, My work, personal link, API) is held to it here.
  if (source === 'person' && effectiveOn > todayIso() && effectiveOn !== existing?.effective_on) {
    checks.fail('effectiveOn', 'The date of the update must be today or in the past');
  }
  const author = checks.text(
    'author',
    'who the update is from',
    input.author ?? existing?.author ?? actor.name,
    {
      required: true,
      max: updateLimits.author,
    },
  );
  const body = toRichText(
    checks.text('body', 'the update', input.body ?? existing?.body, {
      required: true,
      max: updateLimits.body,
    }),
  );
  if (body === '' && !checks.errors.body) checks.fail('body', 'Enter the update');
  const statusChange =
    input.statusChange === undefined
      ? (existing?.status_change ?? null)
      : checks.choice('statusChange', 'a status', input.statusChange, statuses);
  checks.done();
  return { effective_on: effectiveOn, author, body, status_change: statusChange };
}

/**
 * Moves the status of the action or theme the update is about through that record's own command, as an edit would.
 * The change starts from the record as stored now, read under lock (lockedState), so that it is worked out from
 * what it replaces and an edit opened before it is refused as stale. Says whether the status moved: the record's
 * command then indexed it for search, the new update with it.
 */
async function applyStatusChange(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: UpdateSubject,
  status: Status,
  effectiveOn: string,
): Promise<boolean> {
  const table = 'actionId' in subject ? 'actions' : 'themes';
  const id = 'actionId' in subject ? subject.actionId : subject.themeId;
  const current = await lockedState(trx, table, planId, id);
  if (!current) throw new NotFoundError('actionId' in subject ? 'Action' : 'Theme');
  if (current.status === status) return false;
  if ('actionId' in subject)
    await updateAction(trx, actor, planId, id, current.version, { status, statusOn: effectiveOn });
  else await updateTheme(trx, actor, planId, id, current.version, { status });
  return true;
}

/** Throws NotFoundError unless the action or theme belongs to the plan. */
export async function checkSubject(trx: Reader, planId: string, subject: UpdateSubject): Promise<void> {
  const table = 'actionId' in subject ? 'actions' : 'themes';
  const id = 'actionId' in subject ? subject.actionId : subject.themeId;
  const found = await trx
    .selectFrom(table)
    .select('id')
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!found) throw new NotFoundError('actionId' in subject ? 'Action' : 'Theme');
}

export async function postUpdate(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: UpdateSubject,
  input: UpdateInput,
  source: UpdateSource = 'person',
): Promise<UpdateRow> {
  await checkSubject(trx, planId, subject);
  const values = checkUpdate(actor, input, undefined, source);
  const update: UpdateRow = {
    id: newId(),
    plan_id: planId,
    action_id: 'actionId' in subject ? subject.actionId : null,
    theme_id: 'themeId' in subject ? subject.themeId : null,
    ...values,
    version: 1,
    created_at: nowIso(),
  };
  await trx.insertInto('updates').values(update).execute();
  await recordChange(trx, actor, {
    recordType: 'update',
    recordId: update.id,
    planId,
    change: 'create',
    after: update,
  });
  const moved =
    update.status_change !== null &&
    (await applyStatusChange(trx, actor, planId, subject, update.status_change, update.effective_on));
  // Indexed last: a status change locks the action first, as an edit does, and only then its search document, so a
  // post and an edit of one action never hold one lock each while waiting for the other's. A status that moved was
  // indexed, with this update, by the record's own command.
  if (!moved) await reindexUpdated(trx, [update]);
  return update;
}

/**
 * Posts many updates at once, each checked as postUpdate checks it, for imports. The subjects must be known to belong
 * to the plan (the caller has just created or found them). Updates that move a status go one by one through postUpdate.
 */
export async function postUpdates(
  trx: Trx,
  actor: Actor,
  planId: string,
  items: { subject: UpdateSubject; input: UpdateInput }[],
): Promise<UpdateRow[]> {
  const posted: UpdateRow[] = [];
  const rows: UpdateRow[] = [];
  const now = nowIso();
  for (const { subject, input } of items) {
    if (input.statusChange) {
      posted.push(await postUpdate(trx, actor, planId, subject, input, 'document'));
      continue;
    }
    rows.push({
      id: newId(),
      plan_id: planId,
      action_id: 'actionId' in subject ? subject.actionId : null,
      theme_id: 'themeId' in subject ? subject.themeId : null,
      ...checkUpdate(actor, input, undefined, 'document'),
      version: 1,
      created_at: now,
    });
  }
  await insertRows(trx, 'updates', rows);
  await reindexUpdated(trx, rows);
  await recordChanges(
    trx,
    actor,
    rows.map((update) => ({
      recordType: 'update',
      recordId: update.id,
      planId,
      change: 'create',
      after: update,
    })),
  );
  return [...posted, ...rows];
}

export async function findUpdate(trx: Reader, planId: string, updateId: string): Promise<UpdateRow> {
  const update = await trx
    .selectFrom('updates')
    .selectAll()
    .where('id', '=', updateId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!update) throw new NotFoundError('Update');
  return update;
}

/** Corrects an update's text, date or author; a status it moved stays moved (post a new update to move it again). */
export async function editUpdate(
  trx: Trx,
  actor: Actor,
  planId: string,
  updateId: string,
  expectedVersion: number,
  input: UpdateInput,
): Promise<UpdateRow> {
  const before = await findUpdate(trx, planId, updateId);
  checkVersion('updates', before, expectedVersion);
  if (input.statusChange !== undefined && (input.statusChange || null) !== before.status_change) {
    throw new InvalidInputError({
      statusChange: 'The status an update recorded cannot be changed; post a new update instead',
    });
  }
  const values = checkUpdate(actor, input, before);
  const version = await updateAtVersion(trx, 'updates', updateId, expectedVersion, {
    effective_on: values.effective_on,
    author: values.author,
    body: values.body,
  });
  const after: UpdateRow = { ...before, ...values, version };
  await reindexUpdated(trx, [before]);
  await recordChange(trx, actor, {
    recordType: 'update',
    recordId: updateId,
    planId,
    change: 'update',
    before,
    after,
  });
  return after;
}

export async function deleteUpdate(trx: Trx, actor: Actor, planId: string, updateId: string): Promise<void> {
  const before = await findUpdate(trx, planId, updateId);
  await trx.deleteFrom('updates').where('id', '=', updateId).execute();
  await reindexUpdated(trx, [before]);
  await recordChange(trx, actor, {
    recordType: 'update',
    recordId: updateId,
    planId,
    change: 'delete',
    before,
  });
}

/** The updates on one action or theme, newest first. */
export async function updatesOn(trx: Reader, planId: string, subject: UpdateSubject): Promise<UpdateRow[]> {
  await checkSubject(trx, planId, subject);
  return updatesNewestFirst(trx, planId, subject);
}

/** As updatesOn, for a caller that has already found the action or theme (so both reads can go at once). */
export function updatesNewestFirst(
  trx: Reader,
  planId: string,
  subject: UpdateSubject,
): Promise<UpdateRow[]> {
  return updatesOf(trx, planId, subject)
    .selectAll()
    .orderBy('effective_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

function updatesOf(trx: Reader, planId: string, subject: UpdateSubject) {
  return trx
    .selectFrom('updates')
    .where('plan_id', '=', planId)
    .where(
      'actionId' in subject ? 'action_id' : 'theme_id',
      '=',
      'actionId' in subject ? subject.actionId : subject.themeId,
    );
}

/** One page of the updates on one action or theme, newest first, and how many there are in all. */
export async function updatePageOn(
  trx: Reader,
  planId: string,
  subject: UpdateSubject,
  page: { limit: number; offset: number },
): Promise<{ updates: UpdateRow[]; total: number }> {
  await checkSubject(trx, planId, subject);
  const [updates, counted] = await Promise.all([
    updatesOf(trx, planId, subject)
      .selectAll()
      .orderBy('effective_on', 'desc')
      .orderBy('created_at', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    updatesOf(trx, planId, subject)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  return { updates, total: Number(counted.count) };
}
