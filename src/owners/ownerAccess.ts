// Who may rename, merge or delete an owner: one owner is shared by every plan that names them.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ForbiddenError } from '../errors.js';
import type { Actor } from '../history/recordChange.js';

/** The plans an owner appears in: where they own an action or lead a theme. */
export async function plansOwnerAppearsIn(db: Kysely<Database>, ownerId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('action_owners')
    .innerJoin('actions', 'actions.id', 'action_owners.action_id')
    .select('actions.plan_id as planId')
    .where('action_owners.owner_id', '=', ownerId)
    .union(
      db.selectFrom('themes').select('themes.plan_id as planId').where('themes.lead_owner_id', '=', ownerId),
    )
    .execute();
  return new Set(rows.map((row) => row.planId));
}

/** Words for what is being done to the owner, as the refusal says them: "rename", "merge", "delete", "change". */
export type OwnerChangeVerb = 'rename' | 'change' | 'merge' | 'delete';

/**
 * Refuses unless the actor is an administrator or manages every plan the owner appears in: a change to a shared owner
 * changes those plans, so a manager of one plan cannot reach into another through it. An owner in no plan is the
 * directory's alone, kept by anyone the route lets in. An actor without a user (the command line, the demo loader)
 * already holds the database and is not asked. The refusal never names a plan, since the actor may not read it.
 */
export async function assertMayChangeOwner(
  db: Kysely<Database>,
  actor: Actor,
  owner: { id: string; name: string },
  verb: OwnerChangeVerb,
): Promise<void> {
  const plans = await plansOwnerAppearsIn(db, owner.id);
  if (plans.size === 0 || actor.userId === undefined) return;
  const user = await db.selectFrom('users').select('role').where('id', '=', actor.userId).executeTakeFirst();
  if (user?.role === 'admin') return;
  const managed = user
    ? await db
        .selectFrom('plan_members')
        .select('plan_id')
        .where('user_id', '=', actor.userId)
        .where('role', '=', 'manager')
        .where('plan_id', 'in', [...plans])
        .execute()
    : [];
  if (managed.length < plans.size)
    throw new ForbiddenError(
      `Only an administrator, or someone who manages every plan "${owner.name}" appears in, can ${verb} this owner: ` +
        'they appear in a plan you do not manage, so nothing was changed',
    );
}
