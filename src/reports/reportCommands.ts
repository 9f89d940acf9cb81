// Highlight reports of a plan: a draft per period, written from an import or by hand; each change writes history.
import { nowIso } from '../db/migrations.js';
import { checkVersion, forChange, updateAtVersion } from '../db/versionedUpdate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { reportLimits } from '../fieldLimits.js';
import { FieldChecks } from '../validation.js';
import { rags } from '../plans/vocabulary.js';
import { reportSectionKeys, type ReportSectionKey } from '../import/planDraft.js';
import { formatUkDateRange } from '../dates/ukDate.js';
import type { Rag, ReportRow } from '../db/schema.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import type { DraftReport } from '../import/planDraft.js';
import { toRichText } from '../richtext/sanitise.js';
import { emptySections, parseSections, type ReportModel } from './reportModel.js';

type ReportValues = Pick<
  ReportRow,
  'period_text' | 'period_start' | 'period_end' | 'overall_status' | 'rag' | 'sections_json'
>;

/** Writes a new draft report (a first edition, or a correction of `replaces`) with its history. */
async function insertDraft(
  trx: Trx,
  actor: Actor,
  planId: string,
  values: ReportValues,
  replaces: ReportRow | null = null,
): Promise<ReportRow> {
  const now = nowIso();
  const report: ReportRow = {
    id: newId(),
    plan_id: planId,
    status: 'draft',
    ...values,
    version: 1,
    created_at: now,
    updated_at: now,
    published_at: null,
    snapshot_json: null,
    replaces_id: replaces?.id ?? null,
    edition: replaces ? replaces.edition + 1 : 1,
  };
  await trx.insertInto('reports').values(report).execute();
  await recordChange(trx, actor, {
    recordType: 'report',
    recordId: report.id,
    planId,
    change: 'create',
    after: report,
  });
  return report;
}

function sectionsJson(sections: DraftReport['sections']): string {
  const cleaned = Object.fromEntries(
    Object.entries(sections)
      .map(([key, html]) => [key, toRichText(html)])
      .filter(([, html]) => html !== ''),
  );
  return JSON.stringify(cleaned);
}

/**
 * Keeps the plan's draft report for the report's period as the document states it: created if there is none,
 * changed if it differs, left alone (no history) if it already says the same. Published reports are never touched.
 */
export async function keepDraftReport(
  trx: Trx,
  actor: Actor,
  planId: string,
  report: DraftReport,
  rag: Rag | null,
): Promise<'created' | 'changed' | 'unchanged'> {
  const values = {
    period_text: report.periodText,
    period_start: report.periodStart,
    period_end: report.periodEnd,
    overall_status: report.overallStatus,
    rag,
    sections_json: sectionsJson(report.sections),
  };
  const existing = await trx
    .selectFrom('reports')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('period_text', '=', report.periodText)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (!existing) {
    await insertDraft(trx, actor, planId, values);
    return 'created';
  }
  const same = (Object.keys(values) as (keyof typeof values)[]).every((key) => existing[key] === values[key]);
  if (same) return 'unchanged';
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'reports', existing.id, existing.version, {
    ...values,
    updated_at: updatedAt,
  });
  const after: ReportRow = { ...existing, ...values, version, updated_at: updatedAt };
  await recordChange(trx, actor, {
    recordType: 'report',
    recordId: existing.id,
    planId,
    change: 'update',
    before: existing,
    after,
  });
  return 'changed';
}

export interface ReportInput {
  periodStart?: string;
  periodEnd?: string;
  periodText?: string;
  overallStatus?: string;
  rag?: Rag | '' | null;
  sections?: Partial<Record<ReportSectionKey, string>>;
}

function checkReport(input: ReportInput, existing?: ReportRow) {
  const checks = new FieldChecks();
  const start = checks.isoDate(
    'periodStart',
    'the first day of the period',
    input.periodStart ?? existing?.period_start,
    {
      required: true,
    },
  );
  const end = checks.isoDate(
    'periodEnd',
    'the last day of the period',
    input.periodEnd ?? existing?.period_end,
    {
      required: true,
    },
  );
  if (start && end && end < start)
    checks.fail('periodEnd', 'The last day of the period must be on or after the first');
  const periodText = checks.text(
    'periodText',
    'how the period is described',
    input.periodText ?? existing?.period_text,
    {
      max: reportLimits.periodText,
    },
  );
  const overall = checks.text(
    'overallStatus',
    'the overall status',
    input.overallStatus ?? existing?.overall_status,
    {
      max: reportLimits.overallStatus,
    },
  );
  const rag =
    input.rag === undefined
      ? (existing?.rag ?? null)
      : checks.choice('rag', 'the overall RAG status', input.rag, rags);
  const sections: Partial<Record<ReportSectionKey, string>> = existing
    ? JSON.parse(existing.sections_json)
    : {};
  for (const key of reportSectionKeys) {
    const given = input.sections?.[key];
    if (given !== undefined)
      sections[key] = checks.text(key, 'the section', given, { max: reportLimits.section });
  }
  checks.done();
  return {
    period_start: start,
    period_end: end,
    period_text: periodText || formatUkDateRange(start, end),
    overall_status: overall,
    rag,
    sections_json: sectionsJson(sections),
  };
}

export async function findReport(trx: Reader, planId: string, reportId: string): Promise<ReportRow> {
  const report = await trx
    .selectFrom('reports')
    .selectAll()
    .where('id', '=', reportId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!report) throw new NotFoundError('Report');
  return report;
}

/**
 * The narrative a new draft starts from: the sections of the plan's last published report; before the first is
 * published, the plan's own narrative (its summary, and the sections an import or an earlier draft wrote).
 */
export async function startingSections(
  trx: Reader,
  planId: string,
): Promise<Partial<Record<ReportSectionKey, string>>> {
  const reports = await trx
    .selectFrom('reports')
    .select(['status', 'period_end', 'published_at', 'updated_at', 'sections_json'])
    .where('plan_id', '=', planId)
    .where('status', 'in', ['published', 'draft'])
    .execute();
  // Sorted here rather than in SQL: SQLite and PostgreSQL put a missing period end at opposite ends.
  const latest = (rows: typeof reports, stamp: (r: (typeof reports)[number]) => string) =>
    rows.sort((a, b) =>
      `${b.period_end ?? ''} ${stamp(b)}`.localeCompare(`${a.period_end ?? ''} ${stamp(a)}`),
    )[0];
  const published = latest(
    reports.filter((r) => r.status === 'published'),
    (r) => r.published_at ?? '',
  );
  if (published) return parseSections(published.sections_json);
  const plan = await trx
    .selectFrom('plans')
    .select('summary')
    .where('id', '=', planId)
    .executeTakeFirstOrThrow();
  const draft = latest(
    reports.filter((r) => r.status === 'draft'),
    (r) => r.updated_at,
  );
  const sections = draft ? parseSections(draft.sections_json) : {};
  return plan.summary === '' ? sections : { ...sections, summary: plan.summary };
}

/** Starts a draft highlight report for a period, from the narrative of the last published report or of the plan. */
export async function createReport(
  trx: Trx,
  actor: Actor,
  planId: string,
  input: ReportInput,
): Promise<ReportRow> {
  const values = checkReport({ sections: await startingSections(trx, planId), ...input });
  return insertDraft(trx, actor, planId, values);
}

/** Changes a draft's period, overall status or narrative; a published report cannot be changed, only corrected. */
export async function updateReport(
  trx: Trx,
  actor: Actor,
  planId: string,
  reportId: string,
  expectedVersion: number,
  input: ReportInput,
): Promise<ReportRow> {
  const before = await findReport(trx, planId, reportId);
  if (before.status !== 'draft')
    throw new InvalidInputError({
      report: 'A published report cannot be changed; make a correction instead',
    });
  checkVersion('reports', before, expectedVersion);
  const values = checkReport(input, before);
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'reports', reportId, expectedVersion, {
    ...values,
    updated_at: updatedAt,
  });
  const after: ReportRow = { ...before, ...values, version, updated_at: updatedAt };
  await recordChange(trx, actor, {
    recordType: 'report',
    recordId: reportId,
    planId,
    change: 'update',
    before,
    after,
  });
  return after;
}

/** "These sections are empty: Risks, Next steps", or null when every section has words in it. */
export function emptySectionsMessage(model: Pick<ReportModel, 'sections'>): string | null {
  const empty = emptySections(model);
  return empty.length > 0 ? `These sections are empty: ${empty.map((s) => s.label).join(', ')}` : null;
}

/**
 * Publishes a draft: the report as it now stands (narrative and data) is frozen in its snapshot. A report with empty
 * sections is published only when the person has confirmed it (they are left out of the published paper).
 */
export async function publishReport(
  trx: Trx,
  actor: Actor,
  planId: string,
  reportId: string,
  expectedVersion: number,
  snapshot: ReportModel,
  options: { withEmptySections?: boolean } = {},
): Promise<ReportRow> {
  const before = await findReport(trx, planId, reportId);
  if (before.status !== 'draft') throw new InvalidInputError({ report: 'This report is already published' });
  checkVersion('reports', before, expectedVersion);
  const empty = emptySectionsMessage(snapshot);
  if (empty && !options.withEmptySections)
    throw new InvalidInputError({
      withEmptySections: `${empty}. Write them, or select “Publish with empty sections”`,
    });
  const now = nowIso();
  const published = {
    status: 'published' as const,
    snapshot_json: JSON.stringify(snapshot),
    published_at: now,
    updated_at: now,
  };
  const version = await updateAtVersion(trx, 'reports', reportId, expectedVersion, published);
  const after: ReportRow = { ...before, ...published, version };
  if (before.replaces_id) {
    // The edition this one corrects is superseded: a change to that report too, with its own version and history.
    const replaced = await forChange(
      trx,
      trx.selectFrom('reports').selectAll().where('id', '=', before.replaces_id),
    ).executeTakeFirstOrThrow();
    const superseded = { status: 'superseded' as const, updated_at: now };
    const replacedVersion = await updateAtVersion(trx, 'reports', replaced.id, replaced.version, superseded);
    await recordChange(trx, actor, {
      recordType: 'report',
      recordId: replaced.id,
      planId,
      change: 'update',
      before: { ...replaced, snapshot_json: '(stored)' },
      after: { ...replaced, ...superseded, version: replacedVersion, snapshot_json: '(stored)' },
    });
  }
  await recordChange(trx, actor, {
    recordType: 'report',
    recordId: reportId,
    planId,
    change: 'update',
    before,
    after: { ...after, snapshot_json: '(stored)' },
  });
  return after;
}

/** Starts a correction of a published report: a new draft edition with its narrative; the published one stays. */
export async function correctReport(
  trx: Trx,
  actor: Actor,
  planId: string,
  reportId: string,
): Promise<ReportRow> {
  const original = await findReport(trx, planId, reportId);
  if (original.status !== 'published')
    throw new InvalidInputError({ report: 'Only a published report can be corrected' });
  const open = await trx
    .selectFrom('reports')
    .select('id')
    .where('replaces_id', '=', reportId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (open) return findReport(trx, planId, open.id);
  const { period_text, period_start, period_end, overall_status, rag, sections_json } = original;
  return insertDraft(
    trx,
    actor,
    planId,
    { period_text, period_start, period_end, overall_status, rag, sections_json },
    original,
  );
}
