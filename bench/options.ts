// Benchmark settings from the command line (npm run bench -- --quick) or the environment, checked once.
import type { DataSize } from './planLoad/planData.js';

export const benchNames = [
  'plan-load',
  'import',
  'export',
  'sync-cost',
  'crash',
  'soak',
  'import-memory',
  'http',
  'scale',
  'dashboard',
  'history',
] as const;
export type BenchName = (typeof benchNames)[number];
/**
 * What `npm run bench` runs without --only-bench: the reliability runs (crash, soak) take long, and import-memory
 * loads the machine with eight large uploads at once, so they are run by name.
 */
const defaultBenchNames: BenchName[] = ['plan-load', 'import', 'export'];

export interface ImportSize {
  xlsxRows: number;
  docxRows: number;
  /** Imports of each file on each database; the median and the worst are reported. */
  runs: number;
}

export interface ExportSize {
  actions: number;
  updates: number;
  /** Timed exports of each format on each database; the median is reported. */
  runs: number;
}

export interface BenchOptions {
  /** The benchmarks to run, in order. */
  benchmarks: BenchName[];
  quick: boolean;
  size: DataSize;
  seed: number;
  databases: ('sqlite' | 'postgres')[];
  postgresAdminUrl: string;
  connections: number;
  warmUpSeconds: number;
  seconds: number;
  importSize: ImportSize;
  exportSize: ExportSize;
  /** Crash: rounds of kill -9 on each database. */
  crashRounds: number;
  /** Import-memory: rounds of eight expanding uploads at once. */
  importMemoryRounds: number;
  /** HTTP: rounds of every shape on every server (3 unless --rounds says otherwise). */
  httpRounds: number;
  /** Soak: how long the steady load runs on each database (5 minutes unless --seconds says otherwise). */
  soakSeconds: number;
  /** Whether to rewrite the figures in docs/performance.md; quick runs leave the recorded figures alone. */
  writeDocs: boolean;
  /** The command as typed, for the record. */
  command: string;
}

const usage = `Usage: npm run bench -- [--only-bench=plan-load|import|export|sync-cost|crash|soak|import-memory|http|scale|history|dashboard] [--quick]
                      [--only=sqlite|postgres] [--seconds=N] [--connections=N] [--runs=N] [--rounds=N]
                      [--docs|--no-docs]
  --only-bench  run one benchmark (default: plan load, import, then export; sync-cost, crash and soak
                run only when named, and write docs/reliability.md; import-memory, http (side by side with
                the Node floor and nginx), scale (100,000 actions) and history (a plan as at a date, a
                comparison and history paging over 20,000 rows of history) run only when named)
  --seconds, --connections  plan load: length of each measurement and concurrent connections;
                sync-cost: length of each measurement; soak: length of the run (default 300; a
                shorter soak leaves the recorded figures alone unless given --docs)
  --rounds      crash: kill -9 rounds on each database (default 10); import-memory: rounds of eight
                uploads at once (default 3); http: rounds of every shape on every server (default 3)
  --runs        import: imports of each file on each database (default 3);
                export: timed exports of each format on each database (default 5)
Environment: HEADWAY_BENCH_QUICK=1, HEADWAY_BENCH_ONLY_BENCH, HEADWAY_BENCH_ONLY, HEADWAY_BENCH_SECONDS,
             HEADWAY_BENCH_CONNECTIONS, HEADWAY_BENCH_RUNS, HEADWAY_BENCH_ROUNDS,
             HEADWAY_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)`;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

const fullSize: DataSize = { plans: 10, actions: 5000, updates: 20000, measuredPlanActions: 500 };
const quickSize: DataSize = { plans: 2, actions: 500, updates: 2000, measuredPlanActions: 250 };
const fullImport = { xlsxRows: 5000, docxRows: 500, runs: 3 };
const quickImport = { xlsxRows: 500, docxRows: 50, runs: 1 };
const fullExport = { actions: 500, updates: 5000, runs: 5 };
const quickExport = { actions: 100, updates: 1000, runs: 2 };

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new OptionsError(`Unknown argument "${arg}"\n${usage}`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  const known = [
    'only-bench',
    'quick',
    'only',
    'seconds',
    'connections',
    'runs',
    'rounds',
    'docs',
    'no-docs',
    'help',
  ];
  for (const name of flags.keys())
    if (!known.includes(name)) throw new OptionsError(`Unknown option "--${name}"\n${usage}`);
  if (flags.has('help')) throw new OptionsError(usage);

  const quick = flags.has('quick') || env.HEADWAY_BENCH_QUICK === '1';
  const only = flags.get('only') ?? env.HEADWAY_BENCH_ONLY ?? '';
  if (only !== '' && only !== 'sqlite' && only !== 'postgres')
    throw new OptionsError(`--only must be sqlite or postgres, not "${only}"`);
  const onlyBench = flags.get('only-bench') ?? env.HEADWAY_BENCH_ONLY_BENCH ?? '';
  if (onlyBench !== '' && !isBenchName(onlyBench))
    throw new OptionsError(`--only-bench must be ${benchNames.join(' or ')}, not "${onlyBench}"`);
  const importSize = quick ? quickImport : fullImport;
  return {
    benchmarks: onlyBench === '' ? [...defaultBenchNames] : [onlyBench],
    quick,
    size: quick ? quickSize : fullSize,
    seed: 20240331,
    databases: only === '' ? ['sqlite', 'postgres'] : [only],
    postgresAdminUrl: env.HEADWAY_BENCH_POSTGRES_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test',
    connections: wholeNumber('connections', flags.get('connections') ?? env.HEADWAY_BENCH_CONNECTIONS, 10),
    warmUpSeconds: quick ? 1 : 2,
    seconds: wholeNumber('seconds', flags.get('seconds') ?? env.HEADWAY_BENCH_SECONDS, quick ? 3 : 10),
    importSize: {
      ...importSize,
      runs: wholeNumber('runs', flags.get('runs') ?? env.HEADWAY_BENCH_RUNS, importSize.runs),
    },
    exportSize: {
      ...(quick ? quickExport : fullExport),
      runs: wholeNumber(
        'runs',
        flags.get('runs') ?? env.HEADWAY_BENCH_RUNS,
        (quick ? quickExport : fullExport).runs,
      ),
    },
    crashRounds: wholeNumber('rounds', flags.get('rounds') ?? env.HEADWAY_BENCH_ROUNDS, quick ? 3 : 10),
    importMemoryRounds: wholeNumber('rounds', flags.get('rounds') ?? env.HEADWAY_BENCH_ROUNDS, quick ? 1 : 3),
    httpRounds: wholeNumber('rounds', flags.get('rounds') ?? env.HEADWAY_BENCH_ROUNDS, quick ? 1 : 3),
    soakSeconds: wholeNumber('seconds', flags.get('seconds') ?? env.HEADWAY_BENCH_SECONDS, quick ? 20 : 300),
    writeDocs: flags.has('docs') || (!quick && !flags.has('no-docs')),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 600)
    throw new OptionsError(`--${name} must be a whole number from 1 to 600, not "${value}"`);
  return n;
}

function isBenchName(name: string): name is BenchName {
  return (benchNames as readonly string[]).includes(name);
}
