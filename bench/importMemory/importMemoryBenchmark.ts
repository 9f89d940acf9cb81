// `npm run bench -- --only-bench=import-memory`: eight uploads at once of a 5 MB Word file that expands to 190 MB, sent
// to a real Headway server process on SQLite, round after round; /healthz timed just before each round with nothing
// else going on and then during the uploads, and the server's memory sampled. Figures go to docs/performance.md.
import { join } from 'node:path';
import {
  describeRound,
  expectedRefusal,
  megabyte,
  percentile,
  startExpandingUploads,
  uploadsAtOnce,
  type HealthProbe,
  type UploadsRound,
} from '../../src/testing/expandingUploads.js';
import { loadAverage } from '../crash/benchSetup.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';
import { freshSqlite } from '../planLoad/benchDatabases.js';

const targets = { healthP99Ms: 200, rssMb: 600 } as const;
/** How long /healthz is asked with nothing else going on, before each round's uploads. */
const unloadedMs = 3000;

interface Round {
  unloaded: HealthProbe[];
  uploads: UploadsRound;
}

const ms = (probes: HealthProbe[]) => probes.map((probe) => probe.ms);
const mb = (bytes: number) => Math.round(bytes / megabyte);
const meetsTarget = (round: Round) =>
  percentile(ms(round.uploads.health), 99) < targets.healthP99Ms &&
  mb(round.uploads.rssPeakBytes) < targets.rssMb;

export async function importMemoryBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const rounds = options.importMemoryRounds;
  const loadBefore = loadAverage();
  say(
    `Import-memory benchmark: ${rounds} rounds of ${uploadsAtOnce} uploads at once of a Word file expanding to 190 MB, to one server process on SQLite; /healthz asked every 10 ms for ${unloadedMs / 1000} s before each round and throughout it (load average ${loadBefore}).`,
  );
  const database = await freshSqlite(projectRoot, 'import-memory.db');
  const uploads = await startExpandingUploads(database.url);
  const measured: Round[] = [];
  const failures: string[] = [];
  try {
    say(`  the file: ${(uploads.docx.length / megabyte).toFixed(1)} MB; warming up ...`);
    await uploads.warmUp();
    for (let n = 1; n <= rounds; n++) {
      const round = {
        unloaded: await uploads.healthUnloaded(unloadedMs),
        uploads: await uploads.uploadAtOnce(),
      };
      measured.push(round);
      failures.push(...invalid(round).map((problem) => `round ${n}: ${problem}`));
      const unloaded = ms(round.unloaded);
      say(
        `  round ${n}: ${describeRound(round.uploads)}; unloaded /healthz p50 ${percentile(unloaded, 50).toFixed(1)} ms, p99 ${percentile(unloaded, 99).toFixed(1)} ms`,
      );
    }
  } finally {
    await uploads.stop();
    await database.dispose();
  }

  const table = resultsTable(measured);
  const met = measured.filter(meetsTarget).length;
  const verdict = `Target (/healthz p99 under ${targets.healthP99Ms} ms during the uploads and peak RSS under ${targets.rssMb} MB) ${met === rounds ? 'met' : 'missed'} in ${met === rounds ? 'every round' : `${rounds - met} of ${rounds} rounds`}: ${met === rounds ? 'PASS' : 'FAIL'}.`;
  const ratios = measured.map((round, i) => {
    const loaded = percentile(ms(round.uploads.health), 99);
    const unloaded = percentile(ms(round.unloaded), 99);
    return `- Round ${i + 1}: /healthz p99 during the uploads is ${(loaded / unloaded).toFixed(1)}× its p99 just before.`;
  });
  say(`\n${table}\n`);
  for (const line of [verdict, ...ratios]) say(line);

  if (failures.length > 0) {
    say('\n!!!!!!!! IMPORT-MEMORY BENCHMARK FAILED: these figures are not valid !!!!!!!!');
    for (const line of failures.slice(0, 20)) say(`  - ${line}`);
    say('docs/performance.md was left unchanged.');
    return 1;
  }
  if (!options.writeDocs) {
    say('\n(Quick run: docs/performance.md left unchanged; add --docs to record these figures.)');
    return 0;
  }
  const section = [
    `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${describeMachine()}; load average ${loadBefore} before and ${loadAverage()} after (a shared, busy machine).`,
    '',
    `The file: ${(uploads.docx.length / megabyte).toFixed(1)} MB, its document.xml expanding to 190 MB. ${rounds} rounds on one server process (under tsx), warmed up by one pasted import; before each round /healthz was asked every 10 ms for ${unloadedMs / 1000} s with nothing else going on, then throughout the ${uploadsAtOnce} uploads; RSS sampled every 50 ms, and read again 3 s after the last answer.`,
    '',
    table,
    '',
    verdict,
    '',
    ...ratios,
  ].join('\n');
  await rewriteSection(join(projectRoot, 'docs', 'performance.md'), 'import-memory', section);
  say('\nImport-memory figures written to docs/performance.md.');
  return 0;
}

/** What must hold for a round's figures to count: every upload refused by its limit, every /healthz answered. */
function invalid(round: Round): string[] {
  const problems: string[] = [];
  for (const answer of round.uploads.answers)
    if (answer.status !== 400 || !answer.text.includes(expectedRefusal))
      problems.push(
        `an upload answered ${answer.status} without naming the 100 MB limit: ${answer.text.slice(0, 200)}`,
      );
  for (const probe of [...round.unloaded, ...round.uploads.health])
    if (probe.status !== 200) problems.push(`/healthz answered ${probe.status || probe.error}`);
  if (round.uploads.health.length <= 5)
    problems.push(`/healthz was answered only ${round.uploads.health.length} times during the uploads`);
  return problems;
}

function resultsTable(rounds: Round[]): string {
  const p = (probes: HealthProbe[]) =>
    `${percentile(ms(probes), 50).toFixed(0)} / ${percentile(ms(probes), 99).toFixed(0)}`;
  return [
    '| Round | /healthz unloaded p50 / p99 (ms) | /healthz during uploads p50 / p99 (ms) | Answers (unloaded, during) | Uploads took | RSS before | Peak RSS | RSS after 3 s | Target | Result |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rounds.map(
      (round, i) =>
        `| ${i + 1} | ${p(round.unloaded)} | ${p(round.uploads.health)} | ${round.unloaded.length}, ${round.uploads.health.length} | ${round.uploads.seconds.toFixed(1)} s | ${mb(round.uploads.rssBeforeBytes)} MB | ${mb(round.uploads.rssPeakBytes)} MB | ${mb(round.uploads.rssAfterBytes)} MB | p99 < ${targets.healthP99Ms} ms, RSS < ${targets.rssMb} MB | ${meetsTarget(round) ? 'PASS' : 'FAIL'} |`,
    ),
  ].join('\n');
}
