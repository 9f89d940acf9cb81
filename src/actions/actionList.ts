// One page of a plan's actions, filtered as on the plan page, read from the database a page at a time: a list of 100
// reads 100 actions and their owners, whatever the size of the plan, and the total is counted apart.
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import type { Database, Status } from '../db/schema.js';
import { todayIso } from '../dates/ukDate.js';
import { ownerNameKey } from '../owners/ownerCommands.js';
import type { ActionWithOwnerNames } from '../plans/planContents.js';
import { hasEveryWord, type PlanFilters } from '../plans/planView.js';

export type ActionListFilters = Pick<PlanFilters, 'status' | 'owner' | 'rag' | 'overdue' | 'q'> & {
  themeId?: string;
};

export interface ActionPage {
  actions: ActionWithOwnerNames[];
  total: number;
}

type ActionQuery<O> = SelectQueryBuilder<Database, 'actions', O>;

/**
 * isOverdue (src/dates/targetDate.ts) over effectiveTarget (src/plans/presenters.ts), said in SQL: open, and the date
 * it is now held to (the revised one where there is one) a read date that ended before today.
 * src/actions/actionList.test.ts checks the two agree.
 */
function overdue(eb: ExpressionBuilder<Database, 'actions'>, today: string) {
  return eb.and([
    eb('status', 'not in', ['complete', 'cancelled'] satisfies Status[]),
    eb.or([
      eb.and([
        eb('revised_target_text', '!=', ''),
        eb('revised_target_kind', '=', 'date'),
        eb('revised_target_end', '<', today),
      ]),
      eb.and([
        eb('revised_target_text', '=', ''),
        eb('target_kind', '=', 'date'),
        eb('target_end', '<', today),
      ]),
    ]),
  ]);
}

/** Every filter but the words, which are matched on plain text that the database does not hold (see below). */
function filtered<O>(query: ActionQuery<O>, planId: string, filters: ActionListFilters, today: string) {
  const { status, owner, rag, themeId } = filters;
  return query
    .where('actions.plan_id', '=', planId)
    .$if(status !== undefined, (q) => q.where('actions.status', '=', status!))
    .$if(rag === 'none', (q) => q.where('actions.rag', 'is', null))
    .$if(rag !== undefined && rag !== 'none', (q) => q.where('actions.rag', '=', rag as 'red'))
    .$if(themeId !== undefined, (q) => q.where('actions.theme_id', '=', themeId!))
    .$if(filters.overdue === true, (q) => q.where((eb) => overdue(eb, today)))
    .$if(owner !== undefined, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('action_owners')
            .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
            .select('action_owners.action_id')
            .whereRef('action_owners.action_id', '=', 'actions.id')
            .where('owners.name_key', '=', ownerNameKey(owner!)),
        ),
      ),
    );
}

/** The owners' names of these actions (or of all the plan's), in each action's order of owners. */
async function ownerNames(
  db: Kysely<Database>,
  of: { actionIds: string[] } | { planId: string },
): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if ('actionIds' in of && of.actionIds.length === 0) return names;
  const links = await db
    .selectFrom('action_owners')
    .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
    .innerJoin('actions', 'actions.id', 'action_owners.action_id')
    .select(['action_owners.action_id', 'owners.name'])
    .$if('actionIds' in of, (q) =>
      q.where('action_owners.action_id', 'in', (of as { actionIds: string[] }).actionIds),
    )
    .$if('planId' in of, (q) => q.where('actions.plan_id', '=', (of as { planId: string }).planId))
    .orderBy('action_owners.action_id')
    .orderBy('action_owners.position')
    .execute();
  for (const link of links) {
    const list = names.get(link.action_id) ?? [];
    list.push(link.name);
    names.set(link.action_id, list);
  }
  return names;
}

/**
 * The words are matched on the plain text of rich fields, as the plan page matches them: the candidates' text columns
 * (not their whole rows) are read and matched here, and only the page's rows are then read in full.
 */
async function idsHavingWords(
  db: Kysely<Database>,
  planId: string,
  filters: ActionListFilters,
  today: string,
): Promise<string[]> {
  const candidates = await filtered(
    db
      .selectFrom('actions')
      .select(['id', 'ref', 'title', 'progress', 'future_actions', 'target_text'])
      .orderBy('position')
      .orderBy('id'),
    planId,
    filters,
    today,
  ).execute();
  const owners = await ownerNames(db, { planId });
  return candidates
    .filter((action) => hasEveryWord({ ...action, owners: owners.get(action.id) ?? [] }, filters.q!))
    .map((action) => action.id);
}

export async function listActionPage(
  db: Kysely<Database>,
  planId: string,
  filters: ActionListFilters,
  page: { limit: number; offset: number },
  today = todayIso(),
): Promise<ActionPage> {
  let total: number;
  let rows;
  if (filters.q) {
    const ids = await idsHavingWords(db, planId, filters, today);
    total = ids.length;
    const pageIds = ids.slice(page.offset, page.offset + page.limit);
    rows =
      pageIds.length === 0
        ? []
        : await db
            .selectFrom('actions')
            .selectAll()
            .where('id', 'in', pageIds)
            .orderBy('position')
            .orderBy('id')
            .execute();
  } else {
    const [counted, found] = await Promise.all([
      filtered(
        db.selectFrom('actions').select((eb) => eb.fn.countAll<number | string>().as('count')),
        planId,
        filters,
        today,
      ).executeTakeFirstOrThrow(),
      filtered(db.selectFrom('actions').selectAll(), planId, filters, today)
        .orderBy('position')
        .orderBy('id')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
    ]);
    total = Number(counted.count);
    rows = found;
  }
  const owners = await ownerNames(db, { actionIds: rows.map((row) => row.id) });
  return { actions: rows.map((row) => ({ ...row, owners: owners.get(row.id) ?? [] })), total };
}
