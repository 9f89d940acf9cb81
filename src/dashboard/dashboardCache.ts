// Each plan's part of the dashboard kept in memory at the plan's content version (moved by every change in the plan,
// src/history/contentVersion.ts), so that a dashboard opened again costs one small query, and a change in one plan
// builds that plan's part again, not every plan's, until the day turns. Every instance checks the versions in the
// database, so none serves figures another has made stale.
import type { Reader } from '../history/recordChange.js';
import { dashboardOf, type DashboardFigures } from './dashboardFigures.js';
import { loadPlanFigures, type PlanFigures } from './planFigures.js';

/** Plans' parts kept; the least recently used goes first. A part is a few kilobytes. */
const keptLimit = 1000;
const kept = new Map<string, { version: string; part: PlanFigures }>();

/**
 * The figures for these plans, the person's to read: only the parts of the plans asked for are added up, whatever
 * other parts are kept.
 */
export async function cachedDashboard(
  db: Reader,
  planIds: string[],
  groupKind: 'theme' | 'plan',
  today: string,
): Promise<DashboardFigures> {
  const rows =
    planIds.length === 0
      ? []
      : await db
          .selectFrom('plans')
          .select(['id', 'content_version'])
          .where('id', 'in', planIds)
          .orderBy('title')
          .execute();
  const keyOf = (planId: string) => `${today}|${planId}`;
  const parts = new Map<string, PlanFigures>();
  const stale: string[] = [];
  for (const row of rows) {
    const known = kept.get(keyOf(row.id));
    if (known?.version === String(row.content_version)) parts.set(row.id, known.part);
    else stale.push(row.id);
  }
  // Versions read before the parts: a change made meanwhile leaves them older than the part, never newer.
  for (const part of await loadPlanFigures(db, stale, today)) parts.set(part.id, part);
  for (const row of rows) {
    const part = parts.get(row.id);
    if (!part) continue;
    kept.delete(keyOf(row.id));
    kept.set(keyOf(row.id), { version: String(row.content_version), part });
  }
  while (kept.size > keptLimit) kept.delete(kept.keys().next().value!);
  return dashboardOf(
    rows.flatMap((row) => parts.get(row.id) ?? []),
    groupKind,
    today,
  );
}
