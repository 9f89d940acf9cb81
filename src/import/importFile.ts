// One import, from bytes to a saved plan: read, understand, then save in one transaction. Pages and CLI both use it.
import type { Db } from '../db/connection.js';
import type { PlanRow, Status } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { countOfKind, findingKindLabels, findingKinds } from '../findings/findingKinds.js';
import type { Actor, Trx } from '../history/recordChange.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { statuses } from '../plans/vocabulary.js';
import type { PlanDraft } from './planDraft.js';
import { savePlanDraft, type SaveCounts, type SaveResult } from './savePlanDraft.js';
import type { Understanding } from './understand/understandDocument.js';
import type { UnderstoodFile } from './understandFile.js';

export { understandFile } from './importWorkers.js';
export type { ImportRequest, UnderstoodFile } from './understandFile.js';

/**
 * Why a draft cannot be saved, or null when it can: a file (or pasted prose) in which nothing was recognised would
 * otherwise become an empty plan, saved as if the import had worked.
 */
export function nothingToSave(draft: PlanDraft): string | null {
  if (draft.actions.length > 0 || draft.themes.length > 0 || draft.findings?.length || draft.report)
    return null;
  return 'The file holds no actions, themes or highlight report that Headway recognised, so there is nothing to save. Nothing was saved';
}

/** Where the text came from, for what the person is told: pasted into the form, or a file. */
export interface ImportOrigin {
  pasted: boolean;
}

/**
 * Why what was read is not a plan at all, or null when it may be: no actions, themes or report, and no table whose
 * rows could be read as actions by choosing its columns on the review page. Prose, a Word file with no table and an
 * empty sheet are refused before review, so nothing is stored.
 */
export function notAPlan(understood: UnderstoodFile, origin: ImportOrigin): string | null {
  const { draft, tables } = understood;
  if (draft.actions.length > 0 || draft.themes.length > 0 || draft.report) return null;
  if (tables.some((table) => table.rowCount > 0)) return null;
  if (origin.pasted)
    return "The pasted text has no table of actions. Paste the rows of the plan's table, with its header row";
  const sheets = understood.sheets;
  if (sheets && sheets.names.length > 1)
    return `Sheet “${sheets.chosen}” has no table of actions. Name the sheet that holds the plan's table (the workbook's sheets are ${sheets.names.join(', ')})`;
  if (sheets)
    return `Sheet “${sheets.chosen}” has no table of actions. Choose the file that holds the plan's table`;
  return "The file has no table of actions. Choose the file that holds the plan's table, with its header row";
}

/** The counts people are shown: what the document holds, before anything is saved. */
export function draftCounts(draft: PlanDraft) {
  const byStatus = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<Status, number>;
  for (const action of draft.actions) byStatus[action.status ?? 'not_started'] += 1;
  const updates =
    draft.themes.reduce((n, t) => n + t.updates.length, 0) +
    draft.actions.reduce((n, a) => n + a.updates.length, 0);
  const owners = new Set(
    [...draft.actions.flatMap((a) => a.owners ?? []), ...draft.themes.map((t) => t.lead ?? '')].filter(
      Boolean,
    ),
  );
  return {
    counts: { themes: draft.themes.length, actions: draft.actions.length, updates, owners: owners.size },
    statuses: byStatus,
  };
}

/**
 * The draft's findings with the actions that answer each, and the count a board would ask for first: "6
 * recommendations, 14 actions". Null when the document states no findings.
 */
export function draftFindings(draft: PlanDraft) {
  const findings = draft.findings ?? [];
  if (findings.length === 0) return null;
  const answering = draft.actions.filter((action) => (action.findings ?? []).length > 0);
  const kinds = findingKinds.filter((kind) => findings.some((finding) => finding.kind === kind));
  const counts = kinds.map((kind) =>
    countOfKind(findings.filter((finding) => finding.kind === kind).length, kind),
  );
  return {
    summary: [...counts, `${answering.length} ${answering.length === 1 ? 'action' : 'actions'}`].join(', '),
    list: findings.map((finding) => ({
      ...finding,
      kindLabel: findingKindLabels[finding.kind],
      actions: answering
        .filter((action) => action.findings!.includes(finding.reference))
        .map((action) => ({ ref: action.ref ?? '', title: action.title })),
    })),
  };
}

/** The actor an import writes history as: the person (and their user id, when signed in), with the file as the source. */
export function importActor(actor: Actor, fileName: string): Actor {
  return { ...actor, source: `import: ${fileName}` };
}

/** Saves what was understood, as a new plan or into plan `intoSlug`, inside the caller's transaction. */
export async function saveUnderstanding(
  trx: Trx,
  actor: Actor,
  understanding: Understanding,
  fileName: string,
  intoSlug: string | null,
): Promise<SaveResult> {
  let into: PlanRow | null = null;
  if (intoSlug) {
    try {
      into = await findPlanBySlug(trx, intoSlug);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(`Plan "${intoSlug}" to merge into`);
      throw error;
    }
  }
  return savePlanDraft(trx, importActor(actor, fileName), understanding.draft, into);
}

/** The whole save in one transaction: every theme, action, update and history row, or nothing. */
export function saveImport(
  db: Db,
  actor: Actor,
  understanding: Understanding,
  fileName: string,
  intoSlug: string | null,
): Promise<SaveResult> {
  return db.kysely
    .transaction()
    .execute((trx) => saveUnderstanding(trx, actor, understanding, fileName, intoSlug));
}

/** "Imported: 14 actions added, 4 themes added, 5 updates added", or that nothing changed. */
export function describeChanges(counts: SaveCounts, created = false): string {
  const parts = [
    [counts.actionsAdded, 'action', 'actions', 'added'],
    [counts.actionsChanged, 'action', 'actions', 'changed'],
    [counts.themesAdded, 'theme', 'themes', 'added'],
    [counts.themesChanged, 'theme', 'themes', 'changed'],
    [counts.updatesAdded, 'update', 'updates', 'added'],
    [counts.findingsAdded, 'finding', 'findings', 'added'],
    [counts.findingLinksAdded, 'link from an action to a finding', 'links from actions to findings', 'added'],
  ] as const;
  const said = parts
    .filter(([n]) => n > 0)
    .map(([n, one, many, how]) => `${n} ${n === 1 ? one : many} ${how}`);
  if (counts.report === 'created') said.push('a draft report added');
  if (counts.report === 'changed') said.push('the draft report changed');
  if (said.length > 0) return `Imported: ${said.join(', ')}`;
  return created
    ? 'Imported as a new plan: the file held no themes, actions or updates'
    : 'Nothing changed: the plan already has everything in this file';
}
