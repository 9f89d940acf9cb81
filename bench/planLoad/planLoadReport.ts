// Turns plan-load results into Markdown tables, the list of failures, and the section kept in docs/performance.md.
import type { LoadSettings } from './loadTest.js';
import type { DatabaseResult } from './planLoadBenchmark.js';

/** Anything here makes the run a failure: its figures would be for error pages or dropped requests. */
export function failures(results: DatabaseResult[]): string[] {
  const found: string[] = [];
  for (const result of results) {
    for (const { target, path, check, measurement } of result.targets) {
      const where = `${result.database} ${target} (${path})`;
      if (check.status !== 200) found.push(`${where}: answered ${check.status} instead of 200`);
      if (measurement && measurement.non2xx > 0)
        found.push(`${where}: ${measurement.non2xx} responses were not 2xx`);
      if (measurement && measurement.failures > 0)
        found.push(`${where}: ${measurement.failures} requests failed (connection errors or timeouts)`);
    }
  }
  return found;
}

/** A response naming fewer actions than the plan has is measured, but the figures are not for the whole plan. */
export function warnings(results: DatabaseResult[], planActions: number): string[] {
  return results.flatMap((result) =>
    result.targets
      .filter(({ check }) => check.status === 200 && check.actionsShown < planActions)
      .map(
        ({ target, check }) =>
          `${result.database} ${target} names only ${check.actionsShown} of the plan's ${planActions} actions`,
      ),
  );
}

export function resultsTable(results: DatabaseResult[]): string {
  const lines = [
    '| Database | Target | Requests/s | p50 (ms) | p99 (ms) | Requests | Non-2xx | Response |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of results) {
    for (const { target, check, measurement: m } of result.targets) {
      const size = `${(check.bytes / 1024).toFixed(0)} KB`;
      lines.push(
        m
          ? `| ${result.database} | ${target} | ${m.requestsPerSecond.toFixed(1)} | ${m.p50Ms} | ${m.p99Ms} | ${m.requests} | ${m.non2xx + m.failures} | ${size} |`
          : `| ${result.database} | ${target} | not measured: answered ${check.status} | | | | | ${size} |`,
      );
    }
  }
  return lines.join('\n');
}

export function generationTable(results: DatabaseResult[]): string {
  return [
    '| Database | Data generation | Plans | Actions | Updates |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.database} | ${r.generationSeconds.toFixed(1)} s | ${r.rows.plans} | ${r.rows.actions.toLocaleString('en-GB')} | ${r.rows.updates.toLocaleString('en-GB')} |`,
    ),
  ].join('\n');
}

/** Ratios within this one run, which survive a noisy machine better than absolute figures do. */
export function ratios(results: DatabaseResult[]): string[] {
  const rate = (database: string, target: string) =>
    results.find((r) => r.database === database)?.targets.find((t) => t.target === target)?.measurement
      ?.requestsPerSecond;
  const lines: string[] = [];
  for (const database of results.map((r) => r.database)) {
    const page = rate(database, 'Plan page');
    const exported = rate(database, 'Export (JSON)');
    if (page && exported)
      lines.push(
        `${database}: the export serves ${(exported / page).toFixed(2)}× the plan page's requests/s.`,
      );
  }
  for (const target of ['Plan page', 'Export (JSON)']) {
    const sqlite = rate('SQLite', target);
    const postgres = rate('PostgreSQL', target);
    if (sqlite && postgres)
      lines.push(`${target}: PostgreSQL serves ${(postgres / sqlite).toFixed(2)}× SQLite's requests/s.`);
  }
  return lines;
}

export interface RunRecord {
  date: string;
  machine: string;
  command: string;
  data: string;
  measuredPlan: string;
  settings: LoadSettings;
  notes: string[];
  results: DatabaseResult[];
}

export function docSection(run: RunRecord): string {
  const { settings } = run;
  return [
    `Last run ${run.date} with \`${run.command}\` on ${run.machine}.`,
    '',
    `Data: ${run.data}, written through the domain commands with a fixed seed. ${run.measuredPlan}`,
    `Load: autocannon on loopback, ${settings.connections} connections, ${settings.warmUpSeconds} s warm-up (not counted), then ${settings.seconds} s per target.`,
    '',
    generationTable(run.results),
    '',
    resultsTable(run.results),
    '',
    ...ratios(run.results).map((line) => `- ${line}`),
    ...run.notes.map((line) => `- ${line}`),
  ].join('\n');
}
