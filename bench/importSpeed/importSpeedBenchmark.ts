// The import-speed part of `npm run bench`: measure, print the verdicts, and record the figures unless the run failed.
import { join } from 'node:path';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';
import { describeExpected } from './generateImportFiles.js';
import { measureImports } from './measureImports.js';
import { docSection, failures, loadNote, resultsTable, verdicts, warningNotes } from './importSpeedReport.js';

/** Returns the exit code: 1 when an import failed or saved the wrong counts, whatever the speed. */
export async function importSpeedBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const { xlsxRows, docxRows, runs } = options.importSize;
  say(
    `Import-speed benchmark${options.quick ? ' (quick)' : ''}: a ${xlsxRows.toLocaleString('en-GB')}-row .xlsx and a ${docxRows.toLocaleString('en-GB')}-row .docx, ${runs} import${runs === 1 ? '' : 's'} of each per database.`,
  );
  const run = await measureImports(projectRoot, options, say);

  say(`\n${resultsTable(run.results)}\n`);
  for (const line of [...warningNotes(run.results), ...run.notes, loadNote(run)]) say(line);
  const verdictLines = verdicts(run.results);
  if (verdictLines.length > 0) say('');
  for (const line of verdictLines) say(line);
  const missed = verdictLines.some((line) => line.startsWith('FAIL'));

  const failed = failures(run);
  if (failed.length > 0 || run.nothingMeasured) {
    say('\n!!!!!!!! IMPORT BENCHMARK FAILED: these figures are not valid !!!!!!!!');
    for (const line of failed) say(`  - ${line}`);
    if (run.nothingMeasured) say('  - none of the databases asked for could be reached');
    for (const file of run.files) say(`  (${file.path} has ${describeExpected(file)})`);
    say('docs/performance.md was left unchanged.');
    return 1;
  }
  if (missed)
    say('\n*** TARGETS MISSED by the cases marked FAIL above; their figures are valid all the same. ***');
  if (!options.writeDocs) {
    say('\n(Quick run: docs/performance.md left unchanged; add --docs to record these figures.)');
    return 0;
  }
  await rewriteSection(
    join(projectRoot, 'docs', 'performance.md'),
    'import',
    docSection({
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(),
      command: options.command,
      seed: options.seed,
      runs,
      run,
    }),
  );
  say(
    `\nImport figures written to docs/performance.md${missed ? ', with the missed targets marked FAIL' : ''}.`,
  );
  return 0;
}
