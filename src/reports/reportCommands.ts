// Highlight reports of a plan: a draft per period, written from an import or by hand; each change writes history.
import { nowIso } from '../db/migrations.js';
import type { Rag, ReportRow } from '../db/schema.js';
import { recordChange, type Actor, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import type { DraftReport } from '../import/planDraft.js';
import { toRichText } from '../richtext/sanitise.js';

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
    const now = nowIso();
    const created: ReportRow = {
      id: newId(),
      plan_id: planId,
      status: 'draft',
      ...values,
      version: 1,
      created_at: now,
      updated_at: now,
      published_at: null,
    };
    await trx.insertInto('reports').values(created).execute();
    await recordChange(trx, actor, {
      recordType: 'report',
      recordId: created.id,
      planId,
      change: 'create',
      after: created,
    });
    return 'created';
  }
  const same = (Object.keys(values) as (keyof typeof values)[]).every((key) => existing[key] === values[key]);
  if (same) return 'unchanged';
  const after: ReportRow = { ...existing, ...values, version: existing.version + 1, updated_at: nowIso() };
  await trx
    .updateTable('reports')
    .set({ ...values, version: after.version, updated_at: after.updated_at })
    .where('id', '=', existing.id)
    .execute();
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
