// Turns a loaded plan into what the plan page shows: filtered, counted and grouped by theme or horizon.
import type { Status, UpdateRow } from '../db/schema.js';
import { isOverdue } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import { alreadySaid, oneLine, saidIn } from '../exports/actionPlanDocument.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import type { ActionWithOwnerNames, PlanContents } from './planContents.js';
import { effectiveTarget } from './presenters.js';
import { isRag, isStatus, statuses } from './vocabulary.js';

export interface PlanFilters {
  status?: Status;
  owner?: string;
  rag?: string;
  overdue?: boolean;
  q?: string;
  group: 'theme' | 'horizon';
}

export function readPlanFilters(query: Record<string, string | undefined>): PlanFilters {
  return {
    status: isStatus(query.status) ? query.status : undefined,
    owner: query.owner?.trim() || undefined,
    rag: isRag(query.rag) || query.rag === 'none' ? query.rag : undefined,
    overdue: query.overdue === 'true' || query.overdue === 'on',
    q: query.q?.trim() || undefined,
    group: query.group === 'horizon' ? 'horizon' : 'theme',
  };
}

export type ActionOnPage = ActionWithOwnerNames & { overdue: boolean };

function searchableText(
  action: Pick<
    ActionWithOwnerNames,
    'ref' | 'title' | 'owners' | 'progress' | 'future_actions' | 'target_text'
  >,
): string {
  return [
    action.ref,
    action.title,
    action.owners.join(' '),
    richTextToPlain(action.progress),
    richTextToPlain(action.future_actions),
    action.target_text,
  ]
    .join(' ')
    .toLowerCase();
}

export function actionMatches(action: ActionOnPage, filters: PlanFilters): boolean {
  if (filters.status && action.status !== filters.status) return false;
  if (filters.owner && !action.owners.some((name) => name.toLowerCase() === filters.owner!.toLowerCase()))
    return false;
  if (filters.rag && (filters.rag === 'none' ? action.rag !== null : action.rag !== filters.rag))
    return false;
  if (filters.overdue && !action.overdue) return false;
  if (filters.q && !hasEveryWord(action, filters.q)) return false;
  return true;
}

/** Whether an action's words (reference, title, owners, progress, future actions, target) hold every word of `q`. */
export function hasEveryWord(
  action: Pick<
    ActionWithOwnerNames,
    'ref' | 'title' | 'owners' | 'progress' | 'future_actions' | 'target_text'
  >,
  q: string,
): boolean {
  const text = searchableText(action);
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

export interface ActionGroup {
  key: string;
  title: string;
  subtitle: string | null;
  actions: (ActionOnPage & { latestUpdate: LatestUpdate | null })[];
}

export function countByStatus(actions: { status: Status }[]): Record<Status, number> {
  const counts = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<Status, number>;
  for (const action of actions) counts[action.status] += 1;
  return counts;
}

/** The plan's actions with whether each is overdue today, and those of them that the filters let through. */
export function filterActions(actions: ActionWithOwnerNames[], filters: PlanFilters, today = todayIso()) {
  const all: ActionOnPage[] = actions.map((action) => ({
    ...action,
    overdue: isOverdue(effectiveTarget(action), action.status, today),
  }));
  return { all, shown: all.filter((action) => actionMatches(action, filters)) };
}

/** An update as the plan's Progress column shows it: its date and its first lines of words. */
export interface LatestUpdate {
  effectiveOn: string;
  /** At most two lines, about 200 characters; the last ends in "…" where the update says more. */
  lines: string[];
}

export function latestUpdateSummary(
  update: Pick<UpdateRow, 'effective_on' | 'body'>,
  max = 200,
  plain = richTextToPlain(update.body),
): LatestUpdate {
  const all = plain
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const lines: string[] = [];
  let room = max;
  for (const line of all.slice(0, 2)) {
    if (room <= 0) break;
    // Cut at the last whole word that fits.
    lines.push(line.length <= room ? line : `${line.slice(0, room + 1).replace(/\s+\S*$/, '')}…`);
    room -= line.length;
  }
  if (lines.length < all.length && !lines.at(-1)!.endsWith('…')) lines.push(`${lines.pop()!}…`);
  return { effectiveOn: update.effective_on, lines };
}

/**
 * The latest update of each action that its progress and future actions do not already say, chosen as the
 * printable page chooses the updates it lists (`alreadySaid`).
 */
function latestUnsaid(actions: ActionWithOwnerNames[], latestUpdates: UpdateRow[]) {
  const byAction = new Map(latestUpdates.map((u) => [u.action_id, u]));
  const latest = new Map<string, LatestUpdate>();
  for (const action of actions) {
    const update = byAction.get(action.id);
    if (!update) continue;
    const plain = richTextToPlain(update.body);
    if (!alreadySaid(saidIn(action.progress, action.future_actions), oneLine(plain)))
      latest.set(action.id, latestUpdateSummary(update, undefined, plain));
  }
  return latest;
}

/** `latestUpdates`: each action's newest update, shown under its progress. */
export function buildPlanView(
  contents: PlanContents,
  filters: PlanFilters,
  latestUpdates: UpdateRow[] = [],
  today = todayIso(),
) {
  const filtered = filterActions(contents.actions, filters, today);
  const latest = latestUnsaid(contents.actions, latestUpdates);
  const all = filtered.all;
  const shown = filtered.shown.map((action) => ({ ...action, latestUpdate: latest.get(action.id) ?? null }));
  const groups: ActionGroup[] =
    filters.group === 'horizon'
      ? [
          ...contents.horizons.map((h) => ({
            key: h.id,
            title: h.name,
            subtitle: null,
            actions: shown.filter((a) => a.horizon_id === h.id),
          })),
          {
            key: 'none',
            title: 'No horizon',
            subtitle: null,
            actions: shown.filter((a) => a.horizon_id === null),
          },
        ]
      : [
          ...contents.themes.map((t) => ({
            key: t.id,
            title: t.title,
            subtitle: t.lead ? `Lead: ${t.lead}` : null,
            actions: shown.filter((a) => a.theme_id === t.id),
          })),
          {
            key: 'none',
            title: 'No theme',
            subtitle: null,
            actions: shown.filter((a) => a.theme_id === null),
          },
        ];
  const ownerNames = [...new Set(contents.actions.flatMap((a) => a.owners))].sort((a, b) =>
    a.localeCompare(b),
  );
  const updatesByTheme = new Map<string, typeof contents.updates>();
  for (const update of contents.updates) {
    if (!update.theme_id) continue;
    const list = updatesByTheme.get(update.theme_id) ?? [];
    list.push(update);
    updatesByTheme.set(update.theme_id, list);
  }
  return {
    total: all.length,
    shownCount: shown.length,
    counts: countByStatus(all),
    overdueCount: all.filter((a) => a.overdue).length,
    groups: groups.filter((g) => g.actions.length > 0 || (g.key !== 'none' && !isFiltered(filters))),
    ownerNames,
    focusAreas: contents.themes
      .filter(
        (t) => t.progress !== '' || t.future_actions !== '' || t.status !== null || updatesByTheme.has(t.id),
      )
      .map((t) => ({ ...t, updates: updatesByTheme.get(t.id) ?? [] })),
    filtered: isFiltered(filters),
  };
}

export function isFiltered(filters: PlanFilters): boolean {
  return Boolean(filters.status || filters.owner || filters.rag || filters.overdue || filters.q);
}
