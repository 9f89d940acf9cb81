// Feeds thousands of damaged copies of the sample documents to every reader: each must end in a plan or a clear error.
import { describe, expect, it } from 'vitest';
import { readSample, type SampleName } from '../testing/samples.js';
import { zipFiles } from '../testing/zipFiles.js';
import { openZip } from './read/zip.js';
import { readSource } from './read/readSource.js';
import { ImportFileError } from './source.js';
import { understandDocument } from './understand/understandDocument.js';

const files: SampleName[] = [
  'staff-survey-action-plan.docx',
  'staff-survey-action-plan.xlsx',
  'staff-survey-action-plan.txt',
  'culture-highlight-report.docx',
  'culture-highlight-report.txt',
];
const perFile = 420; // 5 files × 420 = 2,100 mutated documents

/** A small seeded generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (bytes: Buffer, next: () => number) => Buffer;

const mutations: Record<string, Mutation> = {
  flipBytes(bytes, next) {
    const out = Buffer.from(bytes);
    const count = 1 + Math.floor(next() * 20);
    for (let i = 0; i < count; i++) out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
    return out;
  },
  truncate(bytes, next) {
    return bytes.subarray(0, Math.floor(next() * bytes.length));
  },
  insertJunk(bytes, next) {
    const at = Math.floor(next() * bytes.length);
    const junk = Buffer.from(
      Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256)),
    );
    return Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]);
  },
  duplicateChunk(bytes, next) {
    const start = Math.floor(next() * bytes.length);
    const end = Math.min(bytes.length, start + Math.floor(next() * 512));
    return Buffer.concat([bytes.subarray(0, end), bytes.subarray(start, end), bytes.subarray(end)]);
  },
  textDamage(bytes, next) {
    // Tabs, line breaks and angle brackets are what text readers lean on; move them about.
    const text = bytes.toString('latin1').split('');
    const specials = ['\t', '\n', '<', '>', '"', '\r', '\u0000', '&'];
    for (let i = 0; i < 30; i++)
      text[Math.floor(next() * text.length)] = specials[Math.floor(next() * specials.length)]!;
    return Buffer.from(text.join(''), 'latin1');
  },
};

/** The parts of a .docx or .xlsx, so that damage can be done inside the XML and the file zipped again. */
async function partsOf(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await openZip(bytes, { maxExpandedBytes: 50 * 1024 * 1024 });
  const parts = new Map<string, Buffer>();
  for (const name of zip.names) parts.set(name, (await zip.readBytes(name))!);
  return parts;
}

/** Damage inside one XML part: cut, repeat or drop a stretch of markup, or swap in stray characters. */
function damageXml(xml: string, next: () => number): string {
  const at = Math.floor(next() * xml.length);
  const length = 1 + Math.floor(next() * 200);
  switch (Math.floor(next() * 4)) {
    case 0:
      return xml.slice(0, at) + xml.slice(at + length);
    case 1:
      return xml.slice(0, at + length) + xml.slice(at, at + length) + xml.slice(at + length);
    case 2:
      return xml.slice(0, at);
    default:
      return (
        xml.slice(0, at) +
        ['<', '>', '&', '"', '</w:tc>', '<w:tr>', '<w:vMerge/>', '<w:gridSpan w:val="99999"/>'][
          Math.floor(next() * 8)
        ] +
        xml.slice(at)
      );
  }
}

async function importOnce(name: string, bytes: Buffer): Promise<'read' | 'refused'> {
  try {
    const doc = await readSource(name, bytes);
    understandDocument(doc);
    return 'read';
  } catch (error) {
    if (error instanceof ImportFileError) {
      expect(error.message.length).toBeGreaterThan(10);
      return 'refused';
    }
    throw new Error(`${name}: ${error instanceof Error ? error.stack : String(error)}`, { cause: error });
  }
}

describe('importing damaged documents', () => {
  for (const [fileIndex, file] of files.entries()) {
    it(
      `ends every one of ${perFile} damaged copies of ${file} in a plan or a clear error`,
      { timeout: 120_000 },
      async () => {
        const original = await readSample(file);
        const parts = file.endsWith('.txt') ? null : await partsOf(original);
        const xmlNames = parts ? [...parts.keys()].filter((n) => n.endsWith('.xml')) : [];
        const names = Object.keys(mutations);
        const outcomes = { read: 0, refused: 0 };
        for (let i = 0; i < perFile; i++) {
          const seed = fileIndex * 100_000 + i;
          const next = random(seed);
          const name = names[i % names.length]!;
          let damaged: Buffer;
          if (parts && i % 2 === 1) {
            const part = xmlNames[Math.floor(next() * xmlNames.length)]!;
            const copy = new Map(parts);
            copy.set(part, Buffer.from(damageXml(parts.get(part)!.toString('utf8'), next)));
            damaged = await zipFiles(copy);
          } else damaged = mutations[name]!(original, next);
          const outcome = await Promise.race([
            importOnce(file, damaged),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error(`${file} seed ${seed} (${name}) took over 10 s`)), 10_000),
            ),
          ]);
          outcomes[outcome] += 1;
        }
        expect(outcomes.read + outcomes.refused).toBe(perFile);
        // Damage that leaves a document readable must reach the understanding too, not only the refusals.
        expect(outcomes.read).toBeGreaterThan(perFile / 10);
      },
    );
  }
});
