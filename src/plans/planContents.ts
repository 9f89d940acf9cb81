// Loads a whole plan in a fixed number of queries, whatever its size: the plan page, the API and exports read it.
import type { Kysely } from 'kysely';
import type {
  ActionRow,
  Database,
  HorizonRow,
  OwnerRow,
  PlanRow,
  ThemeRow,
  UpdateRow,
} from '../db/schema.js';
import { NotFoundError } from '../errors.js';

export type ThemeWithLead = ThemeRow & { lead: string | null };
export type ActionWithOwnerNames = ActionRow & { owners: string[] };

export interface PlanContents {
  plan: PlanRow;
  horizons: HorizonRow[];
  themes: ThemeWithLead[];
  actions: ActionWithOwnerNames[];
  /** Owners named by the plan's actions and theme leads. */
  owners: OwnerRow[];
  /** Updates, oldest first: all of them, or only the themes' when the caller asked for less. */
  updates: UpdateRow[];
}

export interface LoadOptions {
  /** 'all' for exports; 'themes' for the plan page, which shows focus-area updates but not every action's. */
  updates: 'all' | 'themes';
}

export async function loadPlanContents(
  db: Kysely<Database>,
  slug: string,
  options: LoadOptions,
): Promise<PlanContents> {
  const plan = await db.selectFrom('plans').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!plan) throw new NotFoundError(`Plan "${slug}"`);
  const [horizons, themes, actions, ownerLinks, owners, updates] = await Promise.all([
    db
      .selectFrom('horizons')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('themes')
      .leftJoin('owners', 'owners.id', 'themes.lead_owner_id')
      .selectAll('themes')
      .select('owners.name as lead')
      .where('themes.plan_id', '=', plan.id)
      .orderBy('themes.position')
      .orderBy('themes.id')
      .execute(),
    db
      .selectFrom('actions')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('action_owners')
      .innerJoin('actions', 'actions.id', 'action_owners.action_id')
      .select(['action_owners.action_id', 'action_owners.owner_id'])
      .where('actions.plan_id', '=', plan.id)
      .orderBy('action_owners.action_id')
      .orderBy('action_owners.position')
      .execute(),
    db
      .selectFrom('owners')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(
            'id',
            'in',
            eb
              .selectFrom('action_owners')
              .innerJoin('actions', 'actions.id', 'action_owners.action_id')
              .select('action_owners.owner_id')
              .where('actions.plan_id', '=', plan.id),
          ),
          eb(
            'id',
            'in',
            eb
              .selectFrom('themes')
              .select('lead_owner_id')
              .where('plan_id', '=', plan.id)
              .where('lead_owner_id', 'is not', null),
          ),
        ]),
      )
      .execute(),
    db
      .selectFrom('updates')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .$if(options.updates === 'themes', (q) => q.where('theme_id', 'is not', null))
      .orderBy('effective_on')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  const ownerNames = new Map(owners.map((owner) => [owner.id, owner.name]));
  const namesByAction = new Map<string, string[]>();
  for (const link of ownerLinks) {
    const list = namesByAction.get(link.action_id) ?? [];
    list.push(ownerNames.get(link.owner_id) ?? '');
    namesByAction.set(link.action_id, list);
  }
  return {
    plan,
    horizons,
    themes,
    actions: actions.map((action) => ({ ...action, owners: namesByAction.get(action.id) ?? [] })),
    owners: owners.sort(byNameKey),
    updates,
  };
}

/**
 * Owners in the order of their name keys, compared as text is stored rather than by a database's collation, so that
 * both databases, and the plan as rebuilt from its history (src/history/planAsAt.ts), list them alike.
 */
export function byNameKey(a: OwnerRow, b: OwnerRow): number {
  return a.name_key < b.name_key ? -1 : a.name_key > b.name_key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
