// Creating, changing and deleting actions (deliverables); each writes history in the caller's transaction.
import { insertRows } from '../db/insertRows.js';
import { checkVersion, updateAtVersion } from '../db/versionedUpdate.js';
import { nowIso } from '../db/migrations.js';
import type { ActionOwnerRow, ActionRow, OwnerRow, Rag, Status } from '../db/schema.js';
import { parseTargetDate } from '../dates/targetDate.js';
import { setActionFindings } from '../findings/findingCommands.js';
import { todayIso } from '../dates/ukDate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, recordChanges, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { noticeActionChange } from '../notifications/changeNotices.js';
import { findOrCreateOwners, ownerNameKey } from '../owners/ownerCommands.js';
import { nextPosition } from '../plans/planCommands.js';
import { rags, statuses } from '../plans/vocabulary.js';
import { toRichText } from '../richtext/sanitise.js';
import { reindexActions } from '../search/searchIndex.js';
import { actionLimits } from '../fieldLimits.js';
import { FieldChecks } from '../validation.js';
import { isPercentComplete, percentCompleteMessage } from './percentComplete.js';
import { removeStaffMark } from '../staff/staffPageCommands.js';

export interface ActionInput {
  ref?: string;
  title?: string;
  description?: string;
  /** Owner names, people or teams; new names are added to the owners directory. */
  owners?: string[];
  themeId?: string | null;
  horizonId?: string | null;
  status?: Status;
  rag?: Rag | '' | null;
  ragReason?: string;
  progress?: string;
  futureActions?: string;
  targetDate?: string;
  revisedTargetDate?: string;
  revisedReason?: string;
  completedOn?: string | null;
  /** A whole number from 0 to 100; null for none. */
  percentComplete?: number | null;
  /**
   * The day a change of status takes effect, for the completion date: a dated update's own date. Today when not
   * given. Not part of the API or the forms, which say completedOn when they mean a day.
   */
  statusOn?: string;
}

/** An action as stored, with its owners' names in order. */
export type ActionWithOwners = ActionRow & { owners: string[] };

/** The plan's theme and horizon ids, when a batch has already looked them up. */
interface KnownParents {
  themes: Set<string>;
  horizons: Set<string>;
}

async function checkParents(
  trx: Trx,
  checks: FieldChecks,
  planId: string,
  themeId: string | null,
  horizonId: string | null,
  known?: KnownParents,
) {
  if (known) {
    if (themeId && !known.themes.has(themeId)) checks.fail('themeId', 'Choose a theme of this plan');
    if (horizonId && !known.horizons.has(horizonId))
      checks.fail('horizonId', 'Choose a horizon of this plan');
    return;
  }
  if (themeId) {
    const theme = await trx
      .selectFrom('themes')
      .select('id')
      .where('id', '=', themeId)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    if (!theme) checks.fail('themeId', 'Choose a theme of this plan');
  }
  if (horizonId) {
    const horizon = await trx
      .selectFrom('horizons')
      .select('id')
      .where('id', '=', horizonId)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    if (!horizon) checks.fail('horizonId', 'Choose a horizon of this plan');
  }
}

async function actionValues(
  trx: Trx,
  planId: string,
  input: ActionInput,
  existing?: ActionRow,
  known?: KnownParents,
) {
  const checks = new FieldChecks();
  const themeId = input.themeId === undefined ? (existing?.theme_id ?? null) : input.themeId || null;
  const horizonId = input.horizonId === undefined ? (existing?.horizon_id ?? null) : input.horizonId || null;
  await checkParents(trx, checks, planId, themeId, horizonId, known);
  const status =
    checks.choice('status', 'a status', input.status ?? existing?.status ?? 'not_started', statuses, {
      required: true,
    }) ?? 'not_started';
  const targetText = checks.text('targetDate', 'the target date', input.targetDate ?? existing?.target_text, {
    max: actionLimits.targetDate,
  });
  const revisedText = checks.text(
    'revisedTargetDate',
    'the revised target date',
    input.revisedTargetDate ?? existing?.revised_target_text,
    {
      max: actionLimits.revisedTargetDate,
    },
  );
  const revisedReason = checks.text(
    'revisedReason',
    'the reason the date moved',
    input.revisedReason ?? existing?.revised_reason,
    {
      max: actionLimits.revisedReason,
    },
  );
  if (revisedText !== '' && revisedReason === '')
    checks.fail('revisedReason', 'Enter the reason the target date moved');
  const owners = (input.owners ?? [])
    .map((name) => name.trim().replace(/\s+/g, ' '))
    .filter((name) => name !== '');
  for (const name of owners)
    if (name.length > actionLimits.owners)
      checks.fail('owners', `Each owner must be ${actionLimits.owners} characters or fewer`);
  const completedOn = completionDate(
    status,
    existing?.completed_on ?? null,
    input.completedOn === undefined
      ? undefined
      : checks.isoDate('completedOn', 'the completion date', input.completedOn),
    input.statusOn ?? todayIso(),
  );
  const percentComplete =
    input.percentComplete === undefined ? (existing?.percent_complete ?? null) : input.percentComplete;
  if (percentComplete !== null && !isPercentComplete(percentComplete))
    checks.fail('percentComplete', percentCompleteMessage);
  const target = parseTargetDate(targetText);
  const revised = parseTargetDate(revisedText);
  const values = {
    theme_id: themeId,
    horizon_id: horizonId,
    ref: checks.text('ref', 'the reference', input.ref ?? existing?.ref, { max: actionLimits.ref }),
    title: checks.text('title', 'the action', input.title ?? existing?.title, {
      required: true,
      max: actionLimits.title,
    }),
    description: toRichText(
      checks.text('description', 'the description', input.description ?? existing?.description, {
        max: actionLimits.description,
      }),
    ),
    status,
    rag:
      input.rag === undefined
        ? (existing?.rag ?? null)
        : checks.choice('rag', 'a RAG status', input.rag, rags),
    rag_reason: checks.text(
      'ragReason',
      'the reason for the RAG status',
      input.ragReason ?? existing?.rag_reason,
      { max: actionLimits.ragReason },
    ),
    progress: toRichText(
      checks.text('progress', 'the progress', input.progress ?? existing?.progress, {
        max: actionLimits.progress,
      }),
    ),
    future_actions: toRichText(
      checks.text(
        'futureActions',
        'the future planned actions',
        input.futureActions ?? existing?.future_actions,
        { max: actionLimits.futureActions },
      ),
    ),
    target_text: targetText,
    target_kind: target.kind,
    target_start: target.start,
    target_end: target.end,
    revised_target_text: revisedText,
    revised_target_kind: revised.kind,
    revised_target_start: revised.start,
    revised_target_end: revised.end,
    revised_reason: revisedReason,
    completed_on: completedOn,
    percent_complete: percentComplete,
  };
  checks.done();
  return { values, owners: input.owners === undefined ? undefined : owners };
}

/**
 * The one rule for an action's completion date, whether an edit or a dated update moves its status: a date given
 * stands; otherwise completion is dated the day the change takes effect and kept while the action stays complete,
 * and reopening clears it.
 */
export function completionDate(
  status: Status,
  current: string | null,
  given: string | null | undefined,
  on: string,
): string | null {
  if (given !== undefined) return given;
  if (status !== 'complete') return null;
  return current ?? on;
}

/** The action's owner links in the order named, each owner once, with the owners' names as the directory spells them. */
function ownerLinks(actionId: string, named: string[], owners: Map<string, OwnerRow>) {
  const links: ActionOwnerRow[] = [];
  const names: string[] = [];
  for (const name of named) {
    const owner = owners.get(ownerNameKey(name))!;
    if (links.some((link) => link.owner_id === owner.id)) continue;
    links.push({ action_id: actionId, owner_id: owner.id, position: links.length });
    names.push(owner.name);
  }
  return { links, names };
}

async function setActionOwners(trx: Trx, actor: Actor, actionId: string, named: string[]): Promise<string[]> {
  await trx.deleteFrom('action_owners').where('action_id', '=', actionId).execute();
  const { links, names } = ownerLinks(actionId, named, await findOrCreateOwners(trx, actor, named));
  await insertRows(trx, 'action_owners', links);
  return names;
}

export async function ownerNamesOf(trx: Reader, actionId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('action_owners')
    .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
    .select('owners.name')
    .where('action_owners.action_id', '=', actionId)
    .orderBy('action_owners.position')
    .execute();
  return rows.map((row) => row.name);
}

export async function createAction(
  trx: Trx,
  actor: Actor,
  planId: string,
  input: ActionInput,
): Promise<ActionWithOwners> {
  const { values, owners } = await actionValues(trx, planId, input);
  const now = nowIso();
  const action: ActionRow = {
    id: newId(),
    plan_id: planId,
    ...values,
    position: await nextPosition(trx, 'actions', planId),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('actions').values(action).execute();
  const ownerNames = await setActionOwners(trx, actor, action.id, owners ?? []);
  await reindexActions(trx, [action.id]);
  const after = { ...action, owners: ownerNames };
  await recordChange(trx, actor, {
    recordType: 'action',
    recordId: action.id,
    planId,
    change: 'create',
    after,
  });
  return after;
}

/**
 * Creates many actions at the end of the plan at once, each checked as createAction checks it: for imports, where
 * one statement per row would make a large file slow. The first invalid action stops the batch, naming its row.
 */
export async function createActions(
  trx: Trx,
  actor: Actor,
  planId: string,
  inputs: ActionInput[],
): Promise<ActionWithOwners[]> {
  if (inputs.length === 0) return [];
  const [themes, horizons] = await Promise.all([
    trx.selectFrom('themes').select('id').where('plan_id', '=', planId).execute(),
    trx.selectFrom('horizons').select('id').where('plan_id', '=', planId).execute(),
  ]);
  const known = { themes: new Set(themes.map((t) => t.id)), horizons: new Set(horizons.map((h) => h.id)) };
  let position = await nextPosition(trx, 'actions', planId);
  const now = nowIso();
  const checkedActions: { action: ActionRow; owners: string[] }[] = [];
  for (const [index, input] of inputs.entries()) {
    let checked: Awaited<ReturnType<typeof actionValues>>;
    try {
      checked = await actionValues(trx, planId, input, undefined, known);
    } catch (error) {
      if (error instanceof InvalidInputError)
        throw new InvalidInputError(
          error.fieldErrors,
          `Action ${index + 1} (${input.title ?? 'untitled'}): ${Object.values(error.fieldErrors).join('; ')}`,
        );
      throw error;
    }
    const action: ActionRow = {
      id: newId(),
      plan_id: planId,
      ...checked.values,
      position: position++,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    checkedActions.push({ action, owners: checked.owners ?? [] });
  }
  // Every owner named is looked up (or added) together once all the actions have passed their checks.
  const owners = await findOrCreateOwners(
    trx,
    actor,
    checkedActions.flatMap((a) => a.owners),
  );
  const created: ActionWithOwners[] = [];
  const links: ActionOwnerRow[] = [];
  for (const { action, owners: named } of checkedActions) {
    const owned = ownerLinks(action.id, named, owners);
    links.push(...owned.links);
    created.push({ ...action, owners: owned.names });
  }
  await insertRows(
    trx,
    'actions',
    created.map(({ owners: _owners, ...row }) => row),
  );
  await insertRows(trx, 'action_owners', links);
  await reindexActions(
    trx,
    created.map((action) => action.id),
  );
  await recordChanges(
    trx,
    actor,
    created.map((action) => ({
      recordType: 'action',
      recordId: action.id,
      planId,
      change: 'create',
      after: action,
    })),
  );
  return created;
}

export async function findAction(trx: Reader, planId: string, actionId: string): Promise<ActionWithOwners> {
  const action = await trx
    .selectFrom('actions')
    .selectAll()
    .where('id', '=', actionId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!action) throw new NotFoundError('Action');
  return { ...action, owners: await ownerNamesOf(trx, actionId) };
}

export async function updateAction(
  trx: Trx,
  actor: Actor,
  planId: string,
  actionId: string,
  expectedVersion: number,
  input: ActionInput,
): Promise<ActionWithOwners> {
  const before = await findAction(trx, planId, actionId);
  checkVersion('actions', before, expectedVersion);
  const { values, owners } = await actionValues(trx, planId, input, before);
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'actions', actionId, expectedVersion, {
    ...values,
    updated_at: updatedAt,
  });
  const ownerNames =
    owners === undefined ? before.owners : await setActionOwners(trx, actor, actionId, owners);
  await reindexActions(trx, [actionId]);
  const after: ActionWithOwners = {
    ...before,
    ...values,
    owners: ownerNames,
    version,
    updated_at: updatedAt,
  };
  await recordChange(trx, actor, {
    recordType: 'action',
    recordId: actionId,
    planId,
    change: 'update',
    before,
    after,
  });
  await noticeActionChange(trx, actor, before, after);
  return after;
}

/** Deletes an action with its updates; the history keeps both. */
export async function deleteAction(trx: Trx, actor: Actor, planId: string, actionId: string): Promise<void> {
  const before = await findAction(trx, planId, actionId);
  const updates = await trx.selectFrom('updates').selectAll().where('action_id', '=', actionId).execute();
  for (const update of updates) {
    await recordChange(trx, actor, {
      recordType: 'update',
      recordId: update.id,
      planId,
      change: 'delete',
      before: update,
    });
  }
  await trx.deleteFrom('updates').where('action_id', '=', actionId).execute();
  // The findings it answered are answered by it no longer, each with its row of history.
  await setActionFindings(trx, actor, planId, actionId, []);
  await removeStaffMark(trx, actor, planId, { kind: 'action', id: actionId });
  await trx.deleteFrom('action_owners').where('action_id', '=', actionId).execute();
  await trx.deleteFrom('actions').where('id', '=', actionId).execute();
  await reindexActions(trx, [actionId]);
  await recordChange(trx, actor, {
    recordType: 'action',
    recordId: actionId,
    planId,
    change: 'delete',
    before,
  });
}
