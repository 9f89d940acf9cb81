// Turns the side-by-side HTTP benchmark's measurements into Markdown: requests/s per shape and server, the ratios per
// round against nginx and the Node floor with the targets of issue 13, 304 answers, and one person's wait.
import type { Check, Measured, ServerKind, Shape } from './httpBenchmark.js';
import { shapes } from './httpBenchmark.js';

export interface HttpRun {
  date: string;
  machine: string;
  command: string;
  data: string;
  connections: number;
  seconds: number;
  rounds: number;
  generation: { database: string; seconds: number }[];
  targets: { name: string; kind: ServerKind; database: 'SQLite' | 'PostgreSQL' | null }[];
  /** Keyed "target|shape". */
  checks: Record<string, Check>;
  measured: Measured[];
  unloaded: { target: string; p50Ms: number; p99Ms: number }[];
  notes: string[];
}

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-GB') : n.toFixed(1));
const times = (n: number) => `${n.toFixed(2)}×`;

function rates(run: HttpRun, target: string, shape: Measured['shape']): number[] {
  return run.measured
    .filter((m) => m.target === target && m.shape === shape)
    .sort((a, b) => a.round - b.round)
    .map((m) => m.result.requestsPerSecond);
}

function range(values: number[]): string {
  if (values.length === 0) return '—';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? rate(low) : `${rate(low)}–${rate(high)}`;
}

export function requestsTable(run: HttpRun): string {
  const lines = [
    `| shape | ${run.targets.map((t) => t.name).join(' | ')} |`,
    `| --- | ${run.targets.map(() => '---:').join(' | ')} |`,
  ];
  for (const shape of shapes) {
    const size = run.checks[`${run.targets[0]!.name}|${shape}`]?.bytes ?? 0;
    lines.push(
      `| ${shape} (${(size / 1024).toFixed(0)} KB) | ${run.targets.map((t) => range(rates(run, t.name, shape))).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

interface Ratio {
  shape: Shape;
  label: string;
  perRound: number[];
  target: number;
}

/** Each ratio is of two figures from the same round, so a busy moment on the machine touches both. */
export function ratiosFor(run: HttpRun): Ratio[] {
  const found: Ratio[] = [];
  const byRound = (a: string, b: string, shape: Shape) => {
    const top = rates(run, a, shape);
    const bottom = rates(run, b, shape);
    return top.map((value, i) => value / bottom[i]!).filter((r) => Number.isFinite(r));
  };
  for (const database of ['SQLite', 'PostgreSQL'] as const) {
    const cached = run.targets.find((t) => t.kind === 'Headway' && t.database === database);
    const uncached = run.targets.find((t) => t.kind === 'Headway, no cache' && t.database === database);
    const floor = run.targets.find((t) => t.kind === 'Node floor' && t.database === database);
    const nginx = run.targets.find((t) => t.kind === 'nginx');
    for (const shape of ['plan page', 'export.json', 'list 500'] as const) {
      if (cached && nginx)
        found.push({
          shape,
          label: `${cached.name} ÷ nginx, ${shape}`,
          perRound: byRound(cached.name, nginx.name, shape),
          target: 0.3,
        });
      if (uncached && floor)
        found.push({
          shape,
          label: `${uncached.name} ÷ ${floor.name}, ${shape}`,
          perRound: byRound(uncached.name, floor.name, shape),
          target: 1,
        });
    }
  }
  return found;
}

export function ratioTable(run: HttpRun): string {
  const rounds = Array.from({ length: run.rounds }, (_, i) => `round ${i + 1}`);
  const lines = [
    `| ratio of requests/s | ${rounds.join(' | ')} | target | met |`,
    `| --- | ${rounds.map(() => '---:').join(' | ')} | ---: | --- |`,
  ];
  for (const ratio of ratiosFor(run)) {
    const met = ratio.perRound.length > 0 && ratio.perRound.every((r) => r >= ratio.target);
    lines.push(
      `| ${ratio.label} | ${ratio.perRound.map(times).join(' | ')} | ≥ ${times(ratio.target)} | ${met ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

export function conditionalLines(run: HttpRun): string[] {
  const lines: string[] = [];
  for (const target of run.targets.filter((t) => t.kind === 'Headway'))
    for (const shape of ['304 (plan page)', '304 (export.json)'] as const) {
      const values = rates(run, target.name, shape);
      if (values.length === 0) continue;
      const met = values.every((v) => v >= 5000);
      lines.push(
        `${target.name}, ${shape}: ${range(values)} requests/s (target at least 5,000: ${met ? 'met' : 'not met'}).`,
      );
    }
  return lines;
}

export function unloadedLines(run: HttpRun): string[] {
  return run.unloaded.map(({ target, p50Ms, p99Ms }) => {
    const cached = !target.includes('no cache');
    const limit = cached ? 10 : 30;
    return `One plan page at a time, ${target}: p50 ${p50Ms.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms (target p50 at most ${limit} ms${cached ? ' cached' : ' uncached'}: ${p50Ms <= limit ? 'met' : 'not met'}).`;
  });
}

export function httpTables(run: HttpRun): string {
  return [
    requestsTable(run),
    '',
    ratioTable(run),
    '',
    ...[...conditionalLines(run), ...unloadedLines(run), ...run.notes].map((line) => `- ${line}`),
  ].join('\n');
}

export function httpDocSection(run: HttpRun): string {
  return [
    `Last run ${run.date} with \`${run.command}\` on ${run.machine}.`,
    '',
    `Data: ${run.data}, written in bulk through the import's commands with a fixed seed (${run.generation.map((g) => `${g.database} ${g.seconds.toFixed(0)} s`).join(', ')}).`,
    `Load: wrk on loopback, one thread, ${run.connections} connections, ${run.seconds} s per shape and server, ${run.rounds} rounds; every server up at once, measured in turn. Requests/s below are the range over the rounds.`,
    '',
    httpTables(run),
  ].join('\n');
}
