// Writes the benchmark's seeded files to import under .bench/ (git-ignored): a workbook and a Word document.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchOptions } from '../options.js';
import { describeImportedPlan, type ImportedPlan } from './importedPlan.js';
import { writeWordDocument } from './writeWordDocument.js';
import { writeWorkbook } from './writeWorkbook.js';

export interface ImportFile {
  kind: 'xlsx' | 'docx';
  /** Relative to the project, for the report. */
  path: string;
  rows: number;
  bytes: number;
  expected: ImportedPlan['expected'];
  generationSeconds: number;
}

export async function generateImportFiles(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<ImportFile[]> {
  await mkdir(join(projectRoot, '.bench'), { recursive: true });
  const { xlsxRows, docxRows } = options.importSize;
  return [
    await generate(projectRoot, 'xlsx', xlsxRows, options.seed, say),
    await generate(projectRoot, 'docx', docxRows, options.seed, say),
  ];
}

async function generate(
  projectRoot: string,
  kind: ImportFile['kind'],
  rows: number,
  seed: number,
  say: (line: string) => void,
): Promise<ImportFile> {
  const path = join('.bench', `import-${rows}-rows.${kind}`);
  const started = performance.now();
  // Word documents hold dates as typed words; only a workbook has real date cells.
  const plan = describeImportedPlan(rows, seed, kind === 'xlsx' ? 'mixed' : 'text');
  if (kind === 'xlsx') await writeWorkbook(plan, join(projectRoot, path));
  else await writeWordDocument(plan, join(projectRoot, path));
  const generationSeconds = (performance.now() - started) / 1000;
  const { size } = await stat(join(projectRoot, path));
  const file = { kind, path, rows, bytes: size, expected: plan.expected, generationSeconds };
  say(
    `  ${path}: ${(size / 1024).toFixed(0)} KB, ${describeExpected(file)}, written in ${generationSeconds.toFixed(1)} s`,
  );
  return file;
}

export function describeExpected({ expected }: Pick<ImportFile, 'expected'>): string {
  return `${expected.actions.toLocaleString('en-GB')} actions, ${expected.themes} themes, ${expected.updates.toLocaleString('en-GB')} dated entries`;
}
