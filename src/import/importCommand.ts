// `headway import FILE [--into SLUG] [--dry-run] [--json] [--sheet NAME]`: the review step's work, from a terminal.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { NotFoundError } from '../errors.js';
import { describeChanges, draftCounts, saveImport, understandFile } from './importFile.js';
import { ImportFileError } from './source.js';

export const importUsage = 'import FILE [--into SLUG] [--dry-run] [--json] [--sheet NAME]';

export async function importCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      into: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      sheet: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const path = positionals[0];
  if (!path || positionals.length > 1) {
    console.error(`headway: usage: headway ${importUsage}`);
    return 2;
  }
  const fileName = basename(path);
  const db = openDatabase(config.databaseUrl);
  try {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new ImportFileError(`There is no file at ${path}`);
    if (info.size > config.importMaxBytes)
      throw new ImportFileError(
        `The file is ${(info.size / (1024 * 1024)).toFixed(1)} MB; Headway takes files up to ${(config.importMaxBytes / (1024 * 1024)).toFixed(0)} MB`,
      );
    const understanding = await understandFile({
      fileName,
      bytes: await readFile(path),
      read: { maxBytes: config.importMaxBytes, sheet: values.sheet },
    });
    await migrateToLatest(db);
    const { draft, warnings } = understanding;
    const dryRun = values['dry-run'];
    const saved = dryRun
      ? null
      : await saveImport(db, { name: config.actorName }, understanding, fileName, values.into ?? null);
    if (dryRun && values.into) {
      const exists = await db.kysely
        .selectFrom('plans')
        .select('id')
        .where('slug', '=', values.into)
        .executeTakeFirst();
      if (!exists) throw new NotFoundError(`Plan "${values.into}" to merge into`);
    }
    const { counts, statuses } = draftCounts(draft);
    const summary = {
      plan: { slug: saved?.plan.slug ?? values.into ?? null, title: saved?.plan.title ?? draft.plan.title },
      counts: { themes: counts.themes, actions: counts.actions, updates: counts.updates },
      statuses,
      warnings,
      saved: saved !== null,
      changes: saved?.counts ?? null,
    };
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else {
      console.log(
        `${draft.plan.title}: ${counts.themes} themes, ${counts.actions} actions, ${counts.updates} updates`,
      );
      console.log(
        `Statuses: ${Object.entries(statuses)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${s.replace('_', ' ')} ${n}`)
          .join(', ')}`,
      );
      for (const warning of warnings) console.log(`Warning (${warning.where}): ${warning.message}`);
      if (saved) console.log(`${describeChanges(saved.counts)} — plan "${saved.plan.slug}"`);
      else console.log('Dry run: nothing was saved.');
    }
    return 0;
  } catch (error) {
    if (error instanceof ImportFileError || error instanceof NotFoundError) {
      console.error(`headway: ${fileName}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
