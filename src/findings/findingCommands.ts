// Creating, changing and deleting a plan's findings, and setting the findings an action answers; each writes history
// in the caller's transaction.
import { nowIso } from '../db/migrations.js';
import type { FindingKind, FindingRow } from '../db/schema.js';
import { checkVersion, forChange, holdPlan, updateAtVersion } from '../db/versionedUpdate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { findingLimits } from '../fieldLimits.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { nextPosition } from '../plans/planCommands.js';
import { FieldChecks } from '../validation.js';
import { findingKinds } from './findingKinds.js';
import { removeStaffMark } from '../staff/staffPageCommands.js';

export interface FindingInput {
  reference?: string;
  text?: string;
  kind?: FindingKind | '' | null;
  sourceDocument?: string;
  /** ISO date; null or '' for none. */
  sourceDate?: string | null;
  /** In the source's words ("High", "Must do"); '' or null for none. */
  priority?: string | null;
}

/** A link between an action and a finding as its history keeps it: with the names a reader of the history needs. */
export interface ActionFindingRecord {
  action_id: string;
  finding_id: string;
  action_ref: string;
  action_title: string;
  finding_reference: string;
}

async function findingValues(
  trx: Trx,
  planId: string,
  input: FindingInput,
  existing?: FindingRow,
): Promise<Omit<FindingRow, 'id' | 'plan_id' | 'position' | 'version' | 'created_at' | 'updated_at'>> {
  const checks = new FieldChecks();
  const reference = checks.text('reference', 'the reference', input.reference ?? existing?.reference, {
    required: true,
    max: findingLimits.reference,
  });
  const text = checks.text('text', 'the text of the finding', input.text ?? existing?.text, {
    required: true,
    max: findingLimits.text,
  });
  const kind = checks.choice(
    'kind',
    'the kind of finding',
    input.kind === undefined ? existing?.kind : input.kind,
    findingKinds,
    { required: true },
  );
  const sourceDocument = checks.text(
    'sourceDocument',
    'the source document',
    input.sourceDocument ?? existing?.source_document,
    { max: findingLimits.sourceDocument },
  );
  const sourceDate =
    input.sourceDate === undefined
      ? (existing?.source_date ?? null)
      : checks.isoDate('sourceDate', 'the date of the source', input.sourceDate);
  const priority =
    input.priority === undefined
      ? (existing?.priority ?? '')
      : checks.text('priority', 'the priority', input.priority, { max: findingLimits.priority });
  if (reference !== '' && reference !== existing?.reference) {
    // Held until the transaction ends: two people giving the same new reference at once are then checked one after
    // the other, so the second is told it is taken instead of both being saved (PostgreSQL; SQLite writes one at a time).
    await holdPlan(trx, planId);
    const taken = await trx
      .selectFrom('findings')
      .select('id')
      .where('plan_id', '=', planId)
      .where('reference', '=', reference)
      .$if(existing !== undefined, (q) => q.where('id', '!=', existing!.id))
      .executeTakeFirst();
    if (taken)
      checks.fail('reference', `This plan already has a finding ${reference}: choose another reference`);
  }
  checks.done();
  return {
    reference,
    text,
    kind: kind!,
    source_document: sourceDocument,
    source_date: sourceDate,
    priority: priority === '' ? null : priority,
  };
}

export async function createFinding(
  trx: Trx,
  actor: Actor,
  planId: string,
  input: FindingInput,
): Promise<FindingRow> {
  const values = await findingValues(trx, planId, input);
  const now = nowIso();
  const finding: FindingRow = {
    id: newId(),
    plan_id: planId,
    ...values,
    position: await nextPosition(trx, 'findings', planId),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('findings').values(finding).execute();
  await recordChange(trx, actor, {
    recordType: 'finding',
    recordId: finding.id,
    planId,
    change: 'create',
    after: finding,
  });
  return finding;
}

export async function findFinding(trx: Reader, planId: string, findingId: string): Promise<FindingRow> {
  const finding = await trx
    .selectFrom('findings')
    .selectAll()
    .where('id', '=', findingId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!finding) throw new NotFoundError('Finding');
  return finding;
}

export async function updateFinding(
  trx: Trx,
  actor: Actor,
  planId: string,
  findingId: string,
  expectedVersion: number,
  input: FindingInput,
): Promise<FindingRow> {
  const before = await findFinding(trx, planId, findingId);
  checkVersion('findings', before, expectedVersion);
  const values = await findingValues(trx, planId, input, before);
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'findings', findingId, expectedVersion, {
    ...values,
    updated_at: updatedAt,
  });
  const after: FindingRow = { ...before, ...values, version, updated_at: updatedAt };
  await recordChange(trx, actor, {
    recordType: 'finding',
    recordId: findingId,
    planId,
    change: 'update',
    before,
    after,
  });
  return after;
}

/** Deletes a finding; the actions that answered it stay, answering it no longer, and the history says so. */
export async function deleteFinding(
  trx: Trx,
  actor: Actor,
  planId: string,
  findingId: string,
): Promise<void> {
  const before = await forChange(
    trx,
    trx.selectFrom('findings').selectAll().where('id', '=', findingId).where('plan_id', '=', planId),
    { deleting: true },
  ).executeTakeFirst();
  if (!before) throw new NotFoundError('Finding');
  for (const link of await linksOf(trx, { findingId }))
    await recordChange(trx, actor, {
      recordType: 'action_finding',
      recordId: findingId,
      planId,
      change: 'delete',
      before: link,
    });
  await trx.deleteFrom('action_findings').where('finding_id', '=', findingId).execute();
  await removeStaffMark(trx, actor, planId, { kind: 'finding', id: findingId });
  await trx.deleteFrom('findings').where('id', '=', findingId).execute();
  await recordChange(trx, actor, {
    recordType: 'finding',
    recordId: findingId,
    planId,
    change: 'delete',
    before,
  });
}

/** The links of an action or of a finding, each with the names its history keeps. */
async function linksOf(
  trx: Reader,
  of: { actionId: string } | { findingId: string },
): Promise<ActionFindingRecord[]> {
  return trx
    .selectFrom('action_findings')
    .innerJoin('actions', 'actions.id', 'action_findings.action_id')
    .innerJoin('findings', 'findings.id', 'action_findings.finding_id')
    .select([
      'action_findings.action_id',
      'action_findings.finding_id',
      'actions.ref as action_ref',
      'actions.title as action_title',
      'findings.reference as finding_reference',
    ])
    .$if('actionId' in of, (q) =>
      q.where('action_findings.action_id', '=', (of as { actionId: string }).actionId),
    )
    .$if('findingId' in of, (q) =>
      q.where('action_findings.finding_id', '=', (of as { findingId: string }).findingId),
    )
    .orderBy('findings.position')
    .orderBy('actions.position')
    .execute();
}

/**
 * Makes the findings an action answers exactly these: each finding newly answered, and each no longer, is a row of
 * history ("Action 2.1 now answers finding R3"). A finding of another plan, or one that does not exist, is refused and
 * nothing is changed.
 */
export async function setActionFindings(
  trx: Trx,
  actor: Actor,
  planId: string,
  actionId: string,
  findingIds: string[],
): Promise<void> {
  const action = await forChange(
    trx,
    trx
      .selectFrom('actions')
      .select(['id', 'ref', 'title'])
      .where('id', '=', actionId)
      .where('plan_id', '=', planId),
  ).executeTakeFirst();
  if (!action) throw new NotFoundError('Action');
  const wanted = [...new Set(findingIds)];
  const findings =
    wanted.length === 0
      ? []
      : await trx
          .selectFrom('findings')
          .select(['id', 'reference'])
          .where('plan_id', '=', planId)
          .where('id', 'in', wanted)
          .orderBy('position')
          .execute();
  if (findings.length !== wanted.length)
    throw new InvalidInputError({ findingIds: 'Choose findings of this plan' });
  const current = await linksOf(trx, { actionId });
  const currentIds = new Set(current.map((link) => link.finding_id));
  const added = findings.filter((finding) => !currentIds.has(finding.id));
  const removed = current.filter((link) => !wanted.includes(link.finding_id));
  if (removed.length > 0)
    await trx
      .deleteFrom('action_findings')
      .where('action_id', '=', actionId)
      .where(
        'finding_id',
        'in',
        removed.map((link) => link.finding_id),
      )
      .execute();
  for (const link of removed)
    await recordChange(trx, actor, {
      recordType: 'action_finding',
      recordId: link.finding_id,
      planId,
      change: 'delete',
      before: link,
    });
  for (const finding of added) {
    await trx.insertInto('action_findings').values({ action_id: actionId, finding_id: finding.id }).execute();
    const link: ActionFindingRecord = {
      action_id: actionId,
      finding_id: finding.id,
      action_ref: action.ref,
      action_title: action.title,
      finding_reference: finding.reference,
    };
    await recordChange(trx, actor, {
      recordType: 'action_finding',
      recordId: finding.id,
      planId,
      change: 'create',
      after: link,
    });
  }
}
