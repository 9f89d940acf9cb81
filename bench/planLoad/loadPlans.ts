// Writes the described plans through the app's own commands (history and all), many records per transaction.
import { createAction } from '../../src/actions/actionCommands.js';
import type { Db } from '../../src/db/connection.js';
import type { Actor, Trx } from '../../src/history/recordChange.js';
import { createPlan } from '../../src/plans/planCommands.js';
import { createTheme } from '../../src/themes/themeCommands.js';
import { postUpdate } from '../../src/updates/updateCommands.js';
import type { ActionSpec, PlanSpec } from './planData.js';

const actor: Actor = { name: 'Benchmark loader' };

/** Actions per transaction: large enough to be quick, small enough not to hold one huge transaction. */
const actionsPerTransaction = 100;

export interface PlanIds {
  planId: string;
  themeIds: string[];
  horizonIds: string[];
}

export async function loadPlans(db: Db, plans: PlanSpec[]): Promise<void> {
  for (const plan of plans) {
    const ids = await db.kysely.transaction().execute((trx) => createPlanWithThemes(trx, plan));
    for (let start = 0; start < plan.actions.length; start += actionsPerTransaction) {
      const batch = plan.actions.slice(start, start + actionsPerTransaction);
      await db.kysely.transaction().execute(async (trx) => {
        for (const action of batch) await createActionWithUpdates(trx, ids, action);
      });
    }
  }
}

export async function createPlanWithThemes(trx: Trx, plan: PlanSpec): Promise<PlanIds> {
  const created = await createPlan(trx, actor, plan.input);
  if (created.slug !== plan.input.slug)
    throw new Error(`Plan "${plan.input.slug}" already exists: the benchmark needs an empty database`);
  const horizons = await trx
    .selectFrom('horizons')
    .select('id')
    .where('plan_id', '=', created.id)
    .orderBy('position')
    .execute();
  const themeIds: string[] = [];
  for (const theme of plan.themes) {
    const { id } = await createTheme(trx, actor, created.id, theme.input);
    for (const update of theme.updates) await postUpdate(trx, actor, created.id, { themeId: id }, update);
    themeIds.push(id);
  }
  return { planId: created.id, themeIds, horizonIds: horizons.map((h) => h.id) };
}

async function createActionWithUpdates(trx: Trx, ids: PlanIds, action: ActionSpec): Promise<void> {
  const { id } = await createAction(trx, actor, ids.planId, {
    ...action.input,
    themeId: ids.themeIds[action.themeIndex] ?? null,
    horizonId: ids.horizonIds[action.horizonIndex] ?? null,
  });
  for (const update of action.updates) await postUpdate(trx, actor, ids.planId, { actionId: id }, update);
}
