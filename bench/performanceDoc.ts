// Rewrites one benchmark's figures in docs/performance.md, between its start and end markers, leaving the rest alone.
import { readFile, writeFile } from 'node:fs/promises';

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
