// The sample documents kept in the repository (samples/): real action plans that every importer test reads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../web/projectRoot.js';

export const sampleNames = [
  'staff-survey-action-plan.txt',
  'staff-survey-action-plan.docx',
  'staff-survey-action-plan.xlsx',
  'culture-highlight-report.txt',
  'culture-highlight-report.docx',
] as const;
export type SampleName = (typeof sampleNames)[number];

export function samplePath(name: SampleName): string {
  return join(projectRoot, 'samples', name);
}

export function readSample(name: SampleName): Promise<Buffer> {
  return readFile(samplePath(name));
}
