// Reads the owners directory with how much each owner holds, and one owner's actions across plans.
import { ownedActionColumns } from './ownedActions.js';
import type { Kysely } from 'kysely';
import type { Database, OwnerKind } from '../db/schema.js';
import { NotFoundError } from '../errors.js';

/** The directory, each owner with what they hold in the plans the reader may see (`readable`): counts say nothing of the others. */
export async function listOwners(
  db: Kysely<Database>,
  filters: { q?: string; kind?: OwnerKind },
  readable: Set<string> | 'all' = 'all',
) {
  const plans = readable === 'all' ? undefined : [...readable, ''];
  const [owners, actionCounts, openCounts, leadCounts] = await Promise.all([
    db
      .selectFrom('owners')
      .selectAll()
      .$if(Boolean(filters.q), (q) => q.where('name_key', 'like', `%${filters.q!.toLowerCase()}%`))
      .$if(Boolean(filters.kind), (q) => q.where('kind', '=', filters.kind!))
      .orderBy('name_key')
      .execute(),
    db
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .select(['action_owners.owner_id', (eb) => eb.fn.countAll<number>().as('count')])
      .$if(plans !== undefined, (q) => q.where('actions.plan_id', 'in', plans!))
      .groupBy('action_owners.owner_id')
      .execute(),
    db
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .select(['action_owners.owner_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('actions.status', 'not in', ['complete', 'cancelled'])
      .$if(plans !== undefined, (q) => q.where('actions.plan_id', 'in', plans!))
      .groupBy('action_owners.owner_id')
      .execute(),
    db
      .selectFrom('themes')
      .select(['lead_owner_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('lead_owner_id', 'is not', null)
      .$if(plans !== undefined, (q) => q.where('plan_id', 'in', plans!))
      .groupBy('lead_owner_id')
      .execute(),
  ]);
  const count = (rows: { count: number }[], key: (row: never) => string | null) =>
    new Map(rows.map((row) => [key(row as never), Number(row.count)]));
  const actions = count(actionCounts, (row: { owner_id: string }) => row.owner_id);
  const open = count(openCounts, (row: { owner_id: string }) => row.owner_id);
  const leads = count(leadCounts, (row: { lead_owner_id: string | null }) => row.lead_owner_id);
  return owners.map((owner) => ({
    ...owner,
    actionCount: actions.get(owner.id) ?? 0,
    openCount: open.get(owner.id) ?? 0,
    themeCount: leads.get(owner.id) ?? 0,
  }));
}

/** One owner with their actions and themes, in the plans the reader may see (`readable`) only. */
export async function ownerWithWork(
  db: Kysely<Database>,
  ownerId: string,
  readable: Set<string> | 'all' = 'all',
) {
  const plans = readable === 'all' ? undefined : [...readable, ''];
  const owner = await db.selectFrom('owners').selectAll().where('id', '=', ownerId).executeTakeFirst();
  if (!owner) throw new NotFoundError('Owner');
  const [actions, themes] = await Promise.all([
    db
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .innerJoin('plans', 'plans.id', 'actions.plan_id')
      .select([...ownedActionColumns, 'plans.slug as planSlug', 'plans.title as planTitle'])
      .where('action_owners.owner_id', '=', ownerId)
      .$if(plans !== undefined, (q) => q.where('plans.id', 'in', plans!))
      .orderBy('plans.title')
      .orderBy('actions.position')
      .execute(),
    db
      .selectFrom('themes')
      .innerJoin('plans', 'plans.id', 'themes.plan_id')
      .select([
        'themes.id',
        'themes.title',
        'themes.status',
        'plans.slug as planSlug',
        'plans.title as planTitle',
      ])
      .where('themes.lead_owner_id', '=', ownerId)
      .$if(plans !== undefined, (q) => q.where('plans.id', 'in', plans!))
      .orderBy('plans.title')
      .orderBy('themes.position')
      .execute(),
  ]);
  return { owner, actions, themes };
}
