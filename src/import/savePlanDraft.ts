// Saves a plan draft, as a new plan or merged into an existing one, through the same commands people use.
// Merging matches themes by title, actions by reference (else by title) and updates by date and words, so
// saving the same document twice changes nothing the second time.
import { createActions, updateAction, type ActionInput } from '../actions/actionCommands.js';
import type { ActionRow, PlanRow, ThemeRow } from '../db/schema.js';
import type { Actor, Trx } from '../history/recordChange.js';
import { createPlan, setHorizons, updatePlan, type PlanInput } from '../plans/planCommands.js';
import { createOwner, ownerNameKey, type OwnerInput } from '../owners/ownerCommands.js';
import { keepDraftReport } from '../reports/reportCommands.js';
import { richTextToPlain, toRichText } from '../richtext/sanitise.js';
import { createTheme, updateTheme, type ThemeInput } from '../themes/themeCommands.js';
import { postUpdate, postUpdates, type UpdateSubject } from '../updates/updateCommands.js';
import type { DraftAction, DraftTheme, DraftUpdate, PlanDraft } from './planDraft.js';

export interface SaveCounts {
  themesAdded: number;
  themesChanged: number;
  actionsAdded: number;
  actionsChanged: number;
  updatesAdded: number;
  report: 'created' | 'changed' | 'unchanged' | 'none';
}

export interface SaveResult {
  plan: PlanRow;
  created: boolean;
  counts: SaveCounts;
}

const key = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
const rich = (html: string | undefined) => toRichText(html ?? '');
/** Rich text as it reads: the same words and markup, however the document spelled quotes and spaced its tags. */
const reads = (html: string | undefined) =>
  rich(html)
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .trim();
const differs = (value: string | undefined, stored: string) =>
  value !== undefined && reads(value) !== reads(stored);

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
    report: 'none',
  };
  const plan = into
    ? await mergePlanDetails(trx, actor, into, draft)
    : await createPlan(trx, actor, draft.plan);
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

  if (draft.owners?.length) await addOwners(trx, actor, draft.owners);
  const themes = await trx.selectFrom('themes').selectAll().where('plan_id', '=', plan.id).execute();
  const themeIds = new Map(themes.map((t) => [key(t.title), t.id]));
  for (const draftTheme of draft.themes) {
    const found = themes.find((t) => key(t.title) === key(draftTheme.title));
    let themeId: string;
    if (found) themeId = await keepTheme(trx, actor, plan.id, found, draftTheme, counts);
    else {
      themeId = (await createTheme(trx, actor, plan.id, themeInput(draftTheme))).id;
      counts.themesAdded++;
    }
    themeIds.set(key(draftTheme.title), themeId);
    await addUpdates(trx, actor, plan.id, { themeId }, draftTheme.updates, counts);
    saved.themes.push({ draft: draftTheme, id: themeId });
  }

  const actions = await trx
    .selectFrom('actions')
    .selectAll()
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .execute();
  const owners = await ownersByAction(trx, plan.id);
  const byRef = new Map<string, ActionRow[]>();
  const byTitle = new Map<string, ActionRow[]>();
  for (const action of actions) {
    if (action.ref) byRef.set(key(action.ref), [...(byRef.get(key(action.ref)) ?? []), action]);
    byTitle.set(key(action.title), [...(byTitle.get(key(action.title)) ?? []), action]);
  }
  const claimed = new Set<string>();
  const fresh: { input: ActionInput; updates: DraftUpdate[]; draft: DraftAction }[] = [];
  for (const draftAction of draft.actions) {
    const input: ActionInput = {
      ...actionInput(draftAction),
      themeId: draftAction.theme ? (themeIds.get(key(draftAction.theme)) ?? null) : null,
      horizonId: horizonId(draftAction.horizon),
    };
    const found = matchAction(byRef, byTitle, draftAction, claimed);
    if (!found) {
      fresh.push({ input, updates: draftAction.updates, draft: draftAction });
      continue;
    }
    claimed.add(found.id);
    saved.actions.push({ draft: draftAction, id: found.id });
    if (actionDiffers(found, owners.get(found.id) ?? [], input)) {
      await updateAction(trx, actor, plan.id, found.id, found.version, input);
      counts.actionsChanged++;
    }
    await addUpdates(trx, actor, plan.id, { actionId: found.id }, draftAction.updates, counts);
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
    uniqueUpdates(fresh[index]!.updates).map((input) => ({ subject: { actionId: action.id }, input })),
  );
  // Updates are listed by day, then by when they were posted: an action's updates that move its status are posted
  // one by one in the file's order, so that one posted on the same day as another keeps its place.
  const movers = new Set(updates.filter((u) => u.input.statusChange).map((u) => u.subject.actionId));
  for (const update of updates.filter((u) => movers.has(u.subject.actionId))) {
    await postUpdate(trx, actor, plan.id, update.subject, update.input);
    counts.updatesAdded++;
  }
  const batch = updates.filter((u) => !movers.has(u.subject.actionId));
  counts.updatesAdded += (await postUpdates(trx, actor, plan.id, batch)).length;

  await restoreStatedStatuses(trx, actor, plan.id, saved);
  if (draft.report)
    counts.report = await keepDraftReport(trx, actor, plan.id, draft.report, draft.plan.rag || null);
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
  // Only what the document states is taken; the plan's own title, address and source stay.
  const input: PlanInput = {};
  const stated = draft.plan;
  if (stated.sponsor && stated.sponsor !== plan.sponsor) input.sponsor = stated.sponsor;
  if (stated.marking && stated.marking !== plan.marking) input.marking = stated.marking;
  if (stated.rag && stated.rag !== plan.rag) input.rag = stated.rag;
  if (stated.ragNote && differs(stated.ragNote, plan.rag_note)) input.ragNote = stated.ragNote;
  if (stated.summary && differs(stated.summary, plan.summary)) input.summary = stated.summary;
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
  found: ThemeRow,
  draft: DraftTheme,
  counts: SaveCounts,
): Promise<string> {
  const lead = draft.lead
    ? await trx
        .selectFrom('owners')
        .select('name')
        .where('id', '=', found.lead_owner_id ?? '')
        .executeTakeFirst()
    : undefined;
  const changed =
    (draft.lead !== undefined && key(draft.lead) !== key(lead?.name)) ||
    (draft.status !== undefined && (draft.status || null) !== found.status) ||
    differs(draft.progress, found.progress) ||
    differs(draft.futureActions, found.future_actions);
  if (changed) {
    await updateTheme(trx, actor, planId, found.id, found.version, themeInput(draft));
    counts.themesChanged++;
  }
  return found.id;
}

function actionInput(action: DraftAction): ActionInput {
  const { updates: _updates, theme: _theme, horizon: _horizon, ...input } = action;
  return input;
}

function matchAction(
  byRef: Map<string, ActionRow[]>,
  byTitle: Map<string, ActionRow[]>,
  draft: DraftAction,
  claimed: Set<string>,
): ActionRow | undefined {
  const open = (list: ActionRow[] | undefined) => list?.find((a) => !claimed.has(a.id));
  return (draft.ref ? open(byRef.get(key(draft.ref))) : undefined) ?? open(byTitle.get(key(draft.title)));
}

/** A document that says the same dated entry twice (in two cells) gives one update. */
function uniqueUpdates(updates: DraftUpdate[]): DraftUpdate[] {
  const seen = new Set<string>();
  return updates.filter((u) => {
    const id = `${u.effectiveOn}|${key(richTextToPlain(rich(u.body)))}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function actionDiffers(found: ActionRow, owners: string[], input: ActionInput): boolean {
  const text = (value: string | undefined, stored: string) => value !== undefined && value.trim() !== stored;
  const html = differs;
  return (
    text(input.ref, found.ref) ||
    text(input.title, found.title) ||
    html(input.description, found.description) ||
    (input.owners !== undefined && input.owners.map(key).join('|') !== owners.map(key).join('|')) ||
    (input.themeId !== undefined && input.themeId !== found.theme_id) ||
    (input.horizonId !== undefined && input.horizonId !== found.horizon_id) ||
    (input.status !== undefined && input.status !== found.status) ||
    (input.rag !== undefined && (input.rag || null) !== found.rag) ||
    html(input.progress, found.progress) ||
    html(input.futureActions, found.future_actions) ||
    text(input.targetDate, found.target_text) ||
    text(input.revisedTargetDate, found.revised_target_text) ||
    (input.completedOn !== undefined &&
      input.completedOn !== null &&
      input.completedOn !== found.completed_on)
  );
}

async function ownersByAction(trx: Trx, planId: string): Promise<Map<string, string[]>> {
  const rows = await trx
    .selectFrom('action_owners')
    .innerJoin('actions', 'actions.id', 'action_owners.action_id')
    .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
    .select(['action_owners.action_id', 'owners.name'])
    .where('actions.plan_id', '=', planId)
    .orderBy('action_owners.action_id')
    .orderBy('action_owners.position')
    .execute();
  const byAction = new Map<string, string[]>();
  for (const row of rows) byAction.set(row.action_id, [...(byAction.get(row.action_id) ?? []), row.name]);
  return byAction;
}

/** Posts the draft's updates that the action or theme does not have yet (same day, same words). */
async function addUpdates(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: UpdateSubject,
  updates: DraftUpdate[],
  counts: SaveCounts,
): Promise<void> {
  if (updates.length === 0) return;
  const existing = await trx
    .selectFrom('updates')
    .select(['effective_on', 'body'])
    .where(
      'actionId' in subject ? 'action_id' : 'theme_id',
      '=',
      'actionId' in subject ? subject.actionId : subject.themeId,
    )
    .execute();
  const seen = new Set(existing.map((u) => `${u.effective_on}|${key(richTextToPlain(u.body))}`));
  for (const update of updates) {
    const id = `${update.effectiveOn}|${key(richTextToPlain(rich(update.body)))}`;
    if (seen.has(id)) continue;
    seen.add(id);
    await postUpdate(trx, actor, planId, subject, update);
    counts.updatesAdded++;
  }
}
