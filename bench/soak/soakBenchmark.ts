// `npm run bench -- --only-bench=soak`: five minutes (or --seconds) of mixed reads and writes at a steady rate against
// a real Headway server process; errors, p50/p99 per kind of request, and the server's memory at the start and end.
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connection.js';
import { startServerProcess, type ServerProcess } from '../../src/testing/serverProcess.js';
import { loadAverage, percentile, prepareDatabase, sleep, type Prepared } from '../crash/benchSetup.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';
import { loadPlans } from '../planLoad/loadPlans.js';
import { describePlans } from '../planLoad/planData.js';
import { seededRandom, type SeededRandom } from '../seededRandom.js';

/** Requests started per second, whatever the server's pace: a steady, open load, as people bring it. */
const rate = 10;
/** Past this many unanswered requests the server is not keeping up; further ones are counted, not sent. */
const maxInFlight = 50;
const warmUpSeconds = 5;
const dataSize = { plans: 3, actions: 150, updates: 600, measuredPlanActions: 50 };

const kinds = ['Plan page', 'API action list', 'API action', 'Post an update', 'Create an action'] as const;
type Kind = (typeof kinds)[number];
const weights: [Kind, number][] = [
  ['Plan page', 25],
  ['API action list', 15],
  ['API action', 25],
  ['Post an update', 25],
  ['Create an action', 10],
];

interface KindFigures {
  latencies: number[];
  errors: number;
  firstError?: string;
}

interface SoakOutcome {
  label: string;
  seconds: number;
  figures: Map<Kind, KindFigures>;
  notSent: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  actionsBefore: number;
  actionsAfter: number;
}

interface Target {
  slug: string;
  actionIds: string[];
}

export async function soakBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const seconds = options.soakSeconds;
  say(
    `Soak benchmark: ${seconds} s per database at ${rate} requests/s (${weights.map(([k, w]) => `${k} ${w}%`).join(', ')}), after a ${warmUpSeconds} s warm-up; load average ${loadAverage()}.`,
  );
  const loadBefore = loadAverage();
  const outcomes: SoakOutcome[] = [];
  for (const [index, dialect] of options.databases.entries()) {
    const plans = describePlans(dataSize, options.seed);
    const prepared = await prepareDatabase(
      dialect,
      projectRoot,
      'soak.db',
      options.postgresAdminUrl,
      say,
      (db) => loadPlans(db, plans),
    );
    if (!prepared) continue;
    try {
      outcomes.push(await soak(prepared, seconds, seededRandom(options.seed + index), say));
    } finally {
      await prepared.database.dispose();
    }
  }
  const table = resultsTable(outcomes);
  say(`\n${table}\n`);
  const failures = outcomes.flatMap((o) =>
    [...o.figures.entries()]
      .filter(([, f]) => f.errors > 0)
      .map(([kind, f]) => `${o.label} ${kind}: ${f.errors} errors, the first: ${f.firstError ?? ''}`),
  );
  if (failures.length > 0 || outcomes.length === 0) {
    say('!!!!!!!! SOAK FAILED !!!!!!!!');
    for (const line of failures) say(`  - ${line}`);
    say('docs/reliability.md was left unchanged.');
    return 1;
  }
  // A shortened soak is a check that it works; only the full run (or --docs) replaces the recorded figures.
  if (!options.writeDocs || (seconds < 300 && !options.command.includes('--docs'))) {
    say(
      '(docs/reliability.md left unchanged: a quick or shortened run; add --docs to record these figures.)',
    );
    return 0;
  }
  const machine = describeMachine();
  for (const outcome of outcomes)
    await rewriteSection(
      join(projectRoot, 'docs', 'reliability.md'),
      `soak-${outcome.label === 'SQLite' ? 'sqlite' : 'postgres'}`,
      [
        `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${machine}; load average ${loadBefore} before and ${loadAverage()} after (a shared, busy machine).`,
        '',
        `${outcome.seconds} s at ${rate} requests/s on ${dataSize.plans} plans of ${dataSize.actions / dataSize.plans} actions (${outcome.actionsBefore} actions before, ${outcome.actionsAfter} after); server RSS ${outcome.rssStartMb} MB after the warm-up, ${outcome.rssEndMb} MB at the end, ${outcome.rssMaxMb} MB at most; ${outcome.notSent} requests not sent because ${maxInFlight} were waiting.`,
        '',
        resultsTable([outcome]),
      ].join('\n'),
    );
  say('Figures written to docs/reliability.md.');
  return 0;
}

async function soak(
  prepared: Prepared,
  seconds: number,
  random: SeededRandom,
  say: (line: string) => void,
): Promise<SoakOutcome> {
  const label = prepared.database.label;
  const targets = await readTargets(prepared.database.url);
  const actionsBefore = targets.reduce((n, t) => n + t.actionIds.length, 0);
  const server = await startServerProcess({ databaseUrl: prepared.database.url, startTimeoutMs: 180_000 });
  try {
    say(`  ${label}: warming up for ${warmUpSeconds} s ...`);
    await steadyLoad(server, prepared, targets, warmUpSeconds, random, new Map(), { notSent: 0 });
    const rssStart = server.rssBytes();
    let rssMax = rssStart;
    const figures = new Map<Kind, KindFigures>(kinds.map((kind) => [kind, { latencies: [], errors: 0 }]));
    const counters = { notSent: 0 };
    say(`  ${label}: ${seconds} s at ${rate} requests/s ...`);
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, server.rssBytes())), 5000);
    try {
      await steadyLoad(server, prepared, targets, seconds, random, figures, counters);
    } finally {
      clearInterval(sampler);
    }
    const rssEnd = server.rssBytes();
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    const actionsAfter = targets.reduce((n, t) => n + t.actionIds.length, 0);
    return {
      label,
      seconds,
      figures,
      notSent: counters.notSent,
      rssStartMb: mb(rssStart),
      rssEndMb: mb(rssEnd),
      rssMaxMb: mb(Math.max(rssMax, rssEnd)),
      actionsBefore,
      actionsAfter,
    };
  } finally {
    await server.stop();
  }
}

async function readTargets(url: string): Promise<Target[]> {
  const db = openDatabase(url);
  try {
    const rows = await db.kysely
      .selectFrom('actions')
      .innerJoin('plans', 'plans.id', 'actions.plan_id')
      .select(['plans.slug', 'actions.id'])
      .execute();
    const bySlug = new Map<string, string[]>();
    for (const row of rows) bySlug.set(row.slug, [...(bySlug.get(row.slug) ?? []), row.id]);
    return [...bySlug.entries()].map(([slug, actionIds]) => ({ slug, actionIds }));
  } finally {
    await db.close();
  }
}

/** Starts `rate` requests a second for `seconds`, on a fixed timetable, and waits for the last to answer. */
async function steadyLoad(
  server: ServerProcess,
  prepared: Prepared,
  targets: Target[],
  seconds: number,
  random: SeededRandom,
  figures: Map<Kind, KindFigures>,
  counters: { notSent: number },
): Promise<void> {
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  const total = seconds * rate;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (pending.size >= maxInFlight) {
      counters.notSent += 1;
      continue;
    }
    const kind = random.weighted(weights);
    const target = random.pick(targets);
    const request = timed(server.url, prepared, kind, target, random, figures.get(kind));
    pending.add(request);
    void request.finally(() => pending.delete(request));
  }
  await Promise.all(pending);
}

async function timed(
  base: string,
  prepared: Prepared,
  kind: Kind,
  target: Target,
  random: SeededRandom,
  figures: KindFigures | undefined,
): Promise<void> {
  const api = { authorization: prepared.writer.authorization, 'content-type': 'application/json' };
  const actionId = random.pick(target.actionIds);
  const status = random.chance(0.3) ? random.pick(['in_progress', 'ongoing', 'complete']) : undefined;
  const started = performance.now();
  let outcome: string | undefined;
  try {
    let response: Response;
    let expected = 200;
    if (kind === 'Plan page')
      response = await fetch(`${base}/plans/${target.slug}`, { headers: { cookie: prepared.writer.cookie } });
    else if (kind === 'API action list')
      response = await fetch(`${base}/api/v1/plans/${target.slug}/actions?limit=50`, { headers: api });
    else if (kind === 'API action')
      response = await fetch(`${base}/api/v1/plans/${target.slug}/actions/${actionId}`, { headers: api });
    else if (kind === 'Post an update') {
      expected = 201;
      response = await fetch(`${base}/api/v1/plans/${target.slug}/actions/${actionId}/updates`, {
        method: 'POST',
        headers: api,
        body: JSON.stringify({
          body: `Soak update at ${new Date().toISOString()}`,
          ...(status ? { statusChange: status } : {}),
        }),
      });
    } else {
      expected = 201;
      response = await fetch(`${base}/api/v1/plans/${target.slug}/actions`, {
        method: 'POST',
        headers: api,
        body: JSON.stringify({ title: `Soak action ${Date.now()}` }),
      });
    }
    const body = await response.text();
    if (response.status !== expected) outcome = `${response.status} ${body.slice(0, 200)}`;
    else if (kind === 'Create an action') target.actionIds.push((JSON.parse(body) as { id: string }).id);
  } catch (error) {
    outcome = error instanceof Error ? error.message : String(error);
  }
  if (!figures) return;
  figures.latencies.push(performance.now() - started);
  if (outcome) {
    figures.errors += 1;
    figures.firstError ??= outcome;
  }
}

function resultsTable(outcomes: SoakOutcome[]): string {
  const lines = [
    '| Database | Request | Requests | Errors | p50 (ms) | p99 (ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const outcome of outcomes) {
    const all: number[] = [];
    let errors = 0;
    for (const [kind, f] of outcome.figures) {
      const sorted = [...f.latencies].sort((a, b) => a - b);
      all.push(...sorted);
      errors += f.errors;
      lines.push(
        `| ${outcome.label} | ${kind} | ${sorted.length} | ${f.errors} | ${percentile(sorted, 50).toFixed(0)} | ${percentile(sorted, 99).toFixed(0)} |`,
      );
    }
    all.sort((a, b) => a - b);
    lines.push(
      `| ${outcome.label} | **all** | ${all.length} | ${errors} | ${percentile(all, 50).toFixed(0)} | ${percentile(all, 99).toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}
