// Rewrites one benchmark's figures in docs/performance.md, between its start and end markers, leaving the rest alone.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function rewriteSection(file: string, name: string, content: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = await readFile(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  // A hand edit that lost a marker must be fixed by hand; guessing where the figures go could eat prose.
  if (from === -1 || to === -1 || to < from)
    throw new Error(`${file} needs the markers ${start} and ${end}, in that order`);
  const rewritten = `${text.slice(0, from + start.length)}\n${content.trim()}\n${text.slice(to)}`;
  await writeFile(file, rewritten);
}

/**
 * How a benchmark ends: refused (exit 1, the figures left unrecorded) when anything made them invalid, printed only on
 * a quick run, else its section rewritten. `section` is drawn only when it is written.
 */
export async function recordFigures(
  say: (line: string) => void,
  figures: {
    projectRoot: string;
    /** The section's marker name, and the benchmark's name in its messages ("Export"). */
    name: string;
    label: string;
    failures: string[];
    /** No database could be measured. */
    unmeasured?: boolean;
    writeDocs: boolean;
    section: () => string;
  },
): Promise<number> {
  if (figures.failures.length > 0 || figures.unmeasured) {
    say(`\n!!!!!!!! ${figures.label.toUpperCase()} BENCHMARK FAILED: these figures are not valid !!!!!!!!`);
    for (const line of figures.failures) say(`  - ${line}`);
    if (figures.unmeasured) say('  - none of the databases asked for could be reached');
    say('docs/performance.md was left unchanged.');
    return 1;
  }
  if (!figures.writeDocs) {
    say('\n(Quick run: docs/performance.md left unchanged; add --docs to record these figures.)');
    return 0;
  }
  await rewriteSection(join(figures.projectRoot, 'docs', 'performance.md'), figures.name, figures.section());
  say(`\n${figures.label} figures written to docs/performance.md.`);
  return 0;
}
