// Describes the plan written into the benchmark's generated .xlsx and .docx, deterministically from a seed.
import { seededRandom, type SeededRandom } from '../seededRandom.js';
import {
  actionTitle,
  futureActionsText,
  ownerPool,
  progressText,
  targetDateText,
  themeTitles,
  updateText,
} from '../planLoad/wording.js';

/** A target date as a spreadsheet holds it: a real date cell, or the words someone typed. */
export type TargetCell = { date: Date } | { text: string };

export interface ImportedRow {
  ref: string;
  title: string;
  owners: string[];
  progress: string;
  /** Dated entries written after the progress ("Update 7/8/21: ..."), each its own paragraph; the importer makes them updates. */
  entries: string[];
  /** Points written as a bulleted list in the Word document; as lines in the spreadsheet. */
  progressPoints: string[];
  futureActions: string[];
  target: TargetCell;
  status: string;
  rag: string;
}

export interface ImportedTheme {
  title: string;
  rows: ImportedRow[];
}

export interface ImportedPlan {
  title: string;
  marking: string;
  themes: ImportedTheme[];
  /** What a correct import saves: one action per row, the themes, one update per dated entry. */
  expected: { actions: number; themes: number; updates: number };
}

const themeCount = 10;

export function describeImportedPlan(rows: number, seed: number, dates: 'mixed' | 'text'): ImportedPlan {
  const random = seededRandom(seed);
  const owners = ownerPool(random);
  const sizes = shareOut(random, rows, Math.min(themeCount, rows));
  let updates = 0;
  const themes = sizes.map((size, t) => {
    const theme: ImportedTheme = { title: themeTitles[t % themeTitles.length]!, rows: [] };
    for (let r = 0; r < size; r++) {
      const row = describeRow(random, owners, `${t + 1}.${r + 1}`, dates);
      updates += row.entries.length;
      theme.rows.push(row);
    }
    return theme;
  });
  return {
    title: 'Staff survey action plan 2024',
    marking: 'OFFICIAL',
    themes,
    expected: { actions: rows, themes: themes.length, updates },
  };
}

/** Splits `total` rows into `parts` uneven themes (real themes differ in size), each with at least one row. */
function shareOut(random: SeededRandom, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => 0.5 + random.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => 1 + Math.floor(((total - parts) * w) / sum));
  // Rounding down leaves a few rows over; they go one each to the first themes.
  let left = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i++, left--) sizes[i % parts]! += 1;
  return sizes;
}

function describeRow(
  random: SeededRandom,
  owners: string[],
  ref: string,
  dates: 'mixed' | 'text',
): ImportedRow {
  const progress = progressText(random);
  // About four rows in ten carry dated entries, as plans updated in place over months do.
  const entryCount = random.weighted([
    [0, 6],
    [1, 2],
    [2, 1.2],
    [3, 0.8],
  ]);
  let day = Date.UTC(2021, 0, 4) + random.int(0, 700) * 86_400_000;
  const entries = Array.from({ length: entryCount }, () => {
    day += random.int(14, 90) * 86_400_000;
    return `${entryMarker(random, new Date(day))} ${updateText(random)}`;
  });
  return {
    ref,
    title: actionTitle(random),
    owners: distinctOwners(random, owners, random.chance(0.3) ? 2 : 1),
    progress,
    entries,
    progressPoints: random.chance(0.25) ? [futureActionsText(random), futureActionsText(random)] : [],
    futureActions: Array.from({ length: random.int(1, 3) }, () => futureActionsText(random)),
    target:
      dates === 'mixed' && random.chance(0.4) ? { date: realDate(random) } : { text: targetDateText(random) },
    status: random.weighted([
      ['Complete', 2],
      ['In progress', 4],
      ['On track', 1],
      ['Ongoing', 2],
      ['Not started', 2],
      ['Behind', 0.5],
      ['Cancelled', 0.3],
    ]),
    rag: random.weighted([
      ['Green', 4],
      ['Amber', 3],
      ['Red', 1],
      ['A/G', 0.5],
      ['', 1],
    ]),
  };
}

function distinctOwners(random: SeededRandom, owners: string[], count: number): string[] {
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(random.pick(owners));
  return [...chosen];
}

/** The ways people date an entry inside a cell: "Update 7/8/21:", "Update 12.8.21 -", "Updated on 03/09/2022:". */
function entryMarker(random: SeededRandom, day: Date): string {
  const d = day.getUTCDate();
  const m = day.getUTCMonth() + 1;
  const y = day.getUTCFullYear();
  return random.weighted<() => string>([
    [() => `Update ${d}/${m}/${String(y).slice(2)}:`, 5],
    [() => `Update ${d}.${m}.${String(y).slice(2)} -`, 2],
    [() => `Updated on ${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}:`, 2],
  ])();
}

/** A real date cell, most often a month's or quarter's last day as plans tend to use. */
function realDate(random: SeededRandom): Date {
  const year = random.int(2021, 2025);
  const month = random.int(1, 12);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1, random.chance(0.6) ? lastDay : random.int(1, 28)));
}
