// The side-by-side HTTP benchmark: the same seeded data served by Headway (SQLite and PostgreSQL, cache on and off,
// signed in), by the Node floor (bare node:http, same driver, same rows) and by nginx (Headway's own bytes from files),
// all running at once, measured in turn by wrk, round after round, with ratios per round.
import { join } from 'node:path';
import type { Db } from '../../src/db/connection.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { readConfig } from '../../src/config.js';
import { startServerProcess, type ServerProcess } from '../../src/testing/serverProcess.js';
import { signedInUser } from '../../src/testing/testApp.js';
import { csrfSecretCookie } from '../../src/web/csrf.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';
import {
  freshPostgres,
  freshSqlite,
  withoutPassword,
  type BenchDatabase,
} from '../planLoad/benchDatabases.js';
import { describeCounts } from '../planLoad/planLoadBenchmark.js';
import { describePlans } from '../planLoad/planData.js';
import { bulkLoadPlans } from './bulkLoad.js';
import { startChild, type Child } from './childProcess.js';
import { httpDocSection, httpTables, type HttpRun } from './httpReport.js';
import { nginxPath, startNginx, type StaticServer } from './nginx.js';
import { wrk, wrkAvailable, type WrkResult } from './wrk.js';

export const shapes = ['one action', 'list 100', 'list 500', 'plan page', 'export.json'] as const;
export type Shape = (typeof shapes)[number];

export type ServerKind = 'Headway' | 'Headway, no cache' | 'Node floor' | 'nginx';

export interface Target {
  /** e.g. "Headway SQLite", "Node floor PostgreSQL", "nginx". */
  name: string;
  kind: ServerKind;
  database: 'SQLite' | 'PostgreSQL' | null;
  baseUrl: string;
  paths: Record<Shape, string>;
  headers: Partial<Record<Shape, Record<string, string>>>;
}

export interface Check {
  status: number;
  bytes: number;
  etag: string | null;
}

export interface Measured {
  target: string;
  shape: Shape | '304 (plan page)' | '304 (export.json)';
  round: number;
  result: WrkResult;
}

interface Seeded {
  database: BenchDatabase;
  actionId: string;
  cookie: string;
  authorization: string;
  generationSeconds: number;
}

const projectRoot = join(import.meta.dirname, '..', '..');

export async function httpBenchmark(options: BenchOptions, say: (line: string) => void): Promise<number> {
  if (!(await wrkAvailable())) {
    say('The HTTP benchmark needs wrk: apt-get install -y wrk (and nginx-light for the nginx column).');
    return 1;
  }
  const plans = describePlans(options.size, options.seed);
  const slug = plans[0]!.input.slug;
  const notes: string[] = [];
  say(
    `HTTP benchmark${options.quick ? ' (quick)' : ''}: ${describeCounts(plans)}; the measured plan has ${plans[0]!.actions.length} actions.`,
  );

  const seeded: Seeded[] = [];
  const children: { stop(): Promise<void> }[] = [];
  try {
    for (const dialect of options.databases) {
      const database =
        dialect === 'sqlite'
          ? await freshSqlite(projectRoot, 'http.db')
          : await postgres(options, notes, say);
      if (!database) continue;
      seeded.push(await seed(database, plans, options, say));
    }
    const targets: Target[] = [];
    for (const data of seeded) {
      for (const kind of ['Headway', 'Headway, no cache'] as const) {
        const server = await startServerProcess({
          databaseUrl: data.database.url,
          env: kind === 'Headway' ? {} : { HEADWAY_CACHE_MB: '0' },
          startTimeoutMs: 180_000,
        });
        children.push(server);
        targets.push(await asABrowser(headwayTarget(server, kind, data, slug)));
      }
      const floor = await startChild(
        process.execPath,
        ['--import', 'tsx', join(projectRoot, 'bench', 'http', 'nodeFloor.ts'), data.database.url],
        /listening (\d+)/,
      );
      children.push(floor);
      targets.push(floorTarget(floor, data, slug));
    }
    say('All servers are up. Checking one response of each shape from each ...');
    const checks = new Map<string, Check>();
    for (const target of targets)
      for (const shape of shapes) checks.set(`${target.name}|${shape}`, await check(target, shape));
    const nginx = await nginxServer(targets, notes, say);
    if (nginx) {
      children.push(nginx.server);
      targets.push(nginx.target);
      for (const shape of shapes) checks.set(`nginx|${shape}`, await check(nginx.target, shape));
    }
    for (const [key, found] of checks)
      say(
        `  ${key.replace('|', ': ')}: ${found.status}, ${(found.bytes / 1024).toFixed(0)} KB${found.etag ? `, ETag ${found.etag}` : ''}`,
      );
    const bad = [...checks].filter(([, found]) => found.status !== 200);
    if (bad.length > 0) {
      say('\n!!!!!!!! BENCHMARK FAILED: a server answered other than 200 !!!!!!!!');
      for (const [key, found] of bad) say(`  - ${key}: ${found.status}`);
      return 1;
    }

    const measured = await measureRounds(targets, checks, options, notes, say);
    const unloaded = await measureUnloaded(targets, options, say);
    const run: HttpRun = {
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(),
      command: options.command,
      data: describeCounts(plans),
      connections: options.connections,
      seconds: options.seconds,
      rounds: options.httpRounds,
      generation: seeded.map((s) => ({ database: s.database.label, seconds: s.generationSeconds })),
      targets: targets.map((t) => ({ name: t.name, kind: t.kind, database: t.database })),
      checks: Object.fromEntries(checks),
      measured,
      unloaded,
      notes,
    };
    say(`\n${httpTables(run)}\n`);
    const failed = measured.filter((m) => m.result.errors > 0 || !(m.result.requestsPerSecond > 0));
    if (failed.length > 0) {
      say('\n!!!!!!!! BENCHMARK FAILED: some requests failed !!!!!!!!');
      for (const m of failed)
        say(
          `  - ${m.target} ${m.shape} round ${m.round}: ${m.result.errors > 0 ? `${m.result.errors} failed requests` : 'no request completed in the window'}`,
        );
      say('docs/performance.md was left unchanged.');
      return 1;
    }
    if (!options.writeDocs) {
      say('(Quick run: docs/performance.md left unchanged; add --docs to record these figures.)');
      return 0;
    }
    await rewriteSection(join(projectRoot, 'docs', 'performance.md'), 'http', httpDocSection(run));
    say('Figures written to docs/performance.md.');
    return 0;
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    for (const data of seeded) await data.database.dispose().catch(() => {});
  }
}

async function postgres(
  options: BenchOptions,
  notes: string[],
  say: (line: string) => void,
): Promise<BenchDatabase | undefined> {
  const outcome = await freshPostgres(options.postgresAdminUrl);
  if ('database' in outcome) return outcome.database;
  const note = `PostgreSQL not measured: ${withoutPassword(options.postgresAdminUrl)} could not be reached (${outcome.unreachable}).`;
  say(note);
  notes.push(note);
  return undefined;
}

async function seed(
  database: BenchDatabase,
  plans: ReturnType<typeof describePlans>,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<Seeded> {
  const db: Db = openDatabase(database.url);
  try {
    await migrateToLatest(db);
    say(`${database.label}: writing ${describeCounts(plans)} in bulk ...`);
    const started = performance.now();
    await bulkLoadPlans(db, plans, { statusChanges: true });
    const generationSeconds = (performance.now() - started) / 1000;
    say(`${database.label}: written in ${generationSeconds.toFixed(1)} s`);
    const config = readConfig(
      {},
      { port: 0, host: '127.0.0.1', databaseUrl: database.url, logLevel: 'warn' },
    );
    const reader = await signedInUser(db, config, 'admin', 'Benchmark reader');
    const action = await db.kysely
      .selectFrom('actions')
      .innerJoin('plans', 'plans.id', 'actions.plan_id')
      .select('actions.id')
      .where('plans.slug', '=', plans[0]!.input.slug)
      .orderBy('actions.position')
      .executeTakeFirstOrThrow();
    void options;
    return {
      database,
      actionId: action.id,
      cookie: reader.cookie,
      authorization: reader.authorization,
      generationSeconds,
    };
  } finally {
    await db.close();
  }
}

function headwayTarget(server: ServerProcess, kind: ServerKind, data: Seeded, slug: string): Target {
  const api = `/api/v1/plans/${slug}`;
  const token = { authorization: data.authorization };
  return {
    name: `${kind === 'Headway' ? 'Headway' : 'Headway (no cache)'} ${data.database.label}`,
    kind,
    database: data.database.label,
    baseUrl: server.url,
    paths: {
      'one action': `${api}/actions/${data.actionId}`,
      'list 100': `${api}/actions?limit=100`,
      'list 500': `${api}/actions?limit=500`,
      'plan page': `/plans/${slug}`,
      'export.json': `${api}/export.json`,
    },
    headers: {
      'one action': token,
      'list 100': token,
      'list 500': token,
      'plan page': { cookie: data.cookie },
      'export.json': token,
    },
  };
}

/**
 * The plan page as a browser asks for it after its first visit: with the CSRF secret cookie that visit set beside the
 * session, so the page can be kept for it (src/plans/planPages.ts).
 */
async function asABrowser(target: Target): Promise<Target> {
  const headers = target.headers['plan page'] ?? {};
  const response = await fetch(target.baseUrl + target.paths['plan page'], { headers, redirect: 'manual' });
  await response.arrayBuffer();
  const secret = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0]!)
    .find((cookie) => cookie.startsWith(`${csrfSecretCookie}=`));
  if (!secret) throw new Error(`${target.name}: the plan page set no CSRF secret cookie`);
  return {
    ...target,
    headers: { ...target.headers, 'plan page': { cookie: `${headers.cookie}; ${secret}` } },
  };
}

function floorTarget(floor: Child, data: Seeded, slug: string): Target {
  return {
    name: `Node floor ${data.database.label}`,
    kind: 'Node floor',
    database: data.database.label,
    baseUrl: `http://127.0.0.1:${floor.ready}`,
    paths: {
      'one action': `/action/${data.actionId}`,
      'list 100': `/actions/${slug}?limit=100`,
      'list 500': `/actions/${slug}?limit=500`,
      'plan page': `/plan/${slug}`,
      'export.json': `/plan/${slug}`,
    },
    headers: {},
  };
}

async function check(target: Target, shape: Shape): Promise<Check> {
  const response = await fetch(target.baseUrl + target.paths[shape], {
    headers: target.headers[shape] ?? {},
    redirect: 'manual',
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, bytes: bytes.length, etag: response.headers.get('etag') };
}

/** nginx gets Headway's SQLite responses (cache on) as files, byte for byte, with the same content types. */
async function nginxServer(
  targets: Target[],
  notes: string[],
  say: (line: string) => void,
): Promise<{ server: StaticServer; target: Target } | undefined> {
  const binary = await nginxPath();
  if (!binary) {
    const note = 'nginx not measured: it is not installed (apt-get install -y nginx-light).';
    say(note);
    notes.push(note);
    return undefined;
  }
  const source = targets.find((t) => t.kind === 'Headway');
  if (!source) return undefined;
  const bodies = [];
  const paths = {} as Record<Shape, string>;
  for (const shape of shapes) {
    const response = await fetch(source.baseUrl + source.paths[shape], {
      headers: source.headers[shape] ?? {},
    });
    const path = `/${shape.replace(/[^a-z0-9.]+/g, '-')}`;
    paths[shape] = path;
    bodies.push({
      path,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      bytes: Buffer.from(await response.arrayBuffer()),
    });
  }
  const server = await startNginx(binary, join(projectRoot, '.bench', 'nginx'), bodies);
  notes.push(
    `nginx serves ${source.name}'s responses from files, one worker process, sendfile on, logging off.`,
  );
  return {
    server,
    target: { name: 'nginx', kind: 'nginx', database: null, baseUrl: server.url, paths, headers: {} },
  };
}

async function measureRounds(
  targets: Target[],
  checks: Map<string, Check>,
  options: BenchOptions,
  notes: string[],
  say: (line: string) => void,
): Promise<Measured[]> {
  const settings = { connections: options.connections, seconds: options.seconds };
  const measured: Measured[] = [];
  say(`\nWarming up: ${options.warmUpSeconds} s of each shape on each server (not counted) ...`);
  for (const target of targets)
    for (const shape of shapes)
      await wrk(
        target.baseUrl + target.paths[shape],
        { ...settings, seconds: options.warmUpSeconds },
        target.headers[shape] ?? {},
      );
  const conditional = conditionalTargets(targets, checks, notes);
  for (let round = 1; round <= options.httpRounds; round++) {
    say(
      `\nRound ${round} of ${options.httpRounds}: ${options.seconds} s per shape and server at ${options.connections} connections`,
    );
    for (const shape of shapes) {
      for (const target of targets) {
        const result = await wrk(target.baseUrl + target.paths[shape], settings, target.headers[shape] ?? {});
        say(
          `  ${shape.padEnd(12)} ${target.name.padEnd(30)} ${result.requestsPerSecond.toFixed(1).padStart(9)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? `  ${result.errors} errors` : ''}`,
        );
        measured.push({ target: target.name, shape, round, result });
      }
    }
    for (const { target, shape, etag } of conditional) {
      const headers = { ...(target.headers[shape] ?? {}), 'if-none-match': etag };
      const result = await wrk(target.baseUrl + target.paths[shape], settings, headers);
      const label = shape === 'plan page' ? '304 (plan page)' : '304 (export.json)';
      say(
        `  ${label.padEnd(12)} ${target.name.padEnd(30)} ${result.requestsPerSecond.toFixed(1).padStart(9)} req/s  p50 ${result.p50Ms.toFixed(2)} ms`,
      );
      measured.push({ target: target.name, shape: label, round, result });
    }
  }
  return measured;
}

/** Headway with its cache answers If-None-Match with 304; without an ETag there is nothing to measure. */
function conditionalTargets(targets: Target[], checks: Map<string, Check>, notes: string[]) {
  const found: { target: Target; shape: 'plan page' | 'export.json'; etag: string }[] = [];
  for (const target of targets.filter((t) => t.kind === 'Headway'))
    for (const shape of ['plan page', 'export.json'] as const) {
      const etag = checks.get(`${target.name}|${shape}`)?.etag;
      if (etag) found.push({ target, shape, etag });
      else notes.push(`${target.name} ${shape}: no ETag, so 304 answers were not measured.`);
    }
  return found;
}

/** One connection, one request at a time: how long one person waits for the plan page. */
async function measureUnloaded(
  targets: Target[],
  options: BenchOptions,
  say: (line: string) => void,
): Promise<{ target: string; p50Ms: number; p99Ms: number }[]> {
  const found = [];
  for (const target of targets.filter((t) => t.kind === 'Headway' || t.kind === 'Headway, no cache')) {
    const result = await wrk(
      target.baseUrl + target.paths['plan page'],
      { connections: 1, seconds: Math.min(options.seconds, 5) },
      target.headers['plan page'] ?? {},
    );
    say(
      `Unloaded plan page, ${target.name}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`,
    );
    found.push({ target: target.name, p50Ms: result.p50Ms, p99Ms: result.p99Ms });
  }
  return found;
}
