// Turns import-speed results into the verdicts against the targets, a Markdown table, and the section in docs/performance.md.
import os from 'node:os';
import { describeExpected, type ImportFile } from './generateImportFiles.js';
import type { CaseResult, ImportRun, ImportSpeedRun } from './measureImports.js';
import type { ImportOutcome } from './importOutcome.js';

/** The issue's acceptance targets for one import, parse plus save. */
export const targets = { seconds: 3, peakBytes: 300e6 } as const;

interface CaseSummary {
  medianSeconds: number;
  worstSeconds: number;
  /** The phases of the run whose time is the median one. */
  medianRun: ImportOutcome;
  medianPeakBytes: number;
  worstPeakBytes: number;
  /** Targets missed, in words; empty means PASS. */
  missed: string[];
}

const outcomes = (result: CaseResult) =>
  result.runs.flatMap((run) => ('outcome' in run ? [run.outcome] : []));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
}

/** Figures for a case whose runs all succeeded; undefined when any failed (those are failures, not figures). */
export function summarise(result: CaseResult): CaseSummary | undefined {
  const done = outcomes(result);
  if (done.length === 0 || done.length < result.runs.length) return undefined;
  const seconds = done.map((o) => o.seconds);
  const peaks = done.map((o) => o.peakRssBytes);
  const byTime = [...done].sort((a, b) => a.seconds - b.seconds);
  const summary = {
    medianSeconds: median(seconds),
    worstSeconds: Math.max(...seconds),
    medianRun: byTime[(byTime.length - 1) >> 1]!,
    medianPeakBytes: median(peaks),
    worstPeakBytes: Math.max(...peaks),
  };
  const missed: string[] = [];
  // Time is judged on the median, as one run on a busy shared machine says little; memory on the worst run.
  if (summary.medianSeconds >= targets.seconds)
    missed.push(`median ${secondsText(summary.medianSeconds)} is not under ${targets.seconds} s`);
  if (summary.worstPeakBytes >= targets.peakBytes)
    missed.push(
      `peak memory ${megabytesText(summary.worstPeakBytes)} is not under ${megabytesText(targets.peakBytes)}`,
    );
  return { ...summary, missed };
}

/** Anything here fails the run and leaves the recorded figures alone: an import that broke or saved the wrong plan. */
export function failures(run: ImportSpeedRun): string[] {
  const found: string[] = [];
  for (const result of run.results) {
    const where = `${result.database} ${result.file.path}`;
    result.runs.forEach((imported: ImportRun, index) => {
      if ('error' in imported) {
        found.push(`${where}, run ${index + 1}: the import failed: ${imported.error}`);
        return;
      }
      const { saved } = imported.outcome;
      const { expected } = result.file;
      for (const what of ['actions', 'themes', 'updates'] as const)
        if (saved[what] !== expected[what])
          found.push(
            `${where}, run ${index + 1}: saved ${saved[what]} ${what} where the file has ${expected[what]}`,
          );
    });
  }
  return found;
}

export function verdicts(results: CaseResult[]): string[] {
  return results.flatMap((result) => {
    const summary = summarise(result);
    if (!summary) return [];
    const name = `${result.database} ${result.file.kind} (${result.file.rows.toLocaleString('en-GB')} rows)`;
    return [summary.missed.length === 0 ? `PASS ${name}` : `FAIL ${name}: ${summary.missed.join('; ')}`];
  });
}

export function resultsTable(results: CaseResult[]): string {
  const lines = [
    '| Database | File | Rows | Time, median | Time, worst | Read / understand / save (median run) | Memory before import | Peak memory, median | Peak memory, worst | Saved: actions / themes / updates | Warnings | Result |',
    '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | --- |',
  ];
  for (const result of results) {
    const summary = summarise(result);
    const { file } = result;
    const rows = file.rows.toLocaleString('en-GB');
    if (!summary) {
      lines.push(`| ${result.database} | ${file.kind} | ${rows} | failed | | | | | | | | FAIL |`);
      continue;
    }
    const { readSeconds, understandSeconds, saveSeconds } = summary.medianRun.phases;
    const { saved, warnings } = summary.medianRun;
    lines.push(
      `| ${result.database} | ${file.kind} | ${rows} | ${secondsText(summary.medianSeconds)} | ${secondsText(summary.worstSeconds)} | ${secondsText(readSeconds)} / ${secondsText(understandSeconds)} / ${secondsText(saveSeconds)} | ${megabytesText(summary.medianRun.rssBeforeBytes)} | ${megabytesText(summary.medianPeakBytes)} | ${megabytesText(summary.worstPeakBytes)} | ${saved.actions.toLocaleString('en-GB')} / ${saved.themes} / ${saved.updates.toLocaleString('en-GB')} | ${warnings.toLocaleString('en-GB')} | ${summary.missed.length === 0 ? 'PASS' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

/** What the importer warned about, per file (from its first successful run: the same file warns the same way). */
export function warningNotes(results: CaseResult[]): string[] {
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const result of results) {
    const first = outcomes(result)[0];
    if (!first || seen.has(result.file.path)) continue;
    seen.add(result.file.path);
    if (first.warnings === 0) notes.push(`The ${result.file.kind} import gave no warnings.`);
    else
      notes.push(
        `The ${result.file.kind} import gave ${first.warnings.toLocaleString('en-GB')} warnings: ${first.warningKinds
          .map((kind) => `${kind.count.toLocaleString('en-GB')} × “${kind.example}”`)
          .join('; ')}.`,
      );
  }
  return notes;
}

/** A busy machine explains slow figures better than a slow importer does; both are worth seeing. */
export function loadNote(run: ImportSpeedRun): string {
  const { before, after } = run.loadAverage;
  return `Load average (1 minute) ${before.toFixed(1)} as the imports began and ${after.toFixed(1)} as they ended, on ${os.cpus().length} cores.`;
}

function describeFile(file: ImportFile): string {
  return `\`${file.path}\` (${(file.bytes / 1024).toFixed(0)} KB; ${describeExpected(file)})`;
}

export interface ImportRecord {
  date: string;
  machine: string;
  command: string;
  seed: number;
  runs: number;
  run: ImportSpeedRun;
}

export function docSection(record: ImportRecord): string {
  const { run } = record;
  const verdictLines = verdicts(run.results);
  const missed = verdictLines.filter((line) => line.startsWith('FAIL'));
  return [
    `Last run ${record.date} with \`${record.command}\` on ${record.machine}.`,
    '',
    `Files (seed ${record.seed}): ${run.files.map(describeFile).join(' and ')}. Each imported ${record.runs} times per database, each time in a new Node process into a fresh, migrated database.`,
    loadNote(run),
    `Targets: under ${targets.seconds} s (median of the runs) and peak memory under ${megabytesText(targets.peakBytes)} (worst run).`,
    '',
    missed.length === 0
      ? '**All targets met.**'
      : `**Targets not met (${missed.length} of ${verdictLines.length} cases):**`,
    ...missed.map((line) => `- ${line}`),
    '',
    resultsTable(run.results),
    '',
    ...warningNotes(run.results).map((line) => `- ${line}`),
    ...run.notes.map((line) => `- ${line}`),
  ].join('\n');
}

function secondsText(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/** Decimal megabytes, as the target is written ("300 MB"). */
function megabytesText(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}
