// The newest update on each action of a plan, for the plan page, which does not load every update.
import type { UpdateRow } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';

/** Each action's newest update (by its date, then by when it was posted), one per action. */
export async function latestActionUpdates(db: Reader, planId: string): Promise<UpdateRow[]> {
  const rows = await db
    .selectFrom('updates as u')
    .selectAll('u')
    .where('u.plan_id', '=', planId)
    .where('u.action_id', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('updates as v')
            .select('v.id')
            .whereRef('v.action_id', '=', 'u.action_id')
            .where((eb) =>
              eb.or([
                eb('v.effective_on', '>', eb.ref('u.effective_on')),
                eb.and([
                  eb('v.effective_on', '=', eb.ref('u.effective_on')),
                  eb('v.created_at', '>', eb.ref('u.created_at')),
                ]),
              ]),
            ),
        ),
      ),
    )
    .orderBy('u.id')
    .execute();
  // Updates posted together (an import) share their date and time: one of them stands for the action.
  const byAction = new Map<string, UpdateRow>();
  for (const row of rows) if (!byAction.has(row.action_id!)) byAction.set(row.action_id!, row);
  return [...byAction.values()];
}

/** Each action's newest update among these (by its date, then by when it was posted), as latestActionUpdates picks. */
export function latestOfEachAction(updates: UpdateRow[]): UpdateRow[] {
  const byAction = new Map<string, UpdateRow>();
  for (const update of updates) {
    if (!update.action_id) continue;
    const held = byAction.get(update.action_id);
    const newer =
      !held ||
      update.effective_on > held.effective_on ||
      (update.effective_on === held.effective_on && update.created_at > held.created_at);
    if (newer) byAction.set(update.action_id, update);
  }
  return [...byAction.values()];
}
