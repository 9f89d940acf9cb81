// `headway import FILE [--into SLUG | --new] [--dry-run] [--json] [--sheet NAME]`: the review step's work, from a terminal.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase, type Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { NotFoundError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { loadStoredPlan, mergeLines, mergeSummary, planOfSameTitle } from './mergeChanges.js';
import type { SaveResult } from './savePlanDraft.js';
import {
  describeChanges,
  draftCounts,
  draftFindings,
  notAPlan,
  nothingToSave,
  saveImport,
  understandFile,
  type UnderstoodFile,
} from './importFile.js';
import { ImportFileError } from './source.js';
import { importUsage } from '../cliUsage.js';

/** The plan to save into is not clear (--into names no plan; a plan has the title and neither --into nor --new was given): said before anything is written. */
class PlanChoiceError extends Error {}

interface ImportOptions {
  path: string;
  into: string | null;
  /** Saved as a new plan even when a plan has the file's title. */
  asNew: boolean;
  dryRun: boolean;
  json: boolean;
  sheet: string | undefined;
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

async function readImportFile(
  path: string,
  config: Config,
  sheet: string | undefined,
): Promise<UnderstoodFile> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new ImportFileError(`There is no file at ${path}`);
  if (info.size > config.importMaxBytes)
    throw new ImportFileError(
      `The file is ${megabytes(info.size)}; Headway takes files up to ${megabytes(config.importMaxBytes)} (HEADWAY_IMPORT_MAX_MB)`,
    );
  return understandFile({
    fileName: basename(path),
    bytes: await readFile(path),
    read: {
      maxBytes: config.importMaxBytes,
      maxExpandedBytes: config.importMaxExpandedBytes,
      maxPartBytes: config.importMaxPartBytes,
      sheet,
    },
  });
}

async function checkPlanExists(db: Db, slug: string): Promise<void> {
  const plans = await db.kysely.selectFrom('plans').select('slug').orderBy('slug').execute();
  if (plans.some((plan) => plan.slug === slug)) return;
  const known = plans.length
    ? `the plans are: ${plans
        .slice(0, 20)
        .map((p) => p.slug)
        .join(', ')}${plans.length > 20 ? ', …' : ''}`
    : 'there are no plans yet';
  throw new PlanChoiceError(`There is no plan "${slug}" to merge into; ${known}`);
}

/**
 * Without --into or --new, a file whose title is a plan's is not saved beside it: the person is asked which they
 * mean, as the import review asks.
 */
async function checkNoPlanOfSameTitle(db: Db, understood: UnderstoodFile): Promise<void> {
  const plans = await db.kysely.selectFrom('plans').select(['slug', 'title', 'updated_at']).execute();
  const same = planOfSameTitle(plans, understood.draft.plan.title);
  if (same)
    throw new PlanChoiceError(
      `There is already a plan called ‘${same.title}’ ("${same.slug}"): add --into ${same.slug} to merge this file into it, or --new to save it as another plan; nothing was saved`,
    );
}

/** What merging into the plan named by --into changes, field by field, read before anything is saved. */
type MergePreview = ReturnType<typeof mergeLines>;

async function previewMerge(db: Db, slug: string, understood: UnderstoodFile): Promise<MergePreview> {
  const plan = await findPlanBySlug(db.kysely, slug);
  return mergeLines(mergeSummary(await loadStoredPlan(db.kysely, plan), understood.draft));
}

/** The one JSON object --json prints: what the file holds, what merging changes, and what saving it changed. */
function summaryOf(
  understood: UnderstoodFile,
  options: ImportOptions,
  saved: SaveResult | null,
  merge: MergePreview | null,
) {
  const { counts, statuses } = draftCounts(understood.draft);
  return {
    plan: {
      slug: saved?.plan.slug ?? options.into,
      title: saved?.plan.title ?? understood.draft.plan.title,
    },
    counts: { themes: counts.themes, actions: counts.actions, updates: counts.updates },
    findings: draftFindings(understood.draft)?.summary ?? null,
    statuses,
    warnings: understood.warnings,
    merge,
    saved: saved !== null,
    changes: saved?.counts ?? null,
  };
}

function printSummary(summary: ReturnType<typeof summaryOf>, saved: SaveResult | null): void {
  const { counts, statuses } = summary;
  console.log(
    `${summary.plan.title}: ${counts.themes} themes, ${counts.actions} actions, ${counts.updates} dated updates`,
  );
  if (summary.findings) console.log(`Findings: ${summary.findings}`);
  const byStatus = Object.entries(statuses).filter(([, n]) => n > 0);
  if (byStatus.length)
    console.log(`Statuses: ${byStatus.map(([s, n]) => `${s.replace('_', ' ')} ${n}`).join(', ')}`);
  for (const warning of summary.warnings) console.log(`Warning (${warning.where}): ${warning.message}`);
  if (summary.merge) {
    const { changes, added } = summary.merge;
    for (const line of changes) console.log(`Changes: ${line}`);
    for (const name of added) console.log(`Adds: ${name}`);
  }
  if (saved) console.log(`${describeChanges(saved.counts, saved.created)} (plan "${saved.plan.slug}")`);
  else
    console.log(
      `Dry run: nothing was saved${summary.plan.slug ? `; it would be merged into plan "${summary.plan.slug}"` : ''}.`,
    );
}

async function runImport(options: ImportOptions, config: Config): Promise<number> {
  const understood = await readImportFile(options.path, config, options.sheet);
  const empty = notAPlan(understood, { pasted: false }) ?? nothingToSave(understood.draft);
  if (empty) throw new ImportFileError(empty);
  let saved: SaveResult | null = null;
  let merge: MergePreview | null = null;
  // A dry run of a new plan needs no database at all, so it cannot write to one.
  if (options.into !== null || !options.dryRun) {
    const db = openDatabase(config.databaseUrl);
    try {
      await migrateToLatest(db);
      if (options.into !== null) {
        await checkPlanExists(db, options.into);
        merge = await previewMerge(db, options.into, understood);
      } else if (!options.asNew) await checkNoPlanOfSameTitle(db, understood);
      if (!options.dryRun)
        saved = await saveImport(
          db,
          { name: config.actorName },
          understood,
          basename(options.path),
          options.into,
        );
    } finally {
      await db.close();
    }
  }
  const summary = summaryOf(understood, options, saved, merge);
  if (options.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary, saved);
  return 0;
}

export async function importCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      into: { type: 'string' },
      new: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      sheet: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const path = positionals[0];
  if (!path || positionals.length > 1 || (values.into !== undefined && values.new)) {
    console.error(`headway: usage: headway ${importUsage}`);
    return 2;
  }
  const options: ImportOptions = {
    path,
    into: values.into ?? null,
    asNew: values.new,
    dryRun: values['dry-run'],
    json: values.json,
    sheet: values.sheet,
  };
  try {
    return await runImport(options, config);
  } catch (error) {
    if (error instanceof ImportFileError) {
      console.error(`headway: ${basename(path)}: ${error.message}`);
      return 1;
    }
    if (error instanceof PlanChoiceError || error instanceof NotFoundError) {
      console.error(`headway: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
