// A plan as a file to download or write: one function that pages and the CLI share.
import type { Db } from '../db/connection.js';
import { londonDateAndTime } from '../dates/ukDate.js';
import { loadPlanAsAt } from '../history/planAsAt.js';
import { planCoverage } from '../findings/coverage.js';
import { loadPlanContents, type PlanContents } from '../plans/planContents.js';
import type { Reader } from '../history/recordChange.js';
import { presentPlanExport } from '../plans/presenters.js';
import { buildActionPlanDocument, type ActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToCsv } from './actionPlanCsv.js';
import { actionPlanToDocx, actionPlanToPdf, actionPlanToXlsx } from './documentWriters.js';
import { findingsForExport } from '../findings/findingQueries.js';
import type { PlanFormat } from './planFormats.js';

export const contentTypes: Record<PlanFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The plan as it stands, or as it stood at `at` (an ISO instant), rebuilt from its history (src/history/planAsAt.ts). */
export async function exportPlan(db: Db, slug: string, format: PlanFormat, at?: string) {
  const contents = at
    ? await loadPlanAsAt(db.kysely, slug, at, { updates: 'all' })
    : await loadPlanContents(db.kysely, slug, { updates: 'all' });
  // JSON is the plan as the API presents it; only the documents need the action-plan document model.
  const bytes =
    format === 'json'
      ? Buffer.from(
          JSON.stringify(
            presentPlanExport(
              contents,
              undefined,
              at ? londonDateAndTime(at).date : undefined,
              at ? undefined : await findingsForExport(db.kysely, contents.plan.id),
            ),
            null,
            2,
          ),
        )
      : await documentBytes(await actionPlanDocument(db.kysely, contents, at), format);
  const asAt = at
    ? `-as-at-${londonDateAndTime(at).date}-${londonDateAndTime(at).time.replace(':', '')}`
    : '';
  return { bytes, contentType: contentTypes[format], fileName: `${slug}${asAt}.${format}` };
}

/**
 * The action-plan document of a plan, with its findings' coverage when it is the plan as it stands: findings have no
 * past of their own to rebuild a moment from (src/history/planAsAt.ts), so the plan as it stood says nothing of them.
 */
export async function actionPlanDocument(
  db: Reader,
  contents: PlanContents,
  at: string | undefined,
): Promise<ActionPlanDocument> {
  const coverage = at ? [] : (await planCoverage(db, contents.plan.id)).byKind.map((kind) => kind.sentence);
  return buildActionPlanDocument(contents, undefined, coverage);
}

function documentBytes(
  doc: ActionPlanDocument,
  format: Exclude<PlanFormat, 'json'>,
): Promise<Buffer> | Buffer {
  if (format === 'docx') return actionPlanToDocx(doc);
  if (format === 'pdf') return actionPlanToPdf(doc);
  if (format === 'xlsx') return actionPlanToXlsx(doc);
  return actionPlanToCsv(doc);
}
