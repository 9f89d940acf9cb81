// `npm run bench -- --only-bench=crash`: a real Headway server under concurrent writes, killed with SIGKILL at random
// moments, round after round; after each kill the database is checked whole and every write it acknowledged is
// looked up. Figures go to docs/reliability.md.
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connection.js';
import { startServerProcess } from '../../src/testing/serverProcess.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';
import { seededRandom, type SeededRandom } from '../seededRandom.js';
import { loadAverage, postAction, postUpdate, prepareDatabase, sleep, type Prepared } from './benchSetup.js';
import { checkAfterCrash, type Acknowledged } from './integrity.js';

const writers = 6;
const statuses = ['in_progress', 'ongoing', 'complete', 'not_started'] as const;

interface DatabaseOutcome {
  label: string;
  rounds: number;
  actions: number;
  updates: number;
  /** Requests that had been sent but not answered when the process died: they may or may not have committed. */
  inFlight: number;
  inFlightFound: number;
  lost: Acknowledged[];
  problems: string[];
  /** Answers other than 201 before the kill. */
  refused: string[];
  checks: string;
  seconds: number;
}

export async function crashBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const rounds = options.crashRounds;
  say(
    `Crash benchmark: ${rounds} rounds per database of ${writers} concurrent API writers and a kill -9 0.5 to 5 s after the first answered write (load average ${loadAverage()}).`,
  );
  const loadBefore = loadAverage();
  const outcomes: DatabaseOutcome[] = [];
  for (const [index, dialect] of options.databases.entries()) {
    const prepared = await prepareDatabase(dialect, projectRoot, 'crash.db', options.postgresAdminUrl, say);
    if (!prepared) continue;
    try {
      outcomes.push(await crashRounds(prepared, rounds, seededRandom(options.seed + index), say));
    } finally {
      await prepared.database.dispose();
    }
  }
  const failures = outcomes.flatMap((o) => [
    ...(o.lost.length ? [`${o.label}: ${o.lost.length} acknowledged writes lost`] : []),
    ...o.problems.map((p) => `${o.label}: ${p}`),
    ...o.refused.slice(0, 5).map((r) => `${o.label}: ${r}`),
  ]);
  const table = resultsTable(outcomes);
  say(`\n${table}\n`);
  if (failures.length > 0 || outcomes.length === 0) {
    say('!!!!!!!! CRASH BENCHMARK FAILED !!!!!!!!');
    for (const line of failures) say(`  - ${line}`);
    if (outcomes.length === 0) say('  - no database could be measured');
    say('docs/reliability.md was left unchanged.');
    return 1;
  }
  if (!options.writeDocs) {
    say('(Quick run: docs/reliability.md left unchanged; add --docs to record these figures.)');
    return 0;
  }
  const machine = describeMachine();
  for (const outcome of outcomes)
    await rewriteSection(
      join(projectRoot, 'docs', 'reliability.md'),
      `crash-${outcome.label === 'SQLite' ? 'sqlite' : 'postgres'}`,
      [
        `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${machine}; load average ${loadBefore} before and ${loadAverage()} after (a shared, busy machine).`,
        '',
        resultsTable([outcome]),
        '',
        `Checked after every kill: ${outcome.checks}; every acknowledged action (with its history row) and update looked up by id.`,
      ].join('\n'),
    );
  say('Figures written to docs/reliability.md.');
  return 0;
}

async function crashRounds(
  prepared: Prepared,
  rounds: number,
  random: SeededRandom,
  say: (line: string) => void,
): Promise<DatabaseOutcome> {
  const label = prepared.database.label;
  const started = performance.now();
  const acknowledged: Acknowledged[] = [];
  const actionIds: string[] = [];
  const outcome: DatabaseOutcome = {
    label,
    rounds,
    actions: 0,
    updates: 0,
    inFlight: 0,
    inFlightFound: 0,
    lost: [],
    problems: [],
    refused: [],
    checks: '',
    seconds: 0,
  };
  for (let round = 1; round <= rounds; round++) {
    // The machine these run on is shared and often busy: a start can take far longer than on a quiet one.
    const server = await startServerProcess({ databaseUrl: prepared.database.url, startTimeoutMs: 180_000 });
    let killed = false;
    const unanswered = new Map<number, Acknowledged>();
    let requestNumber = 0;
    const writer = async (w: number) => {
      for (let n = 0; !killed; n++) {
        const update = actionIds.length > 0 && random.chance(0.3);
        const text = `Round ${round} writer ${w} write ${n}`;
        const number = ++requestNumber;
        const sent: Acknowledged = { kind: update ? 'update' : 'action', id: '', text };
        unanswered.set(number, sent);
        let response: Response;
        try {
          response = update
            ? await postUpdate(
                server.url,
                prepared,
                random.pick(actionIds),
                text,
                random.chance(0.3) ? random.pick(statuses) : undefined,
              )
            : await postAction(server.url, prepared, text, `Crash owner ${w}`);
        } catch {
          return; // the connection died with the process: this request stays unanswered
        }
        if (response.status !== 201) {
          unanswered.delete(number);
          if (!killed)
            outcome.refused.push(`${sent.kind} answered ${response.status}: ${await response.text()}`);
          continue;
        }
        const { id } = (await response.json()) as { id: string };
        unanswered.delete(number);
        acknowledged.push({ ...sent, id });
        if (sent.kind === 'action') actionIds.push(id);
      }
    };
    const acknowledgedBefore = acknowledged.length;
    const running = Array.from({ length: writers }, (_, w) => writer(w));
    // The random moment is counted from the round's first answered write, so that every kill falls amid writing.
    for (let waited = 0; acknowledged.length === acknowledgedBefore && waited < 60_000; waited += 20)
      await sleep(20);
    await sleep(random.int(500, 5000));
    killed = true;
    await server.stop('SIGKILL');
    await Promise.all(running);
    outcome.inFlight += unanswered.size;

    const db = openDatabase(prepared.database.url);
    try {
      const result = await checkAfterCrash(db, acknowledged);
      outcome.checks = result.checks;
      outcome.problems.push(...result.problems.map((p) => `round ${round}: ${p}`));
      outcome.lost = result.lost;
      // Unanswered creations may have committed just before the kill; how many did is of interest, not a failure.
      const titles = [...unanswered.values()].filter((w) => w.kind === 'action').map((w) => w.text);
      if (titles.length > 0)
        outcome.inFlightFound += (
          await db.kysely.selectFrom('actions').select('title').where('title', 'in', titles).execute()
        ).length;
    } finally {
      await db.close();
    }
    say(
      `  ${label} round ${round}: ${acknowledged.length} writes acknowledged so far, ${unanswered.size} in flight at the kill, ${outcome.lost.length} lost`,
    );
    outcome.rounds = round;
    if (outcome.lost.length > 0 || outcome.problems.length > 0) break;
  }
  outcome.actions = acknowledged.filter((a) => a.kind === 'action').length;
  outcome.updates = acknowledged.length - outcome.actions;
  outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

function resultsTable(outcomes: DatabaseOutcome[]): string {
  return [
    '| Database | Kills | Acknowledged writes (actions + updates) | Lost | In flight at the kills (creations found after) | Integrity | Time |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
    ...outcomes.map(
      (o) =>
        `| ${o.label} | ${o.rounds} | ${(o.actions + o.updates).toLocaleString('en-GB')} (${o.actions} + ${o.updates}) | ${o.lost.length} | ${o.inFlight} (${o.inFlightFound}) | ${o.problems.length === 0 ? 'whole' : `${o.problems.length} problems`} | ${o.seconds.toFixed(0)} s |`,
    ),
  ].join('\n');
}
