// One model of the action-plan document (the staff-survey layout): the Word file, the workbook, the CSV and the
// printable page are all drawn from it, so they say the same thing.
import { todayIso } from '../dates/ukDate.js';
import type { Status, UpdateRow } from '../db/schema.js';
import type { PlanContents } from '../plans/planContents.js';
import { effectiveTarget } from '../plans/presenters.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { richTextToCellText } from './richTextToCellText.js';

/**
 * The action's date range as real dates, after the columns of the document. Named so that the importer passes over
 * them (src/import/understand/columns.ts): it reads the range again from the date as written.
 */
export const parsedDateColumns = ['Parsed start', 'Parsed end'] as const;

/** The columns of the action table, named as the staff-survey document names them, so the importer reads them back. */
export type ActionPlanColumn =
  | 'Theme'
  | 'Ref'
  | 'Horizon'
  | 'Action'
  | 'Owner'
  | 'Progress'
  | 'Future Planned Actions'
  | 'Dates for delivery'
  | 'Status'
  | 'RAG'
  | '% complete';

export interface DocumentUpdate {
  effectiveOn: string;
  /** "Update 7/8/21": how the sample documents head a dated entry, and how the importer finds one. */
  heading: string;
  author: string;
  /** Rich text (sanitised HTML). */
  body: string;
  /** The body's words on one line: worked out once, as every format and the column widths use them. */
  words: string;
  statusChange: Status | null;
  statusChangeLabel: string;
}

export interface DocumentAction {
  ref: string;
  title: string;
  theme: string | null;
  horizon: string | null;
  owners: string[];
  /** Rich text (sanitised HTML). */
  progress: string;
  /** Rich text (sanitised HTML). */
  futureActions: string;
  /** The date as shown: as written, or the revised one with what it was revised from and why. */
  dates: string;
  /** The date range the action is now held to, ISO, where its words could be read as dates. */
  targetStart: string | null;
  targetEnd: string | null;
  status: Status;
  statusLabel: string;
  rag: string;
  /** "60%", or '' when nobody has said how far through it is. */
  percentComplete: string;
  /** Every update, oldest first. */
  updates: DocumentUpdate[];
  /** The updates the Progress cell lists after the progress text, oldest first: see `unsaidUpdates`. */
  listedUpdates: DocumentUpdate[];
}

export interface DocumentFocusArea {
  title: string;
  lead: string;
  status: string;
  /** Rich text (sanitised HTML). */
  progress: string;
  /** Rich text (sanitised HTML). */
  futureActions: string;
  updates: DocumentUpdate[];
  listedUpdates: DocumentUpdate[];
}

export interface ThemeGroup {
  /** Null for the actions that have no theme. */
  theme: string | null;
  actions: DocumentAction[];
}

export interface ActionPlanDocument {
  title: string;
  slug: string;
  /** The plan's protective marking, '' when it has none. */
  marking: string;
  /** ISO date. */
  generatedOn: string;
  columns: ActionPlanColumn[];
  groups: ThemeGroup[];
  /** The "Rolling Updates" that follow the actions: themes with a lead, words or updates of their own. */
  focusAreas: DocumentFocusArea[];
  /**
   * How far the actions answer the plan's findings, one sentence a kind ("14 recommendations: 12 with actions, 5
   * complete"), said before the table; empty when the plan has no findings, or for the plan as it stood at a past moment.
   */
  findingsCoverage: string[];
}

/** "7/8/21": the way the sample documents date their entries, and the way the importer reads them back. */
export function shortUkDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${Number(day)}/${Number(month)}/${year!.slice(2)}`;
}

/** An update as one dated line, "Update 7/8/21: words", as the sample documents write them in a cell. */
export function updateLine(update: DocumentUpdate): string {
  return `${update.heading}: ${update.words}`;
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The updates that the text of a row does not already say. Imported plans often carry their dated entries in the
 * progress or future-actions cell as well as as updates; listing them again would double them, in print and when the
 * document is imported back.
 */
function unsaidUpdates(updates: DocumentUpdate[], ...richTexts: string[]): DocumentUpdate[] {
  const said = saidIn(...richTexts);
  return updates.filter((u) => !alreadySaid(said, u.words));
}

/** What a row's own rich texts say, as one line of plain words, for `alreadySaid`. */
export function saidIn(...richTexts: string[]): string {
  return oneLine(richTexts.map(richTextToPlain).join(' '));
}

/** Whether an update's words (one plain line) are already said by a row's text (`saidIn`): its first 80 are there. */
export function alreadySaid(said: string, words: string): boolean {
  return said.includes(words.slice(0, 80));
}

/**
 * The updates a row lists after its own text, oldest first, as the printable page, the Word and PDF files, the
 * workbook and the CSV list them: those that its progress and future actions do not already say.
 */
export function listedUpdates(updates: UpdateRow[], ...richTexts: string[]): DocumentUpdate[] {
  return unsaidUpdates(updates.map(documentUpdate), ...richTexts);
}

function documentUpdate(update: UpdateRow): DocumentUpdate {
  return {
    effectiveOn: update.effective_on,
    heading: `Update ${shortUkDate(update.effective_on)}`,
    author: update.author,
    body: update.body,
    words: oneLine(richTextToPlain(update.body)),
    statusChange: update.status_change,
    statusChangeLabel: update.status_change ? statusLabels[update.status_change] : '',
  };
}

function datesAsShown(action: PlanContents['actions'][number]): string {
  if (action.revised_target_text === '') return action.target_text;
  const reason = action.revised_reason ? `: ${action.revised_reason}` : '';
  return `${action.revised_target_text} (revised from ${action.target_text || 'no date'}${reason})`;
}

export function buildActionPlanDocument(
  contents: PlanContents,
  generatedOn = todayIso(),
  findingsCoverage: string[] = [],
): ActionPlanDocument {
  const themeTitles = new Map(contents.themes.map((t) => [t.id, t.title]));
  const horizonNames = new Map(contents.horizons.map((h) => [h.id, h.name]));
  const updatesOf = new Map<string, DocumentUpdate[]>();
  for (const update of contents.updates) {
    const key = update.action_id ?? update.theme_id ?? '';
    const list = updatesOf.get(key) ?? [];
    list.push(documentUpdate(update));
    updatesOf.set(key, list);
  }

  const actions: DocumentAction[] = contents.actions.map((action) => {
    const target = effectiveTarget(action);
    const updates = updatesOf.get(action.id) ?? [];
    return {
      ref: action.ref,
      title: action.title,
      theme: action.theme_id ? (themeTitles.get(action.theme_id) ?? null) : null,
      horizon: action.horizon_id ? (horizonNames.get(action.horizon_id) ?? null) : null,
      owners: action.owners,
      progress: action.progress,
      futureActions: action.future_actions,
      dates: datesAsShown(action),
      targetStart: target.kind === 'date' ? target.start : null,
      targetEnd: target.kind === 'date' ? target.end : null,
      status: action.status,
      statusLabel: statusLabels[action.status],
      rag: action.rag ? ragLabels[action.rag] : '',
      percentComplete: typeof action.percent_complete === 'number' ? `${action.percent_complete}%` : '',
      updates,
      listedUpdates: unsaidUpdates(updates, action.progress, action.future_actions),
    };
  });

  // Actions without a theme come first: below a themed row, an empty theme cell would read as "the theme above".
  const groups: ThemeGroup[] = [];
  for (const theme of [null, ...contents.themes.map((t) => t.title)]) {
    const inTheme = actions.filter((a) => a.theme === theme);
    if (inTheme.length > 0) groups.push({ theme, actions: inTheme });
  }

  // A theme's merged cell holds only its title; whatever else it has (its lead, its own narrative and updates) is
  // shown as a focus area, as the staff-survey document does. A theme with no actions is shown there too, so that
  // nothing of the plan is missing from the document.
  const themesWithActions = new Set(actions.map((a) => a.theme));
  const focusAreas = contents.themes
    .filter(
      (t) =>
        !themesWithActions.has(t.title) ||
        t.lead !== null ||
        t.status !== null ||
        richTextToPlain(t.progress) !== '' ||
        richTextToPlain(t.future_actions) !== '' ||
        updatesOf.has(t.id),
    )
    .map((t): DocumentFocusArea => {
      const updates = updatesOf.get(t.id) ?? [];
      return {
        title: t.title,
        lead: t.lead ?? '',
        status: t.status ? statusLabels[t.status] : '',
        progress: t.progress,
        futureActions: t.future_actions,
        updates,
        listedUpdates: unsaidUpdates(updates, t.progress, t.future_actions),
      };
    });

  const columns: ActionPlanColumn[] = [
    ...(actions.some((a) => a.theme !== null) ? (['Theme'] as const) : []),
    ...(actions.some((a) => a.ref !== '') ? (['Ref'] as const) : []),
    // A plan of one horizon (the staff-survey layout) has no need to say it on every row.
    ...(contents.horizons.length > 1 ? (['Horizon'] as const) : []),
    'Action',
    'Owner',
    'Progress',
    'Future Planned Actions',
    'Dates for delivery',
    'Status',
    ...(actions.some((a) => a.rag !== '') ? (['RAG'] as const) : []),
    ...(actions.some((a) => a.percentComplete !== '') ? (['% complete'] as const) : []),
  ];

  return {
    title: contents.plan.title,
    slug: contents.plan.slug,
    marking: contents.plan.marking,
    generatedOn,
    columns,
    groups,
    focusAreas,
    findingsCoverage,
  };
}

/**
 * An action's cells as text, for the workbook and the CSV: owners separated by semicolons, lists numbered or
 * bulleted, and the Progress cell followed by its listed updates, one dated line each.
 */
export function actionAsText(action: DocumentAction): Record<ActionPlanColumn, string> {
  let text = actionTexts.get(action);
  if (!text) actionTexts.set(action, (text = actionTextOf(action)));
  return text;
}

/** Each action's cells as text, kept: the column widths and then the rows of every format need them. */
const actionTexts = new WeakMap<DocumentAction, Record<ActionPlanColumn, string>>();

function actionTextOf(action: DocumentAction): Record<ActionPlanColumn, string> {
  return {
    Theme: action.theme ?? '',
    Ref: action.ref,
    Horizon: action.horizon ?? '',
    Action: action.title,
    Owner: action.owners.join('; '),
    Progress: [richTextToCellText(action.progress), ...action.listedUpdates.map(updateLine)]
      .filter(Boolean)
      .join('\n'),
    'Future Planned Actions': richTextToCellText(action.futureActions),
    'Dates for delivery': action.dates,
    Status: action.statusLabel,
    RAG: action.rag,
    '% complete': action.percentComplete,
  };
}

/** A focus area's cells as plain text, in the columns of the action table. */
export function focusAreaAsText(area: DocumentFocusArea): Partial<Record<ActionPlanColumn, string>> {
  return {
    Action: area.title,
    Owner: area.lead,
    Progress: [richTextToCellText(area.progress), ...area.listedUpdates.map(updateLine)]
      .filter(Boolean)
      .join('\n'),
    'Future Planned Actions': richTextToCellText(area.futureActions),
    Status: area.status,
  };
}

/** Every action of the document in the order it shows them. */
export function actionsInOrder(doc: ActionPlanDocument): DocumentAction[] {
  return doc.groups.flatMap((g) => g.actions);
}
