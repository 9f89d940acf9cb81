// Dated updates on actions and themes: posting one may also move the status of what it is about.
import { insertRows } from '../db/insertRows.js';
import { nowIso } from '../db/migrations.js';
import type { Status, UpdateRow } from '../db/schema.js';
import { todayIso } from '../dates/ukDate.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, recordChanges, type Actor, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { statuses } from '../plans/vocabulary.js';
import { toRichText } from '../richtext/sanitise.js';
import { FieldChecks } from '../validation.js';

export interface UpdateInput {
  /** The day the update speaks for, ISO; defaults to today. */
  effectiveOn?: string;
  author?: string;
  body?: string;
  statusChange?: Status | '' | null;
}

export type UpdateSubject = { actionId: string } | { themeId: string };

function checkUpdate(actor: Actor, input: UpdateInput, existing?: UpdateRow) {
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
  const author = checks.text(
    'author',
    'who the update is from',
    input.author ?? existing?.author ?? actor.name,
    {
      required: true,
      max: 200,
    },
  );
  const body = toRichText(
    checks.text('body', 'the update', input.body ?? existing?.body, { required: true, max: 50000 }),
  );
  if (body === '' && !checks.errors.body) checks.fail('body', 'Enter the update');
  const statusChange =
    input.statusChange === undefined
      ? (existing?.status_change ?? null)
      : checks.choice('statusChange', 'a status', input.statusChange, statuses);
  checks.done();
  return { effective_on: effectiveOn, author, body, status_change: statusChange };
}

/** Moves the status of the action or theme the update is about, recording the change like any edit. */
async function applyStatusChange(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: UpdateSubject,
  status: Status,
  effectiveOn: string,
) {
  const now = nowIso();
  if ('actionId' in subject) {
    const before = await trx
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', subject.actionId)
      .executeTakeFirstOrThrow();
    if (before.status === status) return;
    const completedOn = status === 'complete' ? (before.completed_on ?? effectiveOn) : null;
    const after = {
      ...before,
      status,
      completed_on: completedOn,
      version: before.version + 1,
      updated_at: now,
    };
    await trx
      .updateTable('actions')
      .set({ status, completed_on: completedOn, version: after.version, updated_at: now })
      .where('id', '=', before.id)
      .execute();
    await recordChange(trx, actor, {
      recordType: 'action',
      recordId: before.id,
      planId,
      change: 'update',
      before,
      after,
    });
  } else {
    const before = await trx
      .selectFrom('themes')
      .selectAll()
      .where('id', '=', subject.themeId)
      .executeTakeFirstOrThrow();
    if (before.status === status) return;
    const after = { ...before, status, version: before.version + 1, updated_at: now };
    await trx
      .updateTable('themes')
      .set({ status, version: after.version, updated_at: now })
      .where('id', '=', before.id)
      .execute();
    await recordChange(trx, actor, {
      recordType: 'theme',
      recordId: before.id,
      planId,
      change: 'update',
      before,
      after,
    });
  }
}

/** Throws NotFoundError unless the action or theme belongs to the plan. */
export async function checkSubject(trx: Trx, planId: string, subject: UpdateSubject): Promise<void> {
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
): Promise<UpdateRow> {
  await checkSubject(trx, planId, subject);
  const values = checkUpdate(actor, input);
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
  if (update.status_change)
    await applyStatusChange(trx, actor, planId, subject, update.status_change, update.effective_on);
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
      posted.push(await postUpdate(trx, actor, planId, subject, input));
      continue;
    }
    rows.push({
      id: newId(),
      plan_id: planId,
      action_id: 'actionId' in subject ? subject.actionId : null,
      theme_id: 'themeId' in subject ? subject.themeId : null,
      ...checkUpdate(actor, input),
      version: 1,
      created_at: now,
    });
  }
  await insertRows(trx, 'updates', rows);
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

export async function findUpdate(trx: Trx, planId: string, updateId: string): Promise<UpdateRow> {
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
  if (before.version !== expectedVersion) throw new ConflictError('This update', before.version, before);
  if (input.statusChange !== undefined && (input.statusChange || null) !== before.status_change) {
    throw new InvalidInputError({
      statusChange: 'The status an update recorded cannot be changed; post a new update instead',
    });
  }
  const values = checkUpdate(actor, input, before);
  const after: UpdateRow = { ...before, ...values, version: before.version + 1 };
  const result = await trx
    .updateTable('updates')
    .set({
      effective_on: values.effective_on,
      author: values.author,
      body: values.body,
      version: after.version,
    })
    .where('id', '=', updateId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConflictError('This update', after.version, before);
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
  await recordChange(trx, actor, {
    recordType: 'update',
    recordId: updateId,
    planId,
    change: 'delete',
    before,
  });
}

/** The updates on one action or theme, newest first. */
export async function updatesOn(trx: Trx, planId: string, subject: UpdateSubject): Promise<UpdateRow[]> {
  await checkSubject(trx, planId, subject);
  return trx
    .selectFrom('updates')
    .selectAll()
    .where('plan_id', '=', planId)
    .where(
      'actionId' in subject ? 'action_id' : 'theme_id',
      '=',
      'actionId' in subject ? subject.actionId : subject.themeId,
    )
    .orderBy('effective_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}
