// A plan as a file to download or write: one function that pages and the CLI share.
import type { Db } from '../db/connection.js';
import { loadPlanContents } from '../plans/planContents.js';
import { presentPlanExport } from '../plans/presenters.js';
import { buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToCsv } from './actionPlanCsv.js';
import { actionPlanToDocx, actionPlanToPdf, actionPlanToXlsx } from './documentWriters.js';

export const planFormats = ['docx', 'pdf', 'xlsx', 'csv', 'json'] as const;
export type PlanFormat = (typeof planFormats)[number];

export const contentTypes: Record<PlanFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function isPlanFormat(value: unknown): value is PlanFormat {
  return typeof value === 'string' && (planFormats as readonly string[]).includes(value);
}

export async function exportPlan(db: Db, slug: string, format: PlanFormat) {
  const contents = await loadPlanContents(db.kysely, slug, { updates: 'all' });
  const doc = buildActionPlanDocument(contents);
  const bytes =
    format === 'docx'
      ? await actionPlanToDocx(doc)
      : format === 'pdf'
        ? await actionPlanToPdf(doc)
        : format === 'xlsx'
          ? await actionPlanToXlsx(doc)
          : format === 'csv'
            ? actionPlanToCsv(doc)
            : Buffer.from(JSON.stringify(presentPlanExport(contents), null, 2));
  return { bytes, contentType: contentTypes[format], fileName: `${contents.plan.slug}.${format}` };
}
