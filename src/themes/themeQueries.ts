// Reads a theme with its lead, its own dated updates (newest first) and the actions under it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { updatesOn } from '../updates/updateCommands.js';

export async function themeWithUpdates(db: Kysely<Database>, planId: string, themeId: string) {
  const theme = await db
    .selectFrom('themes')
    .leftJoin('owners', 'owners.id', 'themes.lead_owner_id')
    .selectAll('themes')
    .select('owners.name as lead')
    .where('themes.id', '=', themeId)
    .where('themes.plan_id', '=', planId)
    .executeTakeFirst();
  if (!theme) throw new NotFoundError('Theme');
  const [updates, actions] = await Promise.all([
    updatesOn(db, planId, { themeId }),
    db
      .selectFrom('actions')
      .select(['id', 'ref', 'title', 'status'])
      .where('theme_id', '=', themeId)
      .orderBy('position')
      .execute(),
  ]);
  return { theme, updates, actions };
}

/** One page of a plan's themes in order, with their leads, and how many there are in all. */
export async function listThemePage(
  db: Kysely<Database>,
  planId: string,
  page: { limit: number; offset: number },
) {
  const [themes, counted] = await Promise.all([
    db
      .selectFrom('themes')
      .leftJoin('owners', 'owners.id', 'themes.lead_owner_id')
      .selectAll('themes')
      .select('owners.name as lead')
      .where('themes.plan_id', '=', planId)
      .orderBy('themes.position')
      .orderBy('themes.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('themes')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow(),
  ]);
  return { themes, total: Number(counted.count) };
}
