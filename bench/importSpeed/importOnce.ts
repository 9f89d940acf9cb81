// One import in a process of its own, so that its peak memory is its own: read, understand and save a file as a
// new plan in the given (empty) database, then print what it took and what was saved as one line of JSON.
// Usage: node --import tsx bench/importSpeed/importOnce.ts <file> <databaseUrl>
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import type { Actor } from '../../src/history/recordChange.js';
import { readSource } from '../../src/import/read/readSource.js';
import { savePlanDraft } from '../../src/import/savePlanDraft.js';
import { understandDocument, type ImportWarning } from '../../src/import/understand/understandDocument.js';
import { outcomePrefix, type ImportOutcome } from './importOutcome.js';

async function importOnce(file: string, databaseUrl: string): Promise<ImportOutcome> {
  const bytes = await readFile(file);
  const db = openDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
    const actor: Actor = { name: 'Import benchmark', source: `import: ${basename(file)}` };
    const rssBeforeBytes = process.memoryUsage().rss;

    const started = performance.now();
    const document = await readSource(basename(file), bytes);
    const read = performance.now();
    const understanding = understandDocument(document);
    const understood = performance.now();
    const result = await db.kysely
      .transaction()
      .execute((trx) => savePlanDraft(trx, actor, understanding.draft, null));
    const saved = performance.now();

    const { warnings } = understanding;
    return {
      seconds: (saved - started) / 1000,
      phases: {
        readSeconds: (read - started) / 1000,
        understandSeconds: (understood - read) / 1000,
        saveSeconds: (saved - understood) / 1000,
      },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      rssBeforeBytes,
      saved: await countSaved(db, result.plan.id),
      warnings: warnings.length,
      warningKinds: kindsOf(warnings),
    };
  } finally {
    await db.close();
  }
}

async function countSaved(db: Db, planId: string): Promise<ImportOutcome['saved']> {
  const count = async (table: 'actions' | 'themes' | 'updates') => {
    const row = await db.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { actions: await count('actions'), themes: await count('themes'), updates: await count('updates') };
}

function kindsOf(warnings: ImportWarning[]): ImportOutcome['warningKinds'] {
  const kinds = new Map<string, { count: number; example: string }>();
  for (const { where, message } of warnings) {
    const kind = message.replace(/"[^"]*"/g, '"…"');
    const found = kinds.get(kind);
    if (found) found.count += 1;
    else kinds.set(kind, { count: 1, example: `${where}: ${message}` });
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count).slice(0, 8);
}

const [file, databaseUrl] = process.argv.slice(2);
if (!file || !databaseUrl) {
  console.error('Usage: node --import tsx bench/importSpeed/importOnce.ts <file> <databaseUrl>');
  process.exit(2);
}
importOnce(file, databaseUrl).then(
  (outcome) => console.log(outcomePrefix + JSON.stringify(outcome)),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
