// Describes the benchmark's plans as the inputs a person would type, deterministically from a seed.
import type { ActionInput } from '../../src/actions/actionCommands.js';
import type { Rag, Status } from '../../src/db/schema.js';
import type { PlanInput } from '../../src/plans/planCommands.js';
import type { ThemeInput } from '../../src/themes/themeCommands.js';
import type { UpdateInput } from '../../src/updates/updateCommands.js';
import { seededRandom, type SeededRandom } from '../seededRandom.js';
import {
  actionTitle,
  futureActionsText,
  horizonNames,
  ownerPool,
  planTitles,
  progressText,
  targetDateText,
  themeTitles,
  updateText,
} from './wording.js';

export interface DataSize {
  plans: number;
  actions: number;
  updates: number;
  /** Actions in the plan that is measured; the other plans share the rest. */
  measuredPlanActions: number;
}

export interface ThemeSpec {
  input: ThemeInput;
  updates: UpdateInput[];
}

export interface ActionSpec {
  input: Omit<ActionInput, 'themeId' | 'horizonId'>;
  themeIndex: number;
  horizonIndex: number;
  updates: UpdateInput[];
}

export interface PlanSpec {
  input: PlanInput & { slug: string; horizons: string[] };
  themes: ThemeSpec[];
  actions: ActionSpec[];
}

const updatesPerTheme = 2;

/** Plans in order; the first is the measured plan with exactly `measuredPlanActions` actions. */
export function describePlans(size: DataSize, seed: number): PlanSpec[] {
  const random = seededRandom(seed);
  const owners = ownerPool(random);
  const actionCounts = [
    size.measuredPlanActions,
    ...shareOut(random, size.actions - size.measuredPlanActions, size.plans - 1),
  ];
  const updateCounts = proportion(size.updates, actionCounts);
  return actionCounts.map((actions, index) =>
    describePlan(random, owners, index, actions, updateCounts[index]!),
  );
}

/** Splits `total` into `parts` uneven whole shares (real plans differ in size) that add up exactly. */
function shareOut(random: SeededRandom, total: number, parts: number): number[] {
  if (parts <= 0) return [];
  const weights = Array.from({ length: parts }, () => 0.5 + random.next());
  return proportion(total, weights);
}

/** Whole numbers proportional to `weights` summing to `total` (largest remainder). */
function proportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  const order = exact.map((value, i) => [value - Math.floor(value), i] as const).sort((a, b) => b[0] - a[0]);
  const missing = total - shares.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) shares[order[k]![1]]! += 1;
  return shares;
}

function describePlan(
  random: SeededRandom,
  owners: string[],
  index: number,
  actionCount: number,
  updateCount: number,
): PlanSpec {
  const title = planTitles[index % planTitles.length]!;
  const themeCount = random.int(5, 8);
  const themeUpdates = Math.min(updateCount, themeCount * updatesPerTheme);
  const themes = Array.from({ length: themeCount }, (_, t) => describeTheme(random, owners, t));
  // Theme updates come first from the plan's share; the rest fall on actions at random, so some have many, some none.
  let left = themeUpdates;
  for (const theme of themes) {
    const count = Math.min(left, updatesPerTheme);
    theme.updates = datedUpdates(random, owners, count, false);
    left -= count;
  }
  const perAction = new Array<number>(actionCount).fill(0);
  for (let u = 0; u < updateCount - themeUpdates && actionCount > 0; u++)
    perAction[random.int(0, actionCount - 1)]! += 1;
  const code = `P${String(index + 1).padStart(2, '0')}`;
  return {
    input: {
      title,
      slug: index === 0 ? 'bench-measured-plan' : `bench-plan-${String(index + 1).padStart(2, '0')}`,
      source: `${title}: findings of the ${2021 + (index % 3)} review`,
      sponsor: random.pick(owners),
      marking: random.pick(['NOT PROTECTIVELY MARKED', 'OFFICIAL']),
      rag: random.pick<Rag>(['red', 'amber', 'green']),
      ragNote: progressText(random),
      summary: `${progressText(random)}\n\n${futureActionsText(random)}`,
      horizons: horizonNames,
    },
    themes,
    actions: perAction.map((updates, a) => describeAction(random, owners, code, a, themeCount, updates)),
  };
}

function describeTheme(random: SeededRandom, owners: string[], position: number): ThemeSpec {
  return {
    input: {
      title: themeTitles[position % themeTitles.length]!,
      lead: random.pick(owners),
      status: random.pick<Status>(['in_progress', 'ongoing', 'not_started']),
      rag: random.pick<Rag>(['red', 'amber', 'green']),
      progress: progressText(random),
      futureActions: futureActionsText(random),
    },
    updates: [],
  };
}

/** The measured plan's actions are numbered with this prefix, so a response can be checked for all of them. */
export function actionRef(planCode: string, position: number): string {
  return `${planCode}-${String(position + 1).padStart(4, '0')}`;
}

function describeAction(
  random: SeededRandom,
  owners: string[],
  planCode: string,
  position: number,
  themeCount: number,
  updateCount: number,
): ActionSpec {
  const ownerCount = random.chance(0.35) ? 2 : 1;
  const actionOwners = Array.from({ length: ownerCount }, () => random.pick(owners));
  return {
    input: {
      ref: actionRef(planCode, position),
      title: actionTitle(random),
      owners: actionOwners,
      status: random.weighted<Status>([
        ['not_started', 2],
        ['in_progress', 5],
        ['ongoing', 2],
        ['complete', 2],
        ['cancelled', 0.3],
      ]),
      rag: random.weighted<Rag | null>([
        ['green', 5],
        ['amber', 3],
        ['red', 1],
        [null, 1],
      ]),
      progress: progressText(random),
      futureActions: futureActionsText(random),
      targetDate: targetDateText(random),
    },
    themeIndex: random.int(0, themeCount - 1),
    horizonIndex: random.int(0, 1),
    updates: datedUpdates(random, actionOwners, updateCount, true),
  };
}

const movedStatuses: readonly (readonly [Status, number])[] = [
  ['in_progress', 4],
  ['ongoing', 2],
  ['complete', 3],
  ['cancelled', 0.5],
];

/** Updates a few weeks apart, oldest first as they would have been posted; some move the status. */
function datedUpdates(
  random: SeededRandom,
  authors: string[],
  count: number,
  canMoveStatus: boolean,
): UpdateInput[] {
  let day = Date.UTC(2021, 0, 4) + random.int(0, 900) * 86_400_000;
  return Array.from({ length: count }, () => {
    day += random.int(7, 45) * 86_400_000;
    return {
      effectiveOn: new Date(day).toISOString().slice(0, 10),
      author: random.pick(authors),
      body: updateText(random),
      ...(canMoveStatus && random.chance(0.2) ? { statusChange: random.weighted(movedStatuses) } : {}),
    };
  });
}
