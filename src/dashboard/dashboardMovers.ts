// The biggest movers since the last published report: the actions whose status, RAG or target date changed most,
// told in the words of the comparison ("Status: In progress → Complete", "RAG: Amber → Red: supplier withdrew").
import type { Rag } from '../db/schema.js';
import { changeLines, type ActionChange } from '../history/comparePlans.js';
import { excerpt } from '../history/changeSentences.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import type { ActionState } from './actionStates.js';

export interface Mover {
  planSlug: string;
  planTitle: string;
  actionId: string;
  ref: string;
  title: string;
  /** The change as sentences. */
  lines: string[];
  /** How far it moved: status 3, each step of RAG 2, a month of target date 1 (at most 6). */
  score: number;
}

/** At most this many movers are shown. */
export const moverCount = 5;

const ragRank: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

function ragSteps(from: Rag | null, to: Rag | null): number {
  if (from === to) return 0;
  if (from === null || to === null) return 1;
  return Math.abs(ragRank[from] - ragRank[to]);
}

function monthsMoved(from: string | null, to: string | null): number {
  if (!from || !to) return 1;
  const days = Math.abs(Date.parse(to) - Date.parse(from)) / 86_400_000;
  return Math.min(6, Math.max(1, Math.round(days / 30)));
}

export interface MoverAction {
  planSlug: string;
  planTitle: string;
  id: string;
  ref: string;
  title: string;
  ragReason: string;
  revisedReason: string;
  now: ActionState;
}

/** A change found and scored, its words not yet written: only the few shown are put into words. */
export interface ScoredChange {
  action: MoverAction;
  change: ActionChange;
  score: number;
}

/** The change of one action between the report and now, scored; null when neither status, RAG nor date moved. */
export function moverOf(action: MoverAction, then: ActionState): ScoredChange | null {
  const { now } = action;
  const change: ActionChange = { id: action.id, ref: action.ref, title: action.title };
  let score = 0;
  if (then.status !== now.status) {
    change.status = { from: statusLabels[then.status], to: statusLabels[now.status] };
    score += 3;
  }
  if (then.rag !== now.rag) {
    const label = (rag: Rag | null) => (rag ? ragLabels[rag] : 'Not set');
    change.rag = { from: label(then.rag), to: label(now.rag), reason: action.ragReason };
    score += 2 * ragSteps(then.rag, now.rag);
  }
  const before = { text: then.heldText, end: then.heldEnd };
  const after = { text: now.heldText, end: now.heldEnd };
  const words = (target: { text: string }) => target.text || 'No date';
  if (words(before) !== words(after)) {
    change.targetDate = { from: words(before), to: words(after), reason: action.revisedReason };
    score += monthsMoved(before.end, after.end);
  }
  return score === 0 ? null : { action, change, score };
}

/** Names in the order a reader expects: "1.2" before "1.10". */
const byWords = new Intl.Collator('en-GB', { numeric: true });

/**
 * The top changes, biggest first (ties by plan and reference). The top few of several plans together are among the
 * top few of each, so each plan's are kept and ranked again across plans.
 */
export function topChanges(changes: ScoredChange[]): ScoredChange[] {
  // Only those that can be among the first few are put in order by name: thousands may move in a large plan.
  const threshold = changes.map((c) => c.score).sort((a, b) => b - a)[moverCount - 1] ?? 0;
  return changes
    .filter((c) => c.score >= threshold)
    .sort(
      (a, b) =>
        b.score - a.score ||
        byWords.compare(a.action.planTitle, b.action.planTitle) ||
        byWords.compare(a.action.ref, b.action.ref) ||
        byWords.compare(a.action.title, b.action.title),
    )
    .slice(0, moverCount);
}

/** The top movers, biggest first (ties by plan and reference), in words: the reasons as plain excerpts. */
export function biggestMovers(changes: ScoredChange[]): Mover[] {
  return topChanges(changes).map(({ action, change, score }) => ({
    planSlug: action.planSlug,
    planTitle: action.planTitle,
    actionId: action.id,
    ref: action.ref,
    title: action.title,
    lines: changeLines({
      ...change,
      ...(change.rag ? { rag: { ...change.rag, reason: excerpt(change.rag.reason) } } : {}),
      ...(change.targetDate
        ? { targetDate: { ...change.targetDate, reason: excerpt(change.targetDate.reason) } }
        : {}),
    }),
    score,
  }));
}
