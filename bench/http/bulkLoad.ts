// Writes described plans in bulk through the commands an import uses (createActions, postUpdates): history, owners and
// the search index are written as for any import, a few hundred records per statement, so 100,000 actions and
// 1,000,000 updates take minutes rather than hours.
import { createActions } from '../../src/actions/actionCommands.js';
import type { Db } from '../../src/db/connection.js';
import type { Actor } from '../../src/history/recordChange.js';
import { postUpdates, type UpdateSubject } from '../../src/updates/updateCommands.js';
import type { UpdateInput } from '../../src/updates/updateCommands.js';
import { createPlanWithThemes } from '../planLoad/loadPlans.js';
import { describePlans, type PlanSpec } from '../planLoad/planData.js';

const actor: Actor = { name: 'Benchmark loader' };

/** Actions per transaction, with their updates: one createActions and one postUpdates call each. */
const actionsPerTransaction = 500;

export interface BulkOptions {
  /**
   * A status-changing update is posted on its own (it checks and moves the action's status), so a million of them
   * would take hours; the plans added for scale leave the status as generated and post plain updates.
   */
  statusChanges: boolean;
}

export async function bulkLoadPlans(db: Db, plans: Iterable<PlanSpec>, options: BulkOptions): Promise<void> {
  for (const plan of plans) {
    const ids = await db.kysely.transaction().execute((trx) => createPlanWithThemes(trx, plan));
    for (let start = 0; start < plan.actions.length; start += actionsPerTransaction) {
      const batch = plan.actions.slice(start, start + actionsPerTransaction);
      await db.kysely.transaction().execute(async (trx) => {
        const created = await createActions(
          trx,
          actor,
          ids.planId,
          batch.map((action) => ({
            ...action.input,
            themeId: ids.themeIds[action.themeIndex] ?? null,
            horizonId: ids.horizonIds[action.horizonIndex] ?? null,
          })),
        );
        const items: { subject: UpdateSubject; input: UpdateInput }[] = batch.flatMap((action, i) =>
          action.updates.map((update) => ({
            subject: { actionId: created[i]!.id },
            input: options.statusChanges ? update : { ...update, statusChange: undefined },
          })),
        );
        await postUpdates(trx, actor, ids.planId, items);
      });
    }
  }
}

export interface ScaleSize {
  plans: number;
  actionsPerPlan: number;
  updates: number;
}

/**
 * Plans added to a database for scale, one at a time so that a million updates are never all in memory: each is
 * described from its own seed, with its own slug, after the plans already there.
 */
export function* scalePlans(size: ScaleSize, seed: number): Generator<PlanSpec> {
  for (let index = 0; index < size.plans; index++) {
    const updates = Math.floor(size.updates / size.plans) + (index < size.updates % size.plans ? 1 : 0);
    const [plan] = describePlans(
      { plans: 1, actions: size.actionsPerPlan, updates, measuredPlanActions: size.actionsPerPlan },
      seed + 1 + index,
    );
    const slug = `bench-scale-${String(index + 1).padStart(3, '0')}`;
    yield { ...plan!, input: { ...plan!.input, slug } };
  }
}
