// The dashboard's figures kept in memory for each set of plans at their content versions (moved by every change in a
// plan, src/history/contentVersion.ts), so that a dashboard opened again costs one small query until something in
// one of its plans changes, or the day turns. Every instance checks the versions in the database, so none serves
// figures another has made stale.
import type { Reader } from '../history/recordChange.js';
import { loadDashboard, type DashboardFigures } from './dashboardFigures.js';

/** Sets of plans kept; the least recently used goes first. A set's figures are a few kilobytes. */
const keptLimit = 500;
const kept = new Map<string, { versions: string; figures: DashboardFigures }>();

export async function cachedDashboard(
  db: Reader,
  planIds: string[],
  groupKind: 'theme' | 'plan',
  today: string,
): Promise<DashboardFigures> {
  const rows =
    planIds.length === 0
      ? []
      : await db.selectFrom('plans').select(['id', 'content_version']).where('id', 'in', planIds).execute();
  const versions = rows
    .map((row) => `${row.id}:${row.content_version}`)
    .sort()
    .join(',');
  const key = `${groupKind}|${today}|${[...planIds].sort().join(',')}`;
  const known = kept.get(key);
  kept.delete(key);
  // Versions read before the figures: a change made meanwhile leaves them older than the figures, never newer.
  const figures =
    known?.versions === versions ? known.figures : await loadDashboard(db, planIds, groupKind, today);
  kept.set(key, { versions, figures });
  if (kept.size > keptLimit) kept.delete(kept.keys().next().value!);
  return figures;
}
