// Reads a plan's findings: one with the actions answering it, a page of them for the API, and those an action answers.
import type { FindingRow } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';
import { coverageState, type AnsweringAction, type CoverageState } from './coverage.js';
import { findFinding } from './findingCommands.js';

export interface FindingWithActions {
  finding: FindingRow;
  actions: AnsweringAction[];
  state: CoverageState;
}

async function actionsAnswering(db: Reader, findingIds: string[]): Promise<Map<string, AnsweringAction[]>> {
  const answering = new Map<string, AnsweringAction[]>();
  if (findingIds.length === 0) return answering;
  const rows = await db
    .selectFrom('action_findings')
    .innerJoin('actions', 'actions.id', 'action_findings.action_id')
    .select(['action_findings.finding_id', 'actions.id', 'actions.ref', 'actions.title', 'actions.status'])
    .where('action_findings.finding_id', 'in', findingIds)
    .orderBy('actions.position')
    .orderBy('actions.id')
    .execute();
  for (const { finding_id, ...action } of rows)
    answering.set(finding_id, [...(answering.get(finding_id) ?? []), action]);
  return answering;
}

export async function findingWithActions(
  db: Reader,
  planId: string,
  findingId: string,
): Promise<FindingWithActions> {
  const finding = await findFinding(db, planId, findingId);
  const actions = (await actionsAnswering(db, [finding.id])).get(finding.id) ?? [];
  return { finding, actions, state: coverageState(actions) };
}

/** One page of a plan's findings in order, each with the actions answering it, and how many there are in all. */
export async function listFindingPage(
  db: Reader,
  planId: string,
  page: { limit: number; offset: number },
): Promise<{ findings: FindingWithActions[]; total: number }> {
  const [findings, counted] = await Promise.all([
    db
      .selectFrom('findings')
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('position')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('findings')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow(),
  ]);
  const answering = await actionsAnswering(
    db,
    findings.map((finding) => finding.id),
  );
  return {
    findings: findings.map((finding) => {
      const actions = answering.get(finding.id) ?? [];
      return { finding, actions, state: coverageState(actions) };
    }),
    total: Number(counted.count),
  };
}

/** The plan's findings to choose from, in order: what the action form offers. */
export function findingChoices(db: Reader, planId: string) {
  return db
    .selectFrom('findings')
    .select(['id', 'reference', 'text', 'kind'])
    .where('plan_id', '=', planId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

/** The findings an action answers, in the plan's order. */
export function findingsAnsweredBy(db: Reader, actionId: string) {
  return db
    .selectFrom('action_findings')
    .innerJoin('findings', 'findings.id', 'action_findings.finding_id')
    .select(['findings.id', 'findings.reference', 'findings.text', 'findings.kind'])
    .where('action_findings.action_id', '=', actionId)
    .orderBy('findings.position')
    .orderBy('findings.id')
    .execute();
}

/** A plan's findings in order, each with the ids of the actions answering it: what a plan's export.json holds. */
export async function findingsForExport(
  db: Reader,
  planId: string,
): Promise<{ finding: FindingRow; actionIds: string[] }[]> {
  const findings = await db
    .selectFrom('findings')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const answering = await actionsAnswering(
    db,
    findings.map((f) => f.id),
  );
  return findings.map((finding) => ({
    finding,
    actionIds: (answering.get(finding.id) ?? []).map((action) => action.id),
  }));
}
