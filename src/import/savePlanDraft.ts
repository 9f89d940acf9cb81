// Saves a plan draft, as a new plan or merged into an existing one, through the same commands people use.
// Merging matches themes by title, actions by reference (else by title) and updates by date and words, and writes only
// what reads otherwise (mergeChanges.ts), so saving the same document twice changes nothing the second time.
import { createActions, updateAction, type ActionInput } from '../actions/actionCommands.js';
import type { PlanRow } from '../db/schema.js';
import { InvalidInputError } from '../errors.js';
import { createFinding, setActionFindings } from '../findings/findingCommands.js';
import { findingsAnsweredBy } from '../findings/findingQueries.js';
import type { Actor, Trx } from '../history/recordChange.js';
import { createPlan, setHorizons, updatePlan } from '../plans/planCommands.js';
import { createOwner, ownerNameKey, type OwnerInput } from '../owners/ownerCommands.js';
import { keepDraftReport } from '../reports/reportCommands.js';
import { createTheme, updateTheme, type ThemeInput } from '../themes/themeCommands.js';
import { postUpdate, postUpdates, type UpdateSubject } from '../updates/updateCommands.js';
import {
  actionChanges,
  loadStoredPlan,
  matchActions,
  matchKey,
  matchTheme,
  newUpdates,
  planChanges,
  reportChanges,
  themeChanges,
  updateKey,
  type StoredTheme,
} from './mergeChanges.js';
import type { DraftAction, DraftFinding, DraftTheme, DraftUpdate, PlanDraft } from './planDraft.js';

export interface SaveCounts {
  themesAdded: number;
  themesChanged: number;
  actionsAdded: number;
  actionsChanged: number;
  updatesAdded: number;
  findingsAdded: number;
  /** Actions newly linked to a finding they answer. */
  findingLinksAdded: number;
  report: 'created' | 'changed' | 'unchanged' | 'none';
}

export interface SaveResult {
  plan: PlanRow;
  created: boolean;
  counts: SaveCounts;
}

const key = matchKey;

/** Saves the draft as a new plan, or into `into` when given. The caller owns the transaction. */
export async function savePlanDraft(
  trx: Trx,
  actor: Actor,
  draft: PlanDraft,
  into: PlanRow | null = null,
): Promise<SaveResult> {
  const counts: SaveCounts = {
    themesAdded: 0,
    themesChanged: 0,
    actionsAdded: 0,
    actionsChanged: 0,
    updatesAdded: 0,
    findingsAdded: 0,
    findingLinksAdded: 0,
    report: 'none',
  };
  const plan = into
    ? await mergePlanDetails(trx, actor, into, draft)
    : await createPlan(trx, actor, draft.plan);
  const stored = await loadStoredPlan(trx, plan);
  const saved: SavedRecords = { themes: [], actions: [] };

  const horizons = await trx
    .selectFrom('horizons')
    .selectAll()
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .execute();
  const horizonNames = horizons.map((h) => h.name);
  const missing = draft.plan.horizons.filter((name) => !horizonNames.some((h) => key(h) === key(name)));
  const allHorizons =
    missing.length > 0 ? await setHorizons(trx, actor, plan.id, [...horizonNames, ...missing]) : horizons;
  const horizonId = (name: string | null) =>
    name ? (allHorizons.find((h) => key(h.name) === key(name))?.id ?? null) : null;

  // Updates already there, and those posted as the draft is saved: a theme the draft names twice gains each once.
  const unseenUpdates = (subjectId: string, updates: DraftUpdate[]) => {
    const seen = stored.updates.get(subjectId) ?? new Set<string>();
    stored.updates.set(subjectId, seen);
    const unseen = newUpdates(updates, seen);
    for (const update of unseen) seen.add(updateKey(update.effectiveOn, update.body));
    return unseen;
  };

  if (draft.owners?.length) await addOwners(trx, actor, draft.owners);
  const themeIds = new Map(stored.themes.map((t) => [key(t.row.title), t.row.id]));
  for (const draftTheme of draft.themes) {
    const found = matchTheme(stored.themes, draftTheme);
    let themeId: string;
    if (found) themeId = await keepTheme(trx, actor, plan.id, found, draftTheme, counts);
    else {
      themeId = (await createTheme(trx, actor, plan.id, themeInput(draftTheme))).id;
      counts.themesAdded++;
    }
    themeIds.set(key(draftTheme.title), themeId);
    await addUpdates(trx, actor, plan.id, { themeId }, unseenUpdates(themeId, draftTheme.updates), counts);
    saved.themes.push({ draft: draftTheme, id: themeId });
  }

  const fresh: { input: ActionInput; updates: DraftUpdate[]; draft: DraftAction }[] = [];
  for (const { draft: draftAction, found } of matchActions(stored.actions, draft.actions)) {
    const input: ActionInput = {
      ...actionInput(draftAction),
      themeId: draftAction.theme ? (themeIds.get(key(draftAction.theme)) ?? null) : null,
      horizonId: horizonId(draftAction.horizon),
    };
    if (!found) {
      fresh.push({ input, updates: draftAction.updates, draft: draftAction });
      continue;
    }
    saved.actions.push({ draft: draftAction, id: found.row.id });
    // Only the fields that read otherwise are written, so history shows what the document changed.
    const changed = actionChanges(found, draftAction).flatMap((change) => change.inputs);
    if (changed.length > 0) {
      const partial = Object.fromEntries(changed.map((name) => [name, input[name]])) as ActionInput;
      await updateAction(trx, actor, plan.id, found.row.id, found.row.version, partial);
      counts.actionsChanged++;
    }
    const updates = unseenUpdates(found.row.id, draftAction.updates);
    await addUpdates(trx, actor, plan.id, { actionId: found.row.id }, updates, counts);
  }
  // New actions and their updates go in together, a few statements for the lot: a large file stays quick.
  const created = await createActions(
    trx,
    actor,
    plan.id,
    fresh.map((f) => f.input),
  );
  counts.actionsAdded += created.length;
  created.forEach((action, index) => saved.actions.push({ draft: fresh[index]!.draft, id: action.id }));
  const updates = created.flatMap((action, index) =>
    newUpdates(fresh[index]!.updates).map((input) => ({ subject: { actionId: action.id }, input })),
  );
  // Updates are listed by day, then by when they were posted: an action's updates that move its status are posted
  // one by one in the file's order, so that one posted on the same day as another keeps its place.
  const movers = new Set(updates.filter((u) => u.input.statusChange).map((u) => u.subject.actionId));
  for (const update of updates.filter((u) => movers.has(u.subject.actionId))) {
    await postUpdate(trx, actor, plan.id, update.subject, update.input, 'document');
    counts.updatesAdded++;
  }
  const batch = updates.filter((u) => !movers.has(u.subject.actionId));
  counts.updatesAdded += (await postUpdates(trx, actor, plan.id, batch)).length;

  await restoreStatedStatuses(trx, actor, plan.id, saved);
  await saveFindings(trx, actor, plan.id, draft.findings ?? [], saved.actions, counts);
  const rag = draft.plan.rag || null;
  // A draft that reads the same, spaced otherwise, is left as it is.
  if (draft.report)
    counts.report = reportChanges(stored.draftReports, draft.report, rag)
      ? await keepDraftReport(trx, actor, plan.id, draft.report, rag)
      : 'unchanged';
  return { plan, created: into === null, counts };
}

/** The themes and actions saved, with the draft each came from. */
interface SavedRecords {
  themes: { draft: DraftTheme; id: string }[];
  actions: { draft: DraftAction; id: string }[];
}

/**
 * Updates that moved a status (from an export.json) move it again as they are posted, and may leave an action or theme
 * other than the file says it is now, when its status was later edited directly or its completion dated otherwise:
 * the file's own status and completion date are put back, through the same commands as any edit.
 */
async function restoreStatedStatuses(trx: Trx, actor: Actor, planId: string, saved: SavedRecords) {
  const moved = (updates: DraftUpdate[]) => updates.some((u) => u.statusChange);
  for (const { draft, id } of saved.actions) {
    if (!moved(draft.updates)) continue;
    const row = await trx
      .selectFrom('actions')
      .select(['status', 'completed_on', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const status = draft.status ?? row.status;
    const completedOn = draft.completedOn !== undefined ? draft.completedOn : row.completed_on;
    if (status !== row.status || completedOn !== row.completed_on)
      await updateAction(trx, actor, planId, id, row.version, { status, completedOn });
  }
  for (const { draft, id } of saved.themes) {
    if (!moved(draft.updates) || draft.status === undefined) continue;
    const row = await trx
      .selectFrom('themes')
      .select(['status', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if ((draft.status || null) !== row.status)
      await updateTheme(trx, actor, planId, id, row.version, { status: draft.status });
  }
}

/** Owners the draft describes (kind, e-mail) that the directory lacks; those it has are left as they are. */
async function addOwners(trx: Trx, actor: Actor, owners: OwnerInput[]): Promise<void> {
  const named = owners.filter((owner) => owner.name?.trim());
  const known = new Set(
    (
      await trx
        .selectFrom('owners')
        .select('name_key')
        .where('name_key', 'in', [...named.map((owner) => ownerNameKey(owner.name!)), ''])
        .execute()
    ).map((row) => row.name_key),
  );
  for (const owner of named) {
    if (known.has(ownerNameKey(owner.name!))) continue;
    known.add(ownerNameKey(owner.name!));
    await createOwner(trx, actor, owner);
  }
}

async function mergePlanDetails(trx: Trx, actor: Actor, plan: PlanRow, draft: PlanDraft): Promise<PlanRow> {
  const { input } = planChanges(plan, draft);
  if (Object.keys(input).length === 0) return plan;
  return updatePlan(trx, actor, plan.id, plan.version, input);
}

function themeInput(theme: DraftTheme): ThemeInput {
  const { updates: _updates, ...input } = theme;
  return input;
}

async function keepTheme(
  trx: Trx,
  actor: Actor,
  planId: string,
  found: StoredTheme,
  draft: DraftTheme,
  counts: SaveCounts,
): Promise<string> {
  const { input } = themeChanges(found, draft);
  if (Object.keys(input).length > 0) {
    await updateTheme(trx, actor, planId, found.row.id, found.row.version, input);
    counts.themesChanged++;
  }
  return found.row.id;
}

function actionInput(action: DraftAction): ActionInput {
  const { updates: _updates, theme: _theme, horizon: _horizon, findings: _findings, ...input } = action;
  return input;
}

/**
 * The draft's findings, each matched to one the plan has by its reference or added, and the links from the actions
 * saved to the findings they answer: added to those an action has, never taken away, each with its row of history.
 */
async function saveFindings(
  trx: Trx,
  actor: Actor,
  planId: string,
  findings: DraftFinding[],
  actions: SavedRecords['actions'],
  counts: SaveCounts,
): Promise<void> {
  if (findings.length === 0) return;
  const stored = await trx
    .selectFrom('findings')
    .select(['id', 'reference'])
    .where('plan_id', '=', planId)
    .execute();
  const ids = new Map(stored.map((finding) => [key(finding.reference), finding.id]));
  for (const finding of findings) {
    if (ids.has(key(finding.reference))) continue;
    const created = await createFinding(trx, actor, planId, {
      reference: finding.reference,
      text: finding.text,
      kind: finding.kind,
      sourceDocument: finding.sourceDocument,
      priority: finding.priority,
    }).catch((error: unknown) => {
      // Named as the document numbers it, as an action that cannot be saved is.
      if (error instanceof InvalidInputError)
        throw new InvalidInputError(
          error.fieldErrors,
          `Finding ${finding.reference}: ${Object.values(error.fieldErrors).join('; ')}`,
        );
      throw error;
    });
    ids.set(key(finding.reference), created.id);
    counts.findingsAdded++;
  }
  for (const { draft, id } of actions) {
    const wanted = (draft.findings ?? []).flatMap((reference) => ids.get(key(reference)) ?? []);
    if (wanted.length === 0) continue;
    const current = (await findingsAnsweredBy(trx, id)).map((finding) => finding.id);
    const added = wanted.filter((findingId) => !current.includes(findingId));
    if (added.length === 0) continue;
    await setActionFindings(trx, actor, planId, id, [...current, ...added]);
    counts.findingLinksAdded += added.length;
  }
}

/** Posts updates the action or theme does not have yet (see newUpdates), one by one. */
async function addUpdates(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: UpdateSubject,
  updates: DraftUpdate[],
  counts: SaveCounts,
): Promise<void> {
  for (const update of updates) {
    await postUpdate(trx, actor, planId, subject, update, 'document');
    counts.updatesAdded++;
  }
}
