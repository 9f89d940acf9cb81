// The highlight report's words as the Word file and the PDF both write them, so that the two say the same thing.
import type { ReportSectionKey } from '../import/planDraft.js';
import { emptySections, type ReportAction, type ReportModel } from '../reports/reportModel.js';

export const ragFill: Record<string, string> = { red: 'F4B6AE', amber: 'FFE08A', green: 'B9DFC8' };

/** "Title (owners): date", a line of the generated lists. */
export function actionLine(action: ReportAction): string {
  const owners = action.owners.length > 0 ? ` (${action.owners.join(', ')})` : '';
  const date = action.revisedTarget || action.target;
  return `${action.title}${owners}${date ? `: ${date}` : ''}`;
}

export function changeLines(changes: NonNullable<ReportModel['changes']>): string[] {
  return [
    ...changes.statusChanges.map((c) => `${c.title}: ${c.from} to ${c.to}`),
    ...changes.added.map((a) => `New: ${a.title}`),
    ...changes.removed.map((a) => `Removed: ${a.title}`),
    ...changes.movedDates.map(
      (m) =>
        `${m.title}: date moved from ${m.from || 'none'} to ${m.to || 'none'}${m.reason ? ` (${m.reason})` : ''}`,
    ),
  ];
}

export function overallText(model: ReportModel): string {
  return [model.overall.rag ? model.overall.ragLabel : '', model.overall.words].filter(Boolean).join(': ');
}

/**
 * The generated lists after the narrative, each with what it says when it is empty; the findings' coverage only where
 * the plan has findings.
 */
export function generatedLists(model: ReportModel): GeneratedList[] {
  const coverage = model.findingsCoverage ?? [];
  return [
    {
      heading: 'Completed in this period',
      lines: model.completedInPeriod.map(actionLine),
      empty: 'No actions were completed in this period.',
    },
    { heading: 'Overdue', lines: model.overdue.map(actionLine), empty: 'No actions are overdue.' },
    {
      heading: 'Due in the next period',
      lines: model.dueNextPeriod.map(actionLine),
      empty: 'No actions fall due in the next period.',
    },
    ...(coverage.length > 0 ? [{ heading: 'Findings coverage', lines: coverage, empty: '' }] : []),
    ...((model.surveyChanges ?? []).length > 0
      ? [{ heading: 'Staff survey', lines: model.surveyChanges!, empty: '' }]
      : []),
    changesList(model),
  ];
}

/**
 * A generated list: its lines, or its lines under sub-headings (groups), with an opening sentence where it has one and
 * what it says when there is nothing in it.
 */
export interface GeneratedList {
  heading: string;
  intro?: string;
  lines: string[];
  groups?: { heading: string; lines: string[] }[];
  empty: string;
}

const firstReport = "This is the plan's first report: there is no published report to compare with.";

/** "Changes since the last board" by theme; a report published before that was kept has its shorter list. */
function changesList(model: ReportModel): GeneratedList {
  const board = model.sinceLastBoard;
  if (board) {
    return {
      heading: 'Changes since the last board',
      intro: board.intro,
      lines: [],
      groups: board.themes.map((theme) => ({ heading: theme.theme, lines: theme.lines })),
      empty: '',
    };
  }
  return {
    heading: model.changes ? 'Changes since the last published report' : 'Changes since the last board',
    lines: model.changes ? changeLines(model.changes) : [],
    empty: model.changes ? 'No changes.' : firstReport,
  };
}

/**
 * The two labelled tables: the facts and opening sections, then the narrative after the progress tables. A section
 * with nothing written in it is left out: a board paper never says "Nothing written yet".
 */
export function labelledSections(model: ReportModel): { before: LabelledRow[]; after: LabelledRow[] } {
  const empty = new Set(emptySections(model).map((s) => s.key));
  const written = (keys: ReportSectionKey[]) =>
    keys
      .filter((key) => !empty.has(key))
      .map((key) => model.sections.find((s) => s.key === key)!)
      .map((section) => ({ label: section.label, html: section.html }));
  return {
    before: [
      { label: 'Strategic sponsor', text: model.sponsor || 'Not stated' },
      { label: 'Period covered', text: model.period.text },
      {
        label: 'Overall project status',
        text: overallText(model),
        fill: model.overall.rag ? ragFill[model.overall.rag] : undefined,
      },
      ...written(['summary', 'governance']),
    ],
    after: written(['progress', 'communication', 'issues', 'risks', 'nextSteps']),
  };
}

export type LabelledRow = { label: string; html?: string; text?: string; fill?: string };
