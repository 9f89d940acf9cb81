// A highlight report drafted from the culture sample plan, as the export tests read it.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { createReport, updateReport } from '../reports/reportCommands.js';
import { loadReport } from '../reports/reportQueries.js';
import { testActor } from './factories.js';
import { dateFieldValues } from '../web/dateFields.js';
import { form } from './forms.js';

/** Drafts a report for a period through the reports page, as a plan manager does; gives the draft's address. */
export async function draftThroughPage(
  app: FastifyInstance,
  slug: string,
  periodStart: string,
  periodEnd: string,
) {
  const res = await app.inject({
    method: 'POST',
    url: `/plans/${slug}/reports`,
    ...form({ ...dateFieldValues('periodStart', periodStart), ...dateFieldValues('periodEnd', periodEnd) }),
  });
  expect(res.statusCode).toBe(303);
  return res.headers.location as string;
}

/** The narrative the culture sample's highlight report writes, a few words of each section. */
export const cultureNarrative = {
  progress: '<p>Progress is set out against the short-term priorities below.</p>',
  governance: '<p>A Culture Steering Group has been established.</p>',
  communication:
    '<ul><li>Weekly update articles to all staff.</li><li>Culture conversation podcasts.</li></ul>',
  issues: '<p>The strategic linkages from policy to individual expectations are being reviewed.</p>',
  risks: '<p>Complex and potentially unpopular change may strain the culture.</p>',
  nextSteps: '<p>Continue to deliver the priorities programme for completion by April.</p>',
};

/**
 * The culture plan's report for January to March 2024 with every section written (its summary is the plan's),
 * generated on 23 November 2026, marked OFFICIAL-SENSITIVE.
 */
export async function draftCultureReport(db: Db) {
  const plan = await db.kysely
    .selectFrom('plans')
    .select(['id', 'slug'])
    .where('slug', '=', 'culture-action-plan')
    .executeTakeFirstOrThrow();
  const report = await inTransaction(db, async (trx) => {
    const draft = await createReport(trx, testActor, plan.id, {
      periodStart: '2024-01-01',
      periodEnd: '2024-03-31',
    });
    return updateReport(trx, testActor, plan.id, draft.id, draft.version, { sections: cultureNarrative });
  });
  const { model } = await loadReport(db.kysely, plan.slug, report.id, '2026-11-23');
  model.marking = 'OFFICIAL-SENSITIVE';
  return model;
}
