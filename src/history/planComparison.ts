// The two moments a comparison is asked for, and the plan as it stood at each: by default the last published
// report and now.
import { InvalidInputError, NotFoundError } from '../errors.js';
import { loadPlanContents } from '../plans/planContents.js';
import { comparePlans, type PlanComparison } from './comparePlans.js';
import { asAtLabel, loadPlanAsAt } from './planAsAt.js';
import type { Reader } from './recordChange.js';

export interface ComparisonMoments {
  /** ISO instants; `to` undefined means now. */
  from?: string;
  to?: string;
}

export interface LoadedComparison {
  comparison: PlanComparison;
  /** "the last published report (January 2026, published 3 February 2026 at 10:00)", or where the start came from. */
  fromLabel: string;
  toLabel: string;
  /** The report the comparison starts from, when it does by default. */
  sinceReport: { id: string; period: string; publishedAt: string } | null;
}

/** The newest report of the plan that was published, for "since the last board". */
export async function lastPublishedReport(db: Reader, planId: string) {
  return db
    .selectFrom('reports')
    .select(['id', 'period_text', 'period_start', 'period_end', 'published_at'])
    .where('plan_id', '=', planId)
    .where('status', 'in', ['published', 'superseded'])
    .where('published_at', 'is not', null)
    .orderBy('published_at', 'desc')
    .executeTakeFirst();
}

/**
 * Compares the plan at `from` with the plan at `to`. Without `from`, from the last published report (or, before the
 * first, from when the plan was made); without `to`, now. A moment before the plan was made is taken as its making.
 */
export async function loadComparison(
  db: Reader,
  slug: string,
  moments: ComparisonMoments,
  now = new Date().toISOString(),
): Promise<LoadedComparison> {
  const plan = await db
    .selectFrom('plans')
    .select(['id', 'created_at'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!plan) throw new NotFoundError(`Plan "${slug}"`);
  // The plan stands from its first row of history, which may be written a moment after its created_at.
  const made = await db
    .selectFrom('history')
    .select((eb) => eb.fn.min('at').as('at'))
    .where('record_type', '=', 'plan')
    .where('record_id', '=', plan.id)
    .executeTakeFirst();
  const madeAt = made?.at && made.at > plan.created_at ? made.at : plan.created_at;
  const to = moments.to && moments.to < now ? moments.to : undefined;
  let from = moments.from;
  let sinceReport: LoadedComparison['sinceReport'] = null;
  let fromLabel: string;
  if (from === undefined) {
    const report = await lastPublishedReport(db, plan.id);
    if (report?.published_at) {
      from = report.published_at;
      const period = report.period_text || report.period_end || '';
      sinceReport = { id: report.id, period, publishedAt: report.published_at };
      fromLabel = `the last published report${period ? ` (${period})` : ''}, ${asAtLabel(from)}`;
    } else {
      from = madeAt;
      fromLabel = `when the plan was made, ${asAtLabel(from)}`;
    }
  } else {
    fromLabel = asAtLabel(from);
  }
  if (from < madeAt) {
    from = madeAt;
    fromLabel = `when the plan was made, ${asAtLabel(from)}`;
  }
  const end = to ?? now;
  if (from > end) {
    const message = 'The first date must be before the second';
    throw new InvalidInputError({ from: message }, message);
  }
  const [then, current] = await Promise.all([
    loadPlanAsAt(db, slug, from, { updates: 'all' }),
    to ? loadPlanAsAt(db, slug, to, { updates: 'all' }) : loadPlanContents(db, slug, { updates: 'all' }),
  ]);
  return {
    comparison: comparePlans(then, current, { from, to: end }),
    fromLabel,
    toLabel: to ? asAtLabel(to) : 'now',
    sinceReport,
  };
}
