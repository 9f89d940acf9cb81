// One model of the action-plan document (the staff-survey layout): the Word file, the workbook and the CSV are drawn
// from it, so they say the same thing.
import { parseTargetDate } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import type { Status, UpdateRow } from '../db/schema.js';
import type { PlanContents } from '../plans/planContents.js';
import { isOverdue } from '../dates/targetDate.js';
import { effectiveTarget } from '../plans/presenters.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { richTextToPlain } from '../richtext/sanitise.js';

export interface DocumentUpdate {
  effectiveOn: string;
  author: string;
  body: string;
  statusChange: Status | null;
}

export interface DocumentAction {
  ref: string;
  title: string;
  theme: string | null;
  horizon: string | null;
  owners: string[];
  progress: string;
  futureActions: string;
  /** The date as written, and the revised one with its reason where it moved. */
  dates: string;
  targetText: string;
  targetStart: string | null;
  targetEnd: string | null;
  status: Status;
  statusLabel: string;
  rag: string;
  overdue: boolean;
  updates: DocumentUpdate[];
}

export interface DocumentFocusArea {
  title: string;
  lead: string;
  status: string;
  progress: string;
  futureActions: string;
  updates: DocumentUpdate[];
}

export interface ActionPlanDocument {
  title: string;
  slug: string;
  marking: string;
  generatedOn: string;
  hasRefs: boolean;
  hasThemes: boolean;
  hasRag: boolean;
  groups: { theme: string | null; actions: DocumentAction[] }[];
  focusAreas: DocumentFocusArea[];
}

/** "Update 7/8/21": the way the sample documents date their entries, and the way the importer reads them back. */
export function shortUkDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${Number(day)}/${Number(month)}/${year!.slice(2)}`;
}

function documentUpdate(update: UpdateRow): DocumentUpdate {
  return {
    effectiveOn: update.effective_on,
    author: update.author,
    body: update.body,
    statusChange: update.status_change,
  };
}

export function buildActionPlanDocument(
  contents: PlanContents,
  generatedOn = todayIso(),
): ActionPlanDocument {
  const themeTitles = new Map(contents.themes.map((t) => [t.id, t.title]));
  const horizonNames = new Map(contents.horizons.map((h) => [h.id, h.name]));
  const updatesOf = new Map<string, DocumentUpdate[]>();
  for (const update of contents.updates) {
    const key = update.action_id ?? update.theme_id ?? '';
    updatesOf.set(key, [...(updatesOf.get(key) ?? []), documentUpdate(update)]);
  }
  const actions: DocumentAction[] = contents.actions.map((action) => {
    const target = parseTargetDate(action.target_text);
    return {
      ref: action.ref,
      title: action.title,
      theme: action.theme_id ? (themeTitles.get(action.theme_id) ?? null) : null,
      horizon: action.horizon_id ? (horizonNames.get(action.horizon_id) ?? null) : null,
      owners: action.owners,
      progress: action.progress,
      futureActions: action.future_actions,
      dates: action.revised_target_text
        ? `${action.revised_target_text} (revised from ${action.target_text || 'no date'}${action.revised_reason ? `: ${action.revised_reason}` : ''})`
        : action.target_text,
      targetText: action.target_text,
      targetStart: target.start,
      targetEnd: target.end,
      status: action.status,
      statusLabel: statusLabels[action.status],
      rag: action.rag ? ragLabels[action.rag] : '',
      overdue: isOverdue(effectiveTarget(action), action.status, generatedOn),
      updates: updatesOf.get(action.id) ?? [],
    };
  });
  const groups: ActionPlanDocument['groups'] = [];
  // Actions without a theme come first: under a themed row, an empty theme cell reads as "the theme above".
  for (const theme of [null, ...contents.themes.map((t) => t.title)]) {
    const inTheme = actions.filter((a) => a.theme === theme);
    if (inTheme.length > 0) groups.push({ theme, actions: inTheme });
  }
  const themesWithActions = new Set(actions.map((a) => a.theme));
  const focusAreas = contents.themes
    .filter(
      (t) =>
        !themesWithActions.has(t.title) &&
        (t.progress !== '' || t.future_actions !== '' || t.status !== null || updatesOf.has(t.id) || t.lead),
    )
    .map((t) => ({
      title: t.title,
      lead: t.lead ?? '',
      status: t.status ? statusLabels[t.status] : '',
      progress: t.progress,
      futureActions: t.future_actions,
      updates: updatesOf.get(t.id) ?? [],
    }));
  return {
    title: contents.plan.title,
    slug: contents.plan.slug,
    marking: contents.plan.marking,
    generatedOn,
    hasRefs: actions.some((a) => a.ref !== ''),
    hasThemes: actions.some((a) => a.theme !== null),
    hasRag: actions.some((a) => a.rag !== ''),
    groups,
    focusAreas,
  };
}

/** The columns of the action table, as the staff-survey document names them. */
export function actionColumns(doc: ActionPlanDocument): string[] {
  return [
    ...(doc.hasThemes ? ['Theme'] : []),
    ...(doc.hasRefs ? ['Ref'] : []),
    'Action',
    'Owner',
    'Progress',
    'Future Planned Actions',
    'Dates for delivery',
    'Status',
    ...(doc.hasRag ? ['RAG'] : []),
  ];
}

/** An update as a dated line: "Update 7/8/21: words", oldest first, so the importer reads each back as an update. */
export function updateLine(update: DocumentUpdate): string {
  return `Update ${shortUkDate(update.effectiveOn)}: ${richTextToPlain(update.body).replace(/\s*\n\s*/g, ' ')}`;
}
