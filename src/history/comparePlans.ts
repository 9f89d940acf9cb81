// What changed in a plan between two moments, grouped by theme, in the words a board reads: actions added and
// removed, status and RAG changes with their reasons, target dates moved with theirs, owners changed, new updates.
import type { Rag, Status, UpdateRow } from '../db/schema.js';
import { formatUkDate } from '../dates/ukDate.js';
import type { ActionWithOwnerNames, PlanContents } from '../plans/planContents.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { excerpt } from './changeSentences.js';

/** An action as the comparison names it. */
export interface ComparedAction {
  id: string;
  ref: string;
  title: string;
}

export interface ActionChange extends ComparedAction {
  /** The status then and now, where it changed: "In progress" → "Complete". */
  status?: { from: string; to: string };
  /** The RAG then and now, where it changed, with the reason given now. */
  rag?: { from: string; to: string; reason: string };
  /** The date the action is held to then and now, as written, with the reason given for the move. */
  targetDate?: { from: string; to: string; reason: string };
  /** Owners then and now, where they changed. */
  owners?: { from: string[]; to: string[] };
}

export interface NewUpdate {
  id: string;
  /** The action or focus area it is on. */
  on: string;
  effectiveOn: string;
  author: string;
  /** The update's words, as a plain excerpt. */
  words: string;
  statusChange: string | null;
}

export interface ThemeComparison {
  /** The focus area's title now (or then, for one removed since); "No theme" for actions outside any. */
  theme: string;
  added: (ComparedAction & { status: string; owners: string[] })[];
  removed: ComparedAction[];
  changed: ActionChange[];
  newUpdates: NewUpdate[];
}

export interface ComparisonCounts {
  added: number;
  removed: number;
  statusChanges: number;
  ragChanges: number;
  dateMoves: number;
  ownerChanges: number;
  newUpdates: number;
}

export interface PlanComparison {
  /** The instants compared, as ISO strings. */
  from: string;
  to: string;
  counts: ComparisonCounts;
  /** Only themes with something to say, in the plan's order now, then those removed since, then "No theme". */
  themes: ThemeComparison[];
}

const noTheme = 'No theme';

function ragText(rag: Rag | null): string {
  return rag ? ragLabels[rag] : 'Not set';
}

function statusText(status: Status): string {
  return statusLabels[status];
}

/** The date an action is held to, in its own words: the revised date where there is one. */
function heldTo(action: ActionWithOwnerNames): string {
  return action.revised_target_text || action.target_text || 'No date';
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function changeOf(then: ActionWithOwnerNames, now: ActionWithOwnerNames): ActionChange | null {
  const change: ActionChange = { id: now.id, ref: now.ref, title: now.title };
  if (then.status !== now.status)
    change.status = { from: statusText(then.status), to: statusText(now.status) };
  if (then.rag !== now.rag)
    change.rag = { from: ragText(then.rag), to: ragText(now.rag), reason: excerpt(now.rag_reason) };
  if (heldTo(then) !== heldTo(now))
    change.targetDate = { from: heldTo(then), to: heldTo(now), reason: excerpt(now.revised_reason) };
  if (!sameList(then.owners, now.owners)) change.owners = { from: then.owners, to: now.owners };
  return change.status || change.rag || change.targetDate || change.owners ? change : null;
}

/**
 * Compares the plan as it stood at two moments (each from loadPlanAsAt or loadPlanContents with every update). An
 * action is filed under its theme now, or its theme then if it has since been removed.
 */
export function comparePlans(
  then: PlanContents,
  now: PlanContents,
  moments: { from: string; to: string },
): PlanComparison {
  const themeTitles = new Map<string, string>();
  for (const theme of [...then.themes, ...now.themes]) themeTitles.set(theme.id, theme.title);
  const order = [
    ...now.themes.map((t) => t.title),
    ...then.themes.map((t) => t.title).filter((title) => !now.themes.some((t) => t.title === title)),
    noTheme,
  ];
  const groups = new Map<string, ThemeComparison>();
  const group = (themeId: string | null): ThemeComparison => {
    const theme = (themeId && themeTitles.get(themeId)) || noTheme;
    let found = groups.get(theme);
    if (!found) {
      found = { theme, added: [], removed: [], changed: [], newUpdates: [] };
      groups.set(theme, found);
    }
    return found;
  };
  const counts: ComparisonCounts = {
    added: 0,
    removed: 0,
    statusChanges: 0,
    ragChanges: 0,
    dateMoves: 0,
    ownerChanges: 0,
    newUpdates: 0,
  };

  const before = new Map(then.actions.map((a) => [a.id, a]));
  const after = new Map(now.actions.map((a) => [a.id, a]));
  for (const action of now.actions) {
    const old = before.get(action.id);
    if (!old) {
      group(action.theme_id).added.push({
        id: action.id,
        ref: action.ref,
        title: action.title,
        status: statusText(action.status),
        owners: action.owners,
      });
      counts.added += 1;
      continue;
    }
    const change = changeOf(old, action);
    if (!change) continue;
    group(action.theme_id).changed.push(change);
    if (change.status) counts.statusChanges += 1;
    if (change.rag) counts.ragChanges += 1;
    if (change.targetDate) counts.dateMoves += 1;
    if (change.owners) counts.ownerChanges += 1;
  }
  for (const action of then.actions) {
    if (after.has(action.id)) continue;
    group(action.theme_id).removed.push({ id: action.id, ref: action.ref, title: action.title });
    counts.removed += 1;
  }

  const seen = new Set(then.updates.map((u) => u.id));
  const themesNow = new Map(now.themes.map((t) => [t.id, t]));
  const newUpdates = now.updates
    .filter((u) => !seen.has(u.id))
    .sort((a, b) => (a.effective_on < b.effective_on ? 1 : a.effective_on > b.effective_on ? -1 : 0));
  for (const update of newUpdates) {
    const action = update.action_id ? after.get(update.action_id) : undefined;
    const theme = update.theme_id ? themesNow.get(update.theme_id) : undefined;
    if (!action && !theme) continue;
    group(action ? action.theme_id : theme!.id).newUpdates.push(newUpdate(update, action, theme?.title));
    counts.newUpdates += 1;
  }

  const themes = [...groups.values()].sort((a, b) => order.indexOf(a.theme) - order.indexOf(b.theme));
  return { from: moments.from, to: moments.to, counts, themes };
}

function newUpdate(
  update: UpdateRow,
  action: ActionWithOwnerNames | undefined,
  themeTitle: string | undefined,
): NewUpdate {
  return {
    id: update.id,
    on: action ? [action.ref, action.title].filter(Boolean).join(' ') : `Focus area: ${themeTitle}`,
    effectiveOn: update.effective_on,
    author: update.author,
    words: excerpt(update.body),
    statusChange: update.status_change ? statusText(update.status_change) : null,
  };
}

/** "3 actions added, 1 removed, 4 status changes, …": the counts in words, leaving out what did not happen. */
export function comparisonSummary(counts: ComparisonCounts): string {
  const parts = [
    [counts.added, 'action added', 'actions added'],
    [counts.removed, 'action removed', 'actions removed'],
    [counts.statusChanges, 'status change', 'status changes'],
    [counts.ragChanges, 'RAG change', 'RAG changes'],
    [counts.dateMoves, 'target date moved', 'target dates moved'],
    [counts.ownerChanges, 'change of owner', 'changes of owner'],
    [counts.newUpdates, 'new update', 'new updates'],
  ] as const;
  const said = parts
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`);
  return said.length === 0 ? 'Nothing changed' : said.join(', ');
}

/** A change to an action as sentences: "Status: In progress → Complete", "RAG: Amber → Red: supplier withdrew". */
export function changeLines(change: ActionChange): string[] {
  const lines: string[] = [];
  const withReason = (line: string, reason: string) => (reason ? `${line}: ${reason}` : line);
  if (change.status) lines.push(`Status: ${change.status.from} → ${change.status.to}`);
  if (change.rag) lines.push(withReason(`RAG: ${change.rag.from} → ${change.rag.to}`, change.rag.reason));
  if (change.targetDate)
    lines.push(
      withReason(
        `Target date moved from '${change.targetDate.from}' to '${change.targetDate.to}'`,
        change.targetDate.reason,
      ),
    );
  if (change.owners) {
    const names = (list: string[]) => (list.length > 0 ? list.join(', ') : 'Nobody');
    lines.push(`Owner: ${names(change.owners.from)} → ${names(change.owners.to)}`);
  }
  return lines;
}

function named(action: ComparedAction): string {
  return [action.ref, action.title].filter(Boolean).join(' ');
}

/**
 * Everything a theme's comparison says, one sentence a line, as a board paper lists it: "New: 2.3 Leavers survey (Not
 * started, HR)", "Removed: …", "2.1 Wellbeing hub: Status: In progress → Complete; RAG: Amber → Red: supplier
 * withdrew", "Update on 2.1 Wellbeing hub, 7 August 2021, Sam Jones (status: Complete): The hub opened…".
 */
export function themeLines(theme: ThemeComparison): string[] {
  return [
    ...theme.added.map((a) => {
      const facts = [a.status, ...(a.owners.length > 0 ? [a.owners.join(', ')] : [])].join(', ');
      return `New: ${named(a)} (${facts})`;
    }),
    ...theme.removed.map((a) => `Removed: ${named(a)}`),
    ...theme.changed.map((c) => `${named(c)}: ${changeLines(c).join('; ')}`),
    ...theme.newUpdates.map((u) => {
      const who = [formatUkDate(u.effectiveOn), u.author].filter(Boolean).join(', ');
      const status = u.statusChange ? ` (status: ${u.statusChange})` : '';
      return `Update on ${u.on}, ${who}${status}${u.words ? `: ${u.words}` : ''}`;
    }),
  ];
}
