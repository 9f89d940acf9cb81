// One model of a highlight report for a period, drawn from live data: the page, Word and PDF are all drawn from it.
// Publishing stores this model as it stands, so a published report renders the same for ever.
import type { ReportDashboard } from '../dashboard/reportDashboard.js';
import type { ReportRow, Status } from '../db/schema.js';
import { isOverdue } from '../dates/targetDate.js';
import { formatUkDateRange } from '../dates/ukDate.js';
import { comparisonSummary, themeLines, type PlanComparison } from '../history/comparePlans.js';
import { reportSectionKeys, sectionLabels, type ReportSectionKey } from '../import/planDraft.js';
import type { ActionWithOwnerNames, PlanContents } from '../plans/planContents.js';
import { effectiveTarget } from '../plans/presenters.js';
import { isClosed, ragLabels, statusLabels } from '../plans/vocabulary.js';
import { richTextToPlain } from '../richtext/sanitise.js';

export interface ReportAction {
  id: string;
  ref: string;
  title: string;
  theme: string | null;
  horizon: string | null;
  owners: string[];
  status: Status;
  statusLabel: string;
  target: string;
  /** The date the action is now held to, as written, with the reason where it moved. */
  revisedTarget: string;
  revisedReason: string;
  completedOn: string | null;
}

export interface DeliverableGroup {
  theme: string;
  deliverables: ReportAction[];
}

export interface HorizonProgress {
  horizon: string;
  /** "Progress against short term (by April 2024)". */
  heading: string;
  themes: DeliverableGroup[];
}

export interface ReportChanges {
  /** The period of the published report these changes are measured from. */
  since: string;
  statusChanges: { title: string; from: string; to: string }[];
  added: ReportAction[];
  removed: ReportAction[];
  movedDates: { title: string; from: string; to: string; reason: string }[];
}

/**
 * "Changes since the last board": the plan at the last published report's publication compared with the plan now,
 * grouped by theme, in sentences. Frozen with the rest of the model when the report is published.
 */
export interface BoardChanges {
  /** "the report for January 2026, published 3 February 2026 at 10:00". */
  since: string;
  /** "1 action added, 2 status changes", or "Nothing changed". */
  summary: string;
  /** "Since the report for January 2026, published 3 February 2026 at 10:00: 1 action added, 2 status changes." */
  intro: string;
  themes: { theme: string; lines: string[] }[];
}

/** The comparison as a report keeps it: only words, so that a published report never needs the plan again. */
export function boardChanges(comparison: PlanComparison, since: string): BoardChanges {
  const summary = comparisonSummary(comparison.counts);
  return {
    since,
    summary,
    intro: `Since ${since}: ${summary.charAt(0).toLowerCase()}${summary.slice(1)}.`,
    themes: comparison.themes.map((theme) => ({ theme: theme.theme, lines: themeLines(theme) })),
  };
}

export interface ReportModel {
  /** "Culture plan: highlight report", or the plan's own title where that already says it is a highlight report. */
  title: string;
  planTitle: string;
  planSlug: string;
  sponsor: string;
  marking: string;
  period: { text: string; start: string | null; end: string | null };
  overall: { rag: string | null; ragLabel: string; words: string };
  sections: { key: ReportSectionKey; label: string; html: string }[];
  progress: HorizonProgress[];
  completedInPeriod: ReportAction[];
  overdue: ReportAction[];
  dueNextPeriod: ReportAction[];
  /** What changed in the actions' recorded fields since the last report: reports published before the fuller comparison. */
  changes: ReportChanges | null;
  /** The fuller comparison since the last published report; absent from reports published before it was kept. */
  sinceLastBoard?: BoardChanges | null;
  /** Every action as it stood, so that the next report can say what changed since this one. */
  actions: ReportAction[];
  /**
   * The plan's findings by kind and how far its actions answer them, one sentence a kind ("14 recommendations: 12 with
   * actions, 5 complete"); empty when the plan has no findings, absent from reports published before findings were kept.
   */
  findingsCoverage?: string[];
  /** The dashboard's status by theme and trend, for the charts; absent from reports published before they were kept. */
  dashboard?: ReportDashboard | null;
  /**
   * How the staff survey moved on the questions marked for a focus area, between its last two waves ("Vision clarity:
   * 54% → 61%, +7 points (Leadership)"); absent from reports published before survey results were kept.
   */
  surveyChanges?: string[];
  generatedOn: string;
}

function reportAction(
  action: ActionWithOwnerNames,
  themes: Map<string, string>,
  horizons: Map<string, string>,
) {
  return {
    id: action.id,
    ref: action.ref,
    title: action.title,
    theme: action.theme_id ? (themes.get(action.theme_id) ?? null) : null,
    horizon: action.horizon_id ? (horizons.get(action.horizon_id) ?? null) : null,
    owners: action.owners,
    status: action.status,
    statusLabel: statusLabels[action.status],
    target: action.target_text,
    revisedTarget: action.revised_target_text,
    revisedReason: action.revised_reason,
    completedOn: action.completed_on,
  } satisfies ReportAction;
}

function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
}

/** The report's title: the plan's, with "highlight report" added unless the plan's title ends with it already. */
export function reportTitle(planTitle: string): string {
  return /highlight report\s*$/i.test(planTitle) ? planTitle.trim() : `${planTitle}: highlight report`;
}

const properWords = new Set([
  ...['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September'],
  ...['October', 'November', 'December', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  ...['Saturday', 'Sunday'],
]);

/**
 * "Progress against short term (by April 2024)": the horizon's name inside a sentence. Only a first word written as
 * an ordinary capitalised word ("Short") is lowered; a name, a month or an abbreviation ("NHS", "Q1") keeps its
 * capitals, and so does everything after the first word.
 */
export function progressHeading(horizon: string | null): string {
  if (horizon === null) return 'Progress against other actions';
  const first = /^[A-Z][a-z]+\b/.exec(horizon)?.[0];
  const name =
    first && !properWords.has(first) ? `${first.toLowerCase()}${horizon.slice(first.length)}` : horizon;
  return `Progress against ${name}`;
}

export function periodText(start: string | null, end: string | null, written = ''): string {
  return written || formatUkDateRange(start, end);
}

export function parseSections(json: string): Partial<Record<ReportSectionKey, string>> {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' ? (parsed as Partial<Record<ReportSectionKey, string>>) : {};
  } catch {
    return {};
  }
}

/** The narrative sections with nothing written in them: a published paper leaves them out. */
export function emptySections(model: Pick<ReportModel, 'sections'>): ReportModel['sections'] {
  return model.sections.filter((section) => richTextToPlain(section.html) === '');
}

/** What changed between the actions a published report recorded and the actions now. */
export function changesSince(previous: ReportModel, now: ReportAction[]): ReportChanges {
  const before = new Map(previous.actions.map((a) => [a.id, a]));
  const after = new Map(now.map((a) => [a.id, a]));
  const statusChanges: ReportChanges['statusChanges'] = [];
  const movedDates: ReportChanges['movedDates'] = [];
  for (const action of now) {
    const old = before.get(action.id);
    if (!old) continue;
    if (old.status !== action.status)
      statusChanges.push({ title: action.title, from: old.statusLabel, to: action.statusLabel });
    const oldDate = old.revisedTarget || old.target;
    const newDate = action.revisedTarget || action.target;
    if (oldDate !== newDate)
      movedDates.push({ title: action.title, from: oldDate, to: newDate, reason: action.revisedReason });
  }
  return {
    since: previous.period.text,
    statusChanges,
    added: now.filter((a) => !before.has(a.id)),
    removed: previous.actions.filter((a) => !after.has(a.id)),
    movedDates,
  };
}

/**
 * The report for the row's period from the plan as it is now. The period's end is the day overdue is judged
 * on; "due in the next period" is the same length again after it.
 */
export function buildReportModel(
  contents: PlanContents,
  report: Pick<
    ReportRow,
    'period_text' | 'period_start' | 'period_end' | 'overall_status' | 'rag' | 'sections_json'
  >,
  previous: ReportModel | null,
  generatedOn: string,
  extras: {
    findingsCoverage?: string[];
    sinceLastBoard?: BoardChanges | null;
    dashboard?: ReportDashboard | null;
    surveyChanges?: string[];
  } = {},
): ReportModel {
  const themes = new Map(contents.themes.map((t) => [t.id, t.title]));
  const horizons = new Map(contents.horizons.map((h) => [h.id, h.name]));
  const actions = contents.actions.map((a) => reportAction(a, themes, horizons));
  const byId = new Map(contents.actions.map((a) => [a.id, a]));
  const start = report.period_start;
  const end = report.period_end ?? generatedOn;
  const length = start ? Math.max(1, daysBetween(start, end)) : 90;
  const nextEnd = addDays(end, length);

  const progress: HorizonProgress[] = [...contents.horizons.map((h) => h.name), null].flatMap((horizon) => {
    const inHorizon = actions.filter((a) => a.horizon === horizon);
    if (inHorizon.length === 0) return [];
    const groups: DeliverableGroup[] = [];
    for (const action of inHorizon) {
      const theme = action.theme ?? 'Other';
      const group =
        groups.find((g) => g.theme === theme) ?? (groups.push({ theme, deliverables: [] }), groups.at(-1)!);
      group.deliverables.push(action);
    }
    const order = [...contents.themes.map((t) => t.title), 'Other'];
    groups.sort((a, b) => order.indexOf(a.theme) - order.indexOf(b.theme));
    return [{ horizon: horizon ?? 'Other actions', heading: progressHeading(horizon), themes: groups }];
  });

  const sections = parseSections(report.sections_json);
  const rag = report.rag ?? contents.plan.rag;
  return {
    title: reportTitle(contents.plan.title),
    planTitle: contents.plan.title,
    planSlug: contents.plan.slug,
    sponsor: contents.plan.sponsor,
    marking: contents.plan.marking,
    period: { text: periodText(start, report.period_end, report.period_text), start, end: report.period_end },
    overall: {
      rag,
      ragLabel: rag ? ragLabels[rag] : 'Not set',
      words: report.overall_status || contents.plan.rag_note.replace(/<[^>]+>/g, ''),
    },
    sections: reportSectionKeys.map((key) => ({ key, label: sectionLabels[key], html: sections[key] ?? '' })),
    progress,
    completedInPeriod: actions.filter(
      (a) => a.completedOn !== null && (!start || a.completedOn >= start) && a.completedOn <= end,
    ),
    overdue: actions.filter((a) => {
      const action = byId.get(a.id)!;
      return isOverdue(effectiveTarget(action), action.status, addDays(end, 1));
    }),
    dueNextPeriod: actions.filter((a) => {
      const target = effectiveTarget(byId.get(a.id)!);
      return !isClosed(a.status) && target.kind === 'date' && target.end! > end && target.end! <= nextEnd;
    }),
    changes: previous ? changesSince(previous, actions) : null,
    sinceLastBoard: extras.sinceLastBoard ?? null,
    actions,
    findingsCoverage: extras.findingsCoverage ?? [],
    dashboard: extras.dashboard ?? null,
    surveyChanges: extras.surveyChanges ?? [],
    generatedOn,
  };
}
