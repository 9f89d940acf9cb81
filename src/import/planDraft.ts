// A plan as a document states it, before it is saved: what the importer understands and the sample plans are written in.
import type { ActionInput } from '../actions/actionCommands.js';
import type { FindingKind } from '../db/schema.js';
import type { OwnerInput } from '../owners/ownerCommands.js';
import type { PlanInput } from '../plans/planCommands.js';
import type { ThemeInput } from '../themes/themeCommands.js';
import type { UpdateInput } from '../updates/updateCommands.js';

/**
 * A dated entry as the document gives it: the day it speaks for, who wrote it and what it says; and, from a plan's
 * export.json, the status it moved its action or theme to.
 */
export type DraftUpdate = Required<Pick<UpdateInput, 'effectiveOn' | 'author' | 'body'>> &
  Pick<UpdateInput, 'statusChange'>;

export interface DraftTheme extends ThemeInput {
  title: string;
  updates: DraftUpdate[];
}

export interface DraftAction extends Omit<ActionInput, 'themeId' | 'horizonId'> {
  title: string;
  /** The references of the draft's findings that this action answers. */
  findings?: string[];
  /** The title of the theme the action sits under, or null for none. */
  theme: string | null;
  /** The name of one of the plan's horizons, or null for none. */
  horizon: string | null;
  updates: DraftUpdate[];
}

/** A finding the document states (a recommendation, an area for improvement …), which its actions answer. */
export interface DraftFinding {
  /** Unique within the draft: the document's own number, or one given in the document's order. */
  reference: string;
  text: string;
  kind: FindingKind;
  /** In the document's words ("High"); '' for none. */
  priority: string;
  /** The document it was read from: its title, or its file name. */
  sourceDocument: string;
}

export const reportSectionKeys = [
  'summary',
  'progress',
  'governance',
  'communication',
  'issues',
  'risks',
  'nextSteps',
] as const;
export type ReportSectionKey = (typeof reportSectionKeys)[number];

export const sectionLabels: Record<ReportSectionKey, string> = {
  summary: 'Summary',
  progress: 'Progress',
  governance: 'Governance',
  communication: 'Communication',
  issues: 'Issues',
  risks: 'Risks',
  nextSteps: 'Next steps',
};

/** A highlight report as written for one period: its overall status and its narrative sections, as HTML. */
export interface DraftReport {
  periodText: string;
  periodStart: string | null;
  periodEnd: string | null;
  overallStatus: string;
  sections: Partial<Record<ReportSectionKey, string>>;
}

export interface PlanDraft {
  plan: PlanInput & { title: string; horizons: string[] };
  /** Owners as the directory should know them, when the source says more than their names (an export.json). */
  owners?: OwnerInput[];
  /** In the document's order. */
  themes: DraftTheme[];
  /** In the document's order. */
  actions: DraftAction[];
  /** In the document's order; each action names those it answers. */
  findings?: DraftFinding[];
  report?: DraftReport | null;
}
