// Reads a plan's reports: the list with period and state, and one report as its model (live, or frozen if published).
import { reportDashboard } from '../dashboard/reportDashboard.js';
import type { Kysely } from 'kysely';
import type { Database, PlanRow, ReportRow } from '../db/schema.js';
import { todayIso } from '../dates/ukDate.js';
import { NotFoundError } from '../errors.js';
import { planCoverage } from '../findings/coverage.js';
import { asAtLabel } from '../history/planAsAt.js';
import { loadComparison } from '../history/planComparison.js';
import { loadPlanContents } from '../plans/planContents.js';
import { planSurveys, surveyChangeLines } from '../surveys/surveyQueries.js';
import {
  boardChanges,
  buildReportModel,
  reportTitle,
  type BoardChanges,
  type ReportModel,
} from './reportModel.js';

export async function listReports(db: Kysely<Database>, planId: string): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('period_end', 'desc')
    .orderBy('edition', 'desc')
    .execute();
}

/** A published report's model as it was stored; reports published before the model had a title are given theirs. */
function frozen(report: ReportRow): ReportModel | null {
  if (!report.snapshot_json) return null;
  const model = JSON.parse(report.snapshot_json) as Omit<ReportModel, 'title'> & { title?: string };
  return { ...model, title: model.title ?? reportTitle(model.planTitle) };
}

/** The report as people see it: a draft from live data, a published report exactly as it was published. */
export async function loadReport(
  db: Kysely<Database>,
  slug: string,
  reportId: string,
  today = todayIso(),
): Promise<{ plan: PlanRow; report: ReportRow; model: ReportModel }> {
  const contents = await loadPlanContents(db, slug, { updates: 'themes' });
  const report = await db
    .selectFrom('reports')
    .selectAll()
    .where('id', '=', reportId)
    .where('plan_id', '=', contents.plan.id)
    .executeTakeFirst();
  if (!report) throw new NotFoundError('Report');
  const published = frozen(report);
  if (published) return { plan: contents.plan, report, model: published };
  const previous = await db
    .selectFrom('reports')
    .selectAll()
    .where('plan_id', '=', contents.plan.id)
    .where('status', 'in', ['published', 'superseded'])
    .where('period_end', '<', report.period_end ?? today)
    .orderBy('period_end', 'desc')
    .orderBy('edition', 'desc')
    .executeTakeFirst();
  const coverage = await planCoverage(db, contents.plan.id);
  const model = buildReportModel(contents, report, previous ? frozen(previous) : null, today, {
    findingsCoverage: coverage.byKind.map((kind) => kind.sentence),
    sinceLastBoard: previous ? await changesSinceReport(db, slug, previous) : null,
    dashboard: await reportDashboard(db, contents.plan.id, today),
    surveyChanges: surveyChangeLines(await planSurveys(db, contents.plan.id), contents.themes),
  });
  return { plan: contents.plan, report, model };
}

/** The plan now compared with the plan when the previous report was published. */
async function changesSinceReport(
  db: Kysely<Database>,
  slug: string,
  previous: ReportRow,
): Promise<BoardChanges | null> {
  if (!previous.published_at) return null;
  const { comparison } = await loadComparison(db, slug, { from: previous.published_at });
  const period = previous.period_text || previous.period_end;
  const report = period ? `the report for ${period}` : 'the last report';
  return boardChanges(comparison, `${report}, published ${asAtLabel(previous.published_at)}`);
}
