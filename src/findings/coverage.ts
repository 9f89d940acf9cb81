// How far a plan's actions answer its findings: each finding has no action, open actions, or all its actions complete,
// counted overall and by kind ("14 recommendations: 12 with actions, 5 complete").
import type { FindingKind, FindingRow, Status } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';
import { countOfKind, findingKinds } from './findingKinds.js';

/**
 * - no_action: no action answers it, or only cancelled ones (a cancelled action answers nothing);
 * - open: at least one action answering it is neither complete nor cancelled;
 * - complete: every action answering it is complete (cancelled ones aside).
 */
export type CoverageState = 'no_action' | 'open' | 'complete';

export const coverageStates: readonly CoverageState[] = ['no_action', 'open', 'complete'];

export const coverageLabels: Record<CoverageState, string> = {
  no_action: 'No action',
  open: 'Actions open',
  complete: 'All actions complete',
};

export interface AnsweringAction {
  id: string;
  ref: string;
  title: string;
  status: Status;
}

export interface FindingCoverage {
  finding: FindingRow;
  state: CoverageState;
  actions: AnsweringAction[];
}

export interface CoverageCounts {
  total: number;
  noAction: number;
  open: number;
  complete: number;
  /** Open and complete together: the findings some live action answers. */
  withActions: number;
}

export interface KindCoverage extends CoverageCounts {
  kind: FindingKind;
  /** "14 recommendations: 12 with actions, 5 complete". */
  sentence: string;
}

export interface PlanCoverage {
  findings: FindingCoverage[];
  counts: CoverageCounts;
  /** Only the kinds the plan has, in the order of findingKinds. */
  byKind: KindCoverage[];
}

export function coverageState(actions: { status: Status }[]): CoverageState {
  const live = actions.filter((action) => action.status !== 'cancelled');
  if (live.length === 0) return 'no_action';
  return live.every((action) => action.status === 'complete') ? 'complete' : 'open';
}

function countStates(findings: FindingCoverage[]): CoverageCounts {
  const of = (state: CoverageState) => findings.filter((finding) => finding.state === state).length;
  const open = of('open');
  const complete = of('complete');
  return { total: findings.length, noAction: of('no_action'), open, complete, withActions: open + complete };
}

export function coverageSentence(kind: FindingKind, counts: CoverageCounts): string {
  return `${countOfKind(counts.total, kind)}: ${counts.withActions} with actions, ${counts.complete} complete`;
}

/** Every finding of the plan in order, with the actions answering it and its state, and the counts. */
export async function planCoverage(db: Reader, planId: string): Promise<PlanCoverage> {
  const [findings, links] = await Promise.all([
    db
      .selectFrom('findings')
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('action_findings')
      .innerJoin('actions', 'actions.id', 'action_findings.action_id')
      .select(['action_findings.finding_id', 'actions.id', 'actions.ref', 'actions.title', 'actions.status'])
      .where('actions.plan_id', '=', planId)
      .orderBy('actions.position')
      .orderBy('actions.id')
      .execute(),
  ]);
  const actionsOf = new Map<string, AnsweringAction[]>();
  for (const { finding_id, ...action } of links)
    actionsOf.set(finding_id, [...(actionsOf.get(finding_id) ?? []), action]);
  const covered = findings.map((finding) => {
    const actions = actionsOf.get(finding.id) ?? [];
    return { finding, actions, state: coverageState(actions) };
  });
  const byKind = findingKinds.flatMap((kind) => {
    const ofKind = covered.filter((item) => item.finding.kind === kind);
    if (ofKind.length === 0) return [];
    const counts = countStates(ofKind);
    return [{ kind, ...counts, sentence: coverageSentence(kind, counts) }];
  });
  return { findings: covered, counts: countStates(covered), byKind };
}
