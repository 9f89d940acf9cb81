// A highlight report drafted from the culture sample plan, as the export tests read it.
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { createReport } from '../reports/reportCommands.js';
import { loadReport } from '../reports/reportQueries.js';
import { testActor } from './factories.js';

/** The culture plan's report for January to March 2024, generated on 23 November 2026, marked OFFICIAL-SENSITIVE. */
export async function draftCultureReport(db: Db) {
  const plan = await db.kysely
    .selectFrom('plans')
    .select(['id', 'slug'])
    .where('slug', '=', 'culture-action-plan')
    .executeTakeFirstOrThrow();
  const report = await inTransaction(db, (trx) =>
    createReport(trx, testActor, plan.id, { periodStart: '2024-01-01', periodEnd: '2024-03-31' }),
  );
  const { model } = await loadReport(db.kysely, plan.slug, report.id, '2026-11-23');
  model.marking = 'OFFICIAL-SENSITIVE';
  return model;
}
