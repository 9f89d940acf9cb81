// The list of plans with their actions counted by status, in two queries whatever the number of plans.
import type { Kysely } from 'kysely';
import type { Database, PlanRow, Status } from '../db/schema.js';
import { statuses } from './vocabulary.js';

export type PlanSummary = PlanRow & { counts: Record<Status, number>; total: number };

/** `readable`: the plans the reader may see (src/people/planAccess.ts); the others are left out entirely. */
export async function listPlans(
  db: Kysely<Database>,
  search?: string,
  readable: Set<string> | 'all' = 'all',
): Promise<PlanSummary[]> {
  if (readable !== 'all' && readable.size === 0) return [];
  const plans = await db
    .selectFrom('plans')
    .selectAll()
    .$if(readable !== 'all', (q) => q.where('id', 'in', [...(readable as Set<string>)]))
    .$if(Boolean(search), (q) =>
      q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['title']), 'like', `%${search!.toLowerCase()}%`),
          eb(eb.fn('lower', ['sponsor']), 'like', `%${search!.toLowerCase()}%`),
          eb(eb.fn('lower', ['source']), 'like', `%${search!.toLowerCase()}%`),
        ]),
      ),
    )
    .orderBy('title')
    .execute();
  const counts = await db
    .selectFrom('actions')
    .select(['plan_id', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .$if(readable !== 'all', (q) => q.where('plan_id', 'in', [...(readable as Set<string>)]))
    .groupBy(['plan_id', 'status'])
    .execute();
  const byPlan = new Map<string, Record<Status, number>>();
  for (const row of counts) {
    const planCounts =
      byPlan.get(row.plan_id) ?? (Object.fromEntries(statuses.map((s) => [s, 0])) as Record<Status, number>);
    planCounts[row.status] = Number(row.count);
    byPlan.set(row.plan_id, planCounts);
  }
  return plans.map((plan) => {
    const planCounts =
      byPlan.get(plan.id) ?? (Object.fromEntries(statuses.map((s) => [s, 0])) as Record<Status, number>);
    return { ...plan, counts: planCounts, total: Object.values(planCounts).reduce((a, b) => a + b, 0) };
  });
}
