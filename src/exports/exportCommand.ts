// `headway export SLUG --format docx|pdf|xlsx|csv|json --out FILE`: a plan written to a file.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { NotFoundError } from '../errors.js';
import { exportPlan } from './exportPlan.js';
import { isPlanFormat, planFormats } from './planFormats.js';
import { exportUsage } from '../cliUsage.js';

export async function exportCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const slug = positionals[0];
  if (!slug || positionals.length > 1 || !values.out) {
    console.error(`headway: usage: headway ${exportUsage}`);
    return 2;
  }
  const format = values.format ?? values.out.split('.').pop();
  if (!isPlanFormat(format)) {
    console.error(`headway: --format must be one of ${planFormats.join(', ')}, not "${format ?? ''}"`);
    return 2;
  }
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const file = await exportPlan(db, slug, format);
    await writeFile(values.out, file.bytes);
    console.log(`Wrote ${values.out} (${Math.ceil(file.bytes.length / 1024)} KB)`);
    return 0;
  } catch (error) {
    if (error instanceof NotFoundError) {
      console.error(`headway: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
