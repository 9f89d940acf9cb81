// What merging a plan draft into an existing plan changes, field by field. Saving (savePlanDraft.ts) and the review
// page's summary both match and compare through this file, so what the page says is what the save does. A difference
// only of white space, in plain or rich text, is no change.
import type { ActionRow, PlanRow, Rag, ReportRow, Status, ThemeRow } from '../db/schema.js';
import { formatUkDate } from '../dates/ukDate.js';
import type { ActionInput } from '../actions/actionCommands.js';
import type { Reader } from '../history/recordChange.js';
import type { PlanInput } from '../plans/planCommands.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { richTextToPlain, toRichText } from '../richtext/sanitise.js';
import type { ThemeInput } from '../themes/themeCommands.js';
import {
  reportSectionKeys,
  sectionLabels,
  type DraftAction,
  type DraftReport,
  type DraftTheme,
  type DraftUpdate,
  type PlanDraft,
} from './planDraft.js';

/** Titles, names and references as they match: case and runs of white space do not count. */
export const matchKey = (text: string | null | undefined) =>
  (text ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The plan among these whose title is the file's, case and spacing aside: the plan the file most likely updates. Of
 * two such plans, the one changed last.
 */
export function planOfSameTitle<T extends { title: string; updated_at: string }>(
  plans: readonly T[],
  title: string,
): T | undefined {
  return plans
    .filter((plan) => matchKey(plan.title) === matchKey(title))
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at))[0];
}

const spaced = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** Tags that end a line or a block: white space beside them does not show. */
const blockTag = /\s*(<\/?(?:p|ul|ol|li|br|h[1-6]|div|blockquote)\b[^>]*>)\s*/gi;

/**
 * Rich text as it reads: the same words and markup, however the document spaced them, spelled quotes or broke lines
 * (blank paragraphs, a line break at a paragraph's end, a new paragraph or a line break).
 */
export function richTextAsRead(html: string | null | undefined): string {
  return (
    toRichText(html ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&nbsp;|&#160;/g, ' ')
      .replace(blockTag, '$1')
      .replace(/<p>(?:\s|<br\s*\/?>)*<\/p>/gi, '')
      // A new paragraph and a line break within one read alike: Word writes paragraphs where a cell in Excel has lines.
      .replace(/<\/p><p>|<br\s*\/?>/gi, '<br />')
      .replace(/(<br \/>)+/g, '<br />')
      .replace(/<br \/>(?=<\/(?:p|li)>|$)|(?<=<(?:p|li)>)<br \/>/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export const sameText = (a: string | null | undefined, b: string | null | undefined) =>
  spaced(a) === spaced(b);
export const sameRichText = (a: string | null | undefined, b: string | null | undefined) =>
  richTextAsRead(a) === richTextAsRead(b);

/** One field that a merge changes, in the users' words. */
export interface FieldChange {
  label: string;
  /** Plain text of the value before and after; for rich text, which reads too long for one line, empty. */
  before: string;
  after: string;
  rich: boolean;
}

const textChange = (label: string, before: string, after: string): FieldChange => ({
  label,
  before,
  after,
  rich: false,
});
const richChange = (label: string, before: string, after: string): FieldChange => ({
  label,
  before: richTextToPlain(before),
  after: richTextToPlain(after),
  rich: true,
});

/** "Status In progress → Complete", "Target date ‘June 2024’ → ‘Sep-24’", "Progress changed". */
export function describeFieldChange(change: FieldChange): string {
  if (change.rich) return `${change.label} changed`;
  const quoted = (value: string) => (value === '' ? 'not set' : `‘${value}’`);
  if (change.label === 'Status' || change.label === 'RAG')
    return `${change.label} ${change.before || 'not set'} → ${change.after || 'not set'}`;
  return `${change.label} ${quoted(change.before)} → ${quoted(change.after)}`;
}

const statusText = (status: Status | '' | null | undefined) => (status ? statusLabels[status] : '');
const ragText = (rag: Rag | '' | null | undefined) => (rag ? ragLabels[rag] : '');
const percentFigure = (percent: number | null) => (percent === null ? '' : `${percent}%`);

/** An action as stored, with the names its theme, horizon and owners go by. */
export interface StoredAction {
  row: ActionRow;
  owners: string[];
  theme: string | null;
  horizon: string | null;
}

/** A field of an action the draft changes, with the keys of the action's command input that carry it. */
export interface ActionFieldChange extends FieldChange {
  inputs: (keyof ActionInput)[];
}

/** The fields of a stored action that the draft's version of it states otherwise. */
export function actionChanges(stored: StoredAction, draft: DraftAction): ActionFieldChange[] {
  const { row } = stored;
  const changes: ActionFieldChange[] = [];
  const add = (change: FieldChange, ...inputs: (keyof ActionInput)[]) => changes.push({ ...change, inputs });
  const text = (value: string | undefined, before: string, label: string, input: keyof ActionInput) => {
    if (value !== undefined && !sameText(value, before)) add(textChange(label, before, spaced(value)), input);
  };
  const rich = (value: string | undefined, before: string, label: string, input: keyof ActionInput) => {
    if (value !== undefined && !sameRichText(value, before)) add(richChange(label, before, value), input);
  };
  text(draft.ref, row.ref, 'Reference', 'ref');
  text(draft.title, row.title, 'Title', 'title');
  rich(draft.description, row.description, 'Description', 'description');
  if (
    draft.owners !== undefined &&
    draft.owners.map(matchKey).join('|') !== stored.owners.map(matchKey).join('|')
  )
    add(textChange('Owner', stored.owners.join(', '), draft.owners.join(', ')), 'owners');
  if (matchKey(draft.theme) !== matchKey(stored.theme))
    add(textChange('Theme', stored.theme ?? '', draft.theme ?? ''), 'themeId');
  if (matchKey(draft.horizon) !== matchKey(stored.horizon))
    add(textChange('Horizon', stored.horizon ?? '', draft.horizon ?? ''), 'horizonId');
  if (draft.status !== undefined && draft.status !== row.status)
    add(textChange('Status', statusText(row.status), statusText(draft.status)), 'status');
  if (draft.rag !== undefined && (draft.rag || null) !== row.rag)
    add(textChange('RAG', ragText(row.rag), ragText(draft.rag)), 'rag');
  rich(draft.progress, row.progress, 'Progress', 'progress');
  rich(draft.futureActions, row.future_actions, 'Future planned actions', 'futureActions');
  text(draft.targetDate, row.target_text, 'Target date', 'targetDate');
  if (draft.revisedTargetDate !== undefined && !sameText(draft.revisedTargetDate, row.revised_target_text))
    add(
      textChange('Revised target date', row.revised_target_text, spaced(draft.revisedTargetDate)),
      'revisedTargetDate',
      'revisedReason',
    );
  if (draft.completedOn !== undefined && draft.completedOn !== null && draft.completedOn !== row.completed_on)
    add(
      textChange('Date completed', formatUkDate(row.completed_on), formatUkDate(draft.completedOn)),
      'completedOn',
    );
  // A document that does not say how far through an action is leaves the figure as it was.
  const percent = draft.percentComplete;
  if (percent !== undefined && percent !== null && percent !== row.percent_complete)
    add(
      textChange('Percent complete', percentFigure(row.percent_complete), percentFigure(percent)),
      'percentComplete',
    );
  return changes;
}

/** A theme as stored, with its lead's name. */
export interface StoredTheme {
  row: ThemeRow;
  lead: string | null;
}

/** The theme's changed fields and the part of its command input that makes them. */
export function themeChanges(
  stored: StoredTheme,
  draft: DraftTheme,
): { changes: FieldChange[]; input: ThemeInput } {
  const { row } = stored;
  const changes: FieldChange[] = [];
  const input: ThemeInput = {};
  if (draft.lead !== undefined && matchKey(draft.lead) !== matchKey(stored.lead)) {
    changes.push(textChange('Lead', stored.lead ?? '', spaced(draft.lead)));
    input.lead = draft.lead;
  }
  if (draft.status !== undefined && (draft.status || null) !== row.status) {
    changes.push(textChange('Status', statusText(row.status), statusText(draft.status)));
    input.status = draft.status;
  }
  if (draft.progress !== undefined && !sameRichText(draft.progress, row.progress)) {
    changes.push(richChange('Progress', row.progress, draft.progress));
    input.progress = draft.progress;
  }
  if (draft.futureActions !== undefined && !sameRichText(draft.futureActions, row.future_actions)) {
    changes.push(richChange('Future planned actions', row.future_actions, draft.futureActions));
    input.futureActions = draft.futureActions;
  }
  return { changes, input };
}

/** What the document states of the plan itself that differs; the plan's own title, address and source stay. */
export function planChanges(plan: PlanRow, draft: PlanDraft): { changes: FieldChange[]; input: PlanInput } {
  const stated = draft.plan;
  const changes: FieldChange[] = [];
  const input: PlanInput = {};
  if (stated.sponsor && !sameText(stated.sponsor, plan.sponsor)) {
    changes.push(textChange('Sponsor', plan.sponsor, spaced(stated.sponsor)));
    input.sponsor = stated.sponsor;
  }
  if (stated.marking && !sameText(stated.marking, plan.marking)) {
    changes.push(textChange('Protective marking', plan.marking, spaced(stated.marking)));
    input.marking = stated.marking;
  }
  if (stated.rag && stated.rag !== plan.rag) {
    changes.push(textChange('Overall status', ragText(plan.rag), ragText(stated.rag)));
    input.rag = stated.rag;
  }
  if (stated.ragNote && !sameRichText(stated.ragNote, plan.rag_note)) {
    changes.push(textChange('Overall status note', plan.rag_note, spaced(stated.ragNote)));
    input.ragNote = stated.ragNote;
  }
  if (stated.summary && !sameRichText(stated.summary, plan.summary)) {
    changes.push(richChange('Summary', plan.summary, stated.summary));
    input.summary = stated.summary;
  }
  return { changes, input };
}

/** "Action 3 ‘Recruit champions’", or without a reference "Action ‘Recruit champions’". */
export function actionName(action: { ref?: string; title?: string }): string {
  const ref = spaced(action.ref);
  return `Action ${ref ? `${ref} ` : ''}‘${spaced(action.title)}’`;
}

/** An update's identity for merging: the day it speaks for and its words, however spaced. */
export const updateKey = (effectiveOn: string, body: string) =>
  `${effectiveOn}|${matchKey(richTextToPlain(toRichText(body)))}`;

/** The plan's themes, actions and updates as a merge meets them. */
export interface StoredPlan {
  plan: PlanRow;
  horizons: string[];
  themes: StoredTheme[];
  actions: StoredAction[];
  /** The updates each action or theme has, by the id of the action or theme, as update keys. */
  updates: Map<string, Set<string>>;
  /** The plan's draft reports, one a period. */
  draftReports: ReportRow[];
}

export async function loadStoredPlan(db: Reader, plan: PlanRow): Promise<StoredPlan> {
  const horizons = await db
    .selectFrom('horizons')
    .selectAll()
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .execute();
  const themes = await db
    .selectFrom('themes')
    .leftJoin('owners', 'owners.id', 'themes.lead_owner_id')
    .selectAll('themes')
    .select('owners.name as lead')
    .where('themes.plan_id', '=', plan.id)
    .orderBy('themes.position')
    .execute();
  const actions = await db
    .selectFrom('actions')
    .selectAll()
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .execute();
  const owners = await db
    .selectFrom('action_owners')
    .innerJoin('actions', 'actions.id', 'action_owners.action_id')
    .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
    .select(['action_owners.action_id', 'owners.name'])
    .where('actions.plan_id', '=', plan.id)
    .orderBy('action_owners.action_id')
    .orderBy('action_owners.position')
    .execute();
  const updateRows = await db
    .selectFrom('updates')
    .select(['action_id', 'theme_id', 'effective_on', 'body'])
    .where('plan_id', '=', plan.id)
    .execute();
  const draftReports = await db
    .selectFrom('reports')
    .selectAll()
    .where('plan_id', '=', plan.id)
    .where('status', '=', 'draft')
    .execute();
  const ownersOf = new Map<string, string[]>();
  for (const row of owners) ownersOf.set(row.action_id, [...(ownersOf.get(row.action_id) ?? []), row.name]);
  const updates = new Map<string, Set<string>>();
  for (const row of updateRows) {
    const subject = row.action_id ?? row.theme_id ?? '';
    const keys = updates.get(subject) ?? new Set<string>();
    keys.add(updateKey(row.effective_on, row.body));
    updates.set(subject, keys);
  }
  const themeTitle = new Map(themes.map((t) => [t.id, t.title]));
  const horizonName = new Map(horizons.map((h) => [h.id, h.name]));
  return {
    plan,
    horizons: horizons.map((h) => h.name),
    themes: themes.map(({ lead, ...row }) => ({ row, lead })),
    actions: actions.map((row) => ({
      row,
      owners: ownersOf.get(row.id) ?? [],
      theme: row.theme_id ? (themeTitle.get(row.theme_id) ?? null) : null,
      horizon: row.horizon_id ? (horizonName.get(row.horizon_id) ?? null) : null,
    })),
    updates,
    draftReports,
  };
}

/**
 * What keeping the document's report as the plan's draft for its period changes: "added", the parts that read
 * otherwise, or null when the draft already says the same.
 */
export function reportChanges(
  drafts: ReportRow[],
  report: DraftReport,
  rag: Rag | null,
): { added: boolean; changes: string[] } | null {
  const existing = drafts.find((r) => r.period_text === report.periodText);
  if (!existing) return { added: true, changes: [] };
  const changes: string[] = [];
  if (existing.period_start !== report.periodStart || existing.period_end !== report.periodEnd)
    changes.push('Period');
  if (!sameText(existing.overall_status, report.overallStatus) || existing.rag !== rag)
    changes.push('Overall status');
  let sections: Record<string, string> = {};
  try {
    sections = JSON.parse(existing.sections_json) as Record<string, string>;
  } catch {
    // A draft whose sections cannot be read is rewritten from the document.
  }
  for (const key of reportSectionKeys)
    if (!sameRichText(sections[key], report.sections[key])) changes.push(sectionLabels[key]);
  return changes.length > 0 ? { added: false, changes } : null;
}

/** Each of the draft's actions with the stored action it merges into, if any: by reference, else by title, once each. */
export function matchActions(
  stored: StoredAction[],
  drafts: DraftAction[],
): { draft: DraftAction; found: StoredAction | undefined }[] {
  const byRef = new Map<string, StoredAction[]>();
  const byTitle = new Map<string, StoredAction[]>();
  for (const action of stored) {
    if (action.row.ref)
      byRef.set(matchKey(action.row.ref), [...(byRef.get(matchKey(action.row.ref)) ?? []), action]);
    byTitle.set(matchKey(action.row.title), [...(byTitle.get(matchKey(action.row.title)) ?? []), action]);
  }
  const claimed = new Set<string>();
  const open = (list: StoredAction[] | undefined) => list?.find((a) => !claimed.has(a.row.id));
  return drafts.map((draft) => {
    const found =
      (draft.ref ? open(byRef.get(matchKey(draft.ref))) : undefined) ??
      open(byTitle.get(matchKey(draft.title)));
    if (found) claimed.add(found.row.id);
    return { draft, found };
  });
}

export function matchTheme(stored: StoredTheme[], draft: DraftTheme): StoredTheme | undefined {
  return stored.find((t) => matchKey(t.row.title) === matchKey(draft.title));
}

/** The draft's updates that are not already there (same day, same words), each once. */
export function newUpdates(updates: DraftUpdate[], existing: Set<string> = new Set()): DraftUpdate[] {
  const seen = new Set(existing);
  return updates.filter((update) => {
    const id = updateKey(update.effectiveOn, update.body);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A theme, an action or the plan that a merge changes, with its changed fields and the updates it gains. */
export interface RecordMerge {
  name: string;
  changes: string[];
  updatesAdded: number;
}

export interface MergeSummary {
  plan: string[];
  /** "Highlight report for October 2023 – February 2024: added as a draft", or what it changes; null for none. */
  report: string | null;
  horizonsAdded: string[];
  themesAdded: string[];
  themesChanged: RecordMerge[];
  actionsAdded: string[];
  actionsChanged: RecordMerge[];
  /** True when merging would change nothing at all. */
  nothing: boolean;
}

/** What merging the draft into the stored plan would change, in the users' words. */
export function mergeSummary(stored: StoredPlan, draft: PlanDraft): MergeSummary {
  const summary: MergeSummary = {
    plan: planChanges(stored.plan, draft).changes.map(describeFieldChange),
    report: null,
    horizonsAdded: [],
    themesAdded: [],
    themesChanged: [],
    actionsAdded: [],
    actionsChanged: [],
    nothing: false,
  };
  for (const name of draft.plan.horizons)
    if (![...stored.horizons, ...summary.horizonsAdded].some((h) => matchKey(h) === matchKey(name)))
      summary.horizonsAdded.push(name);
  const newThemes = new Set<string>();
  for (const theme of draft.themes) {
    const found = matchTheme(stored.themes, theme);
    if (!found) {
      if (!newThemes.has(matchKey(theme.title))) summary.themesAdded.push(`Theme ‘${spaced(theme.title)}’`);
      newThemes.add(matchKey(theme.title));
      continue;
    }
    const changes = themeChanges(found, theme).changes.map(describeFieldChange);
    const updatesAdded = newUpdates(theme.updates, stored.updates.get(found.row.id)).length;
    if (changes.length > 0 || updatesAdded > 0)
      summary.themesChanged.push({ name: `Theme ‘${spaced(found.row.title)}’`, changes, updatesAdded });
  }
  for (const { draft: action, found } of matchActions(stored.actions, draft.actions)) {
    if (!found) {
      summary.actionsAdded.push(actionName(action));
      continue;
    }
    const changes = actionChanges(found, action).map(describeFieldChange);
    const updatesAdded = newUpdates(action.updates, stored.updates.get(found.row.id)).length;
    if (changes.length > 0 || updatesAdded > 0)
      summary.actionsChanged.push({ name: actionName(found.row), changes, updatesAdded });
  }
  const report = draft.report
    ? reportChanges(stored.draftReports, draft.report, draft.plan.rag || null)
    : null;
  if (draft.report && report) {
    const name = `Highlight report for ${draft.report.periodText || 'the period'}`;
    summary.report = report.added
      ? `${name}: added as a draft`
      : `${name}: ${report.changes.join(', ')} changed`;
  }
  summary.nothing =
    Number(summary.report !== null) +
      summary.plan.length +
      summary.horizonsAdded.length +
      summary.themesAdded.length +
      summary.themesChanged.length +
      summary.actionsAdded.length +
      summary.actionsChanged.length ===
    0;
  return summary;
}

/** The summary as lines to read: what changes, record by record, and the actions added. */
export function mergeLines(summary: MergeSummary): { changes: string[]; added: string[] } {
  const updates = (n: number) => (n === 0 ? [] : [`${n} ${n === 1 ? 'update' : 'updates'} added`]);
  const record = (merge: RecordMerge) =>
    `${merge.name}: ${[...merge.changes, ...updates(merge.updatesAdded)].join('; ')}`;
  return {
    changes: [
      ...(summary.plan.length > 0 ? [`Plan: ${summary.plan.join('; ')}`] : []),
      ...summary.horizonsAdded.map((name) => `Horizon ‘${name}’ added`),
      ...summary.themesAdded.map((name) => `${name} added`),
      ...summary.themesChanged.map(record),
      ...summary.actionsChanged.map(record),
      ...(summary.report ? [summary.report] : []),
    ],
    added: summary.actionsAdded,
  };
}
