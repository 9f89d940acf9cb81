// Loads the two sample plans through the same commands people use, one transaction per plan; plans already there are left alone.
import { createAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import type { Actor, Trx } from '../history/recordChange.js';
import { createPlan } from '../plans/planCommands.js';
import { createTheme } from '../themes/themeCommands.js';
import { postUpdate } from '../updates/updateCommands.js';
import { cultureHighlightPlan } from './cultureHighlightPlan.js';
import type { DemoPlan } from './demoPlan.js';
import { staffSurveyPlan } from './staffSurveyPlan.js';

export const demoPlans: readonly DemoPlan[] = [staffSurveyPlan, cultureHighlightPlan];

/** Thrown inside a plan's transaction to roll it back when another run loaded the same plan meanwhile. */
class AlreadyLoaded extends Error {}

export async function loadDemo(db: Db, actor: Actor): Promise<{ created: string[]; skipped: string[] }> {
  const created: string[] = [];
  const skipped: string[] = [];
  for (const demo of demoPlans) {
    const slug = demo.plan.slug;
    try {
      const loaded = await db.kysely.transaction().execute((trx) => loadPlan(trx, actor, demo));
      (loaded ? created : skipped).push(slug);
    } catch (error) {
      if (!(error instanceof AlreadyLoaded)) throw error;
      skipped.push(slug);
    }
  }
  return { created, skipped };
}

/** Returns false, writing nothing, when a plan with the sample's slug is already there. */
async function loadPlan(trx: Trx, actor: Actor, demo: DemoPlan): Promise<boolean> {
  const existing = await trx
    .selectFrom('plans')
    .select('id')
    .where('slug', '=', demo.plan.slug)
    .executeTakeFirst();
  if (existing) return false;
  const plan = await createPlan(trx, actor, demo.plan);
  // createPlan picks a free slug such as "staff-survey-2021-2" if the wanted one was taken after the check above.
  if (plan.slug !== demo.plan.slug) throw new AlreadyLoaded();

  const horizons = await trx
    .selectFrom('horizons')
    .select(['id', 'name'])
    .where('plan_id', '=', plan.id)
    .execute();
  const horizonIds = new Map(horizons.map((horizon) => [horizon.name, horizon.id]));
  const themeIds = new Map<string, string>();

  for (const { updates, ...input } of demo.themes) {
    const theme = await createTheme(trx, actor, plan.id, input);
    themeIds.set(theme.title, theme.id);
    for (const update of updates) await postUpdate(trx, actor, plan.id, { themeId: theme.id }, update);
  }
  for (const { updates, theme, horizon, ...input } of demo.actions) {
    const action = await createAction(trx, actor, plan.id, {
      ...input,
      themeId: theme === null ? null : lookUp(themeIds, theme, 'theme'),
      horizonId: horizon === null ? null : lookUp(horizonIds, horizon, 'horizon'),
    });
    for (const update of updates) await postUpdate(trx, actor, plan.id, { actionId: action.id }, update);
  }
  return true;
}

function lookUp(ids: Map<string, string>, name: string, kind: string): string {
  const id = ids.get(name);
  // A slip in the hand-entered data, not something a user can cause.
  if (id === undefined)
    throw new Error(`The sample data names a ${kind} "${name}" that the plan does not have`);
  return id;
}
