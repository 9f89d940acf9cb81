// The export-speed part of `npm run bench`: a 500-action plan with 5,000 updates, written through the app's own
// commands, exported as the action-plan document to .docx (target under 1 s) and to PDF (under 2 s), on each database.
import os from 'node:os';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { openZip } from '../../src/import/read/zip.js';
import { exportPlan } from '../../src/exports/exportPlan.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { recordFigures } from '../performanceDoc.js';
import { freshPostgres, freshSqlite, withoutPassword } from '../planLoad/benchDatabases.js';
import { loadPlans } from '../planLoad/loadPlans.js';
import { describePlans, type PlanSpec } from '../planLoad/planData.js';

const targets = { docx: 1, pdf: 2 } as const;
type Format = keyof typeof targets;

interface Case {
  database: string;
  format: Format;
  seconds: number[];
  bytes: number;
  pages: number | null;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** What an export must hold for its time to count: a file of the right kind naming every action. */
async function checkFile(format: Format, bytes: Buffer, plan: PlanSpec): Promise<string | null> {
  if (format === 'pdf') {
    if (bytes.subarray(0, 5).toString() !== '%PDF-') return 'the PDF does not start with %PDF-';
    return (pagesOf(bytes) ?? 0) > 0 ? null : 'the PDF has no pages';
  }
  const zip = await openZip(bytes, { maxExpandedBytes: 500_000_000 });
  const xml = (await zip.read('word/document.xml')) ?? '';
  const missing = plan.actions.filter((a) => !xml.includes(`>${a.input.ref}<`));
  return missing.length > 0 ? `the Word file lacks ${missing.length} of the plan's actions` : null;
}

function pagesOf(bytes: Buffer): number | null {
  const match = /\/Type \/Pages\n\/Count (\d+)/.exec(bytes.toString('latin1'));
  return match ? Number(match[1]) : null;
}

export async function exportSpeedBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const { actions, updates, runs } = options.exportSize;
  const plan = describePlans({ plans: 1, actions, updates, measuredPlanActions: actions }, options.seed)[0]!;
  const planUpdates = plan.actions.reduce((n, a) => n + a.updates.length, 0);
  const themeUpdates = plan.themes.reduce((n, t) => n + t.updates.length, 0);
  const data = `one plan of ${actions.toLocaleString('en-GB')} actions under ${plan.themes.length} themes and ${plan.input.horizons.length} horizons, with ${(planUpdates + themeUpdates).toLocaleString('en-GB')} updates (${planUpdates.toLocaleString('en-GB')} on actions, ${themeUpdates} on themes)`;
  say(
    `Export-speed benchmark${options.quick ? ' (quick)' : ''}: ${data}; ${runs} timed exports of each format per database.`,
  );

  const loadBefore = os.loadavg()[0]!;
  const cases: Case[] = [];
  const failures: string[] = [];
  const notes: string[] = [];
  for (const dialect of options.databases) {
    let database;
    if (dialect === 'sqlite') {
      database = await freshSqlite(projectRoot, 'export-speed.db');
    } else {
      const outcome = await freshPostgres(options.postgresAdminUrl);
      if (!('database' in outcome)) {
        const note = `PostgreSQL not measured: ${withoutPassword(options.postgresAdminUrl)} could not be reached (${outcome.unreachable}).`;
        say(note);
        notes.push(note);
        continue;
      }
      database = outcome.database;
    }
    const db = openDatabase(database.url);
    try {
      await migrateToLatest(db);
      const started = performance.now();
      await loadPlans(db, [plan]);
      say(`${database.label}: plan written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const format of ['docx', 'pdf'] as const) {
        // One export first, not counted: it loads the modules and fonts a running server already has.
        const first = await exportPlan(db, plan.input.slug, format);
        const problem = await checkFile(format, first.bytes, plan);
        if (problem) failures.push(`${database.label} ${format}: ${problem}`);
        const seconds: number[] = [];
        for (let run = 0; run < runs; run++) {
          const start = performance.now();
          await exportPlan(db, plan.input.slug, format);
          seconds.push((performance.now() - start) / 1000);
        }
        cases.push({
          database: database.label,
          format,
          seconds,
          bytes: first.bytes.length,
          pages: format === 'pdf' ? pagesOf(first.bytes) : null,
        });
        say(
          `${database.label} ${format}: median ${median(seconds).toFixed(2)} s (${seconds.map((s) => s.toFixed(2)).join(', ')})`,
        );
      }
    } finally {
      await db.close();
      await database.dispose();
    }
  }

  const table = [
    '| Database | Format | Median | Fastest | Slowest | Target | Result | File |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |',
    ...cases.map((c) => {
      const pass = median(c.seconds) < targets[c.format];
      const file = `${Math.round(c.bytes / 1024).toLocaleString('en-GB')} KB${c.pages ? `, ${c.pages} pages` : ''}`;
      return `| ${c.database} | ${c.format === 'pdf' ? 'PDF' : '.docx'} | ${median(c.seconds).toFixed(2)} s | ${Math.min(...c.seconds).toFixed(2)} s | ${Math.max(...c.seconds).toFixed(2)} s | ${targets[c.format]} s | ${pass ? 'PASS' : 'FAIL'} | ${file} |`;
    }),
  ].join('\n');
  const ratios = options.databases.flatMap((database) => {
    const label = database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const docx = cases.find((c) => c.database === label && c.format === 'docx');
    const pdf = cases.find((c) => c.database === label && c.format === 'pdf');
    return docx && pdf
      ? [
          `- ${label}: the PDF takes ${(median(pdf.seconds) / median(docx.seconds)).toFixed(2)}× the Word file's time.`,
        ]
      : [];
  });
  say(`\n${table}\n`);
  for (const line of [...ratios, ...notes]) say(line);

  return recordFigures(say, {
    projectRoot,
    name: 'export',
    label: 'Export',
    failures,
    unmeasured: cases.length === 0,
    writeDocs: options.writeDocs,
    section: () =>
      [
        `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${describeMachine()}.`,
        '',
        `Data (seed ${options.seed}): ${data}. Each format exported once untimed, then ${runs} times timed, per database.`,
        `Load average (1 minute) ${loadBefore.toFixed(1)} as the run began and ${os.loadavg()[0]!.toFixed(1)} as it ended, on ${os.cpus().length} cores: the machine is shared, and a busy one slows every export.`,
        '',
        table,
        '',
        ...ratios,
        ...notes,
      ].join('\n'),
  });
}
