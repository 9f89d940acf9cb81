// `headway report SLUG --from YYYY-MM-DD --to YYYY-MM-DD --format docx|pdf|html --out FILE`: the highlight report for a
// period, drafted from the plan if the plan has none for that period yet.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { reportToPdf, reportToWord } from '../exports/documentWriters.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { createViews } from '../web/views.js';
import { createReport } from './reportCommands.js';
import { loadReport } from './reportQueries.js';
import { reportUsage } from '../cliUsage.js';

export async function reportCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const slug = positionals[0];
  const format = values.format ?? values.out?.split('.').pop();
  if (
    !slug ||
    !values.from ||
    !values.to ||
    !values.out ||
    (format !== 'docx' && format !== 'pdf' && format !== 'html')
  ) {
    console.error(`headway: usage: headway ${reportUsage}`);
    return 2;
  }
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const plan = await findPlanBySlug(db.kysely, slug);
    const existing = await db.kysely
      .selectFrom('reports')
      .select('id')
      .where('plan_id', '=', plan.id)
      .where('period_start', '=', values.from)
      .where('period_end', '=', values.to)
      .orderBy('edition', 'desc')
      .executeTakeFirst();
    const reportId =
      existing?.id ??
      (
        await db.kysely.transaction().execute((trx) =>
          createReport(trx, { name: config.actorName }, plan.id, {
            periodStart: values.from,
            periodEnd: values.to,
          }),
        )
      ).id;
    if (!existing) console.log(`Drafted a report for ${values.from} to ${values.to}`);
    const { model } = await loadReport(db.kysely, slug, reportId);
    const bytes =
      format === 'docx'
        ? await reportToWord(model)
        : format === 'pdf'
          ? await reportToPdf(model)
          : Buffer.from(createViews().render('reports/views/reportPrint.njk', { model }));
    await writeFile(values.out, bytes);
    console.log(`Wrote ${values.out}`);
    return 0;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof InvalidInputError) {
      console.error(
        `headway: ${error instanceof InvalidInputError ? Object.values(error.fieldErrors).join('; ') : error.message}`,
      );
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
