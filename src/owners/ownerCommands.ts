// The owners directory: people and teams that own actions or lead themes, found or added by name, kept in step with
// the plans that name them.
import { PostgresAdapter } from 'kysely';
import { nowIso } from '../db/migrations.js';
import { updateAtVersion } from '../db/versionedUpdate.js';
import { ownerLimits } from '../fieldLimits.js';
import type { ActionRow, OwnerKind, OwnerRow, ThemeRow } from '../db/schema.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, recordChanges, type Actor, type Change, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { FieldChecks } from '../validation.js';
import { reindexActions } from '../search/searchIndex.js';
import { assertMayChangeOwner, type OwnerChangeVerb } from './ownerAccess.js';

export const ownerKinds: readonly OwnerKind[] = ['person', 'team'];

/** Two spellings that differ only in case or spacing are the same owner. */
export function ownerNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

const teamWords =
  /\b(team|teams|comms|communications|leads|department|directorate|unit|group|board|office|services|all|hr|committee)\b/i;

/** A first guess for an owner typed as free text; the directory lets anyone correct it. */
export function guessOwnerKind(name: string): OwnerKind {
  return teamWords.test(name) ? 'team' : 'person';
}

export interface OwnerInput {
  name?: string;
  kind?: OwnerKind | '';
  email?: string;
}

function checkOwner(input: OwnerInput, existing?: OwnerRow) {
  const checks = new FieldChecks();
  const name = checks
    .text('name', 'a name', input.name ?? existing?.name, { required: true, max: ownerLimits.name })
    .replace(/\s+/g, ' ');
  const kind =
    checks.choice(
      'kind',
      'whether this is a person or a team',
      input.kind || existing?.kind || guessOwnerKind(name),
      ownerKinds,
    ) ?? 'person';
  const email = checks.text('email', 'an e-mail address', input.email ?? existing?.email, {
    max: ownerLimits.email,
  });
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    checks.fail('email', 'Enter an e-mail address like name@example.org');
  checks.done();
  return { name, kind, email };
}

function nameTaken(name: string): InvalidInputError {
  return new InvalidInputError({ name: `There is already an owner called "${name}"` });
}

/** Whether a failed statement broke the unique key on owners' names (a rename racing a create of the same name). */
function isNameKeyClash(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    (code === '23505' && /name_key/.test(message ?? '')) ||
    (code === 'SQLITE_CONSTRAINT_UNIQUE' && /owners\.name_key/.test(message ?? ''))
  );
}

function newOwner(values: ReturnType<typeof checkOwner>, createdAt: string): OwnerRow {
  return { id: newId(), ...values, name_key: ownerNameKey(values.name), version: 1, created_at: createdAt };
}

function ownerCreated(owner: OwnerRow): Change {
  return { recordType: 'owner', recordId: owner.id, planId: null, change: 'create', after: owner };
}

/**
 * Adds the owners whose name is not taken, and skips the rest without an error: another transaction may add the same
 * name between our look and our insert, and the unique key on the name decides who wins. Sorted by name so that two
 * transactions adding the same names wait for each other in the same order, never each for the other.
 */
async function insertOwnersIgnoringTaken(trx: Trx, owners: OwnerRow[]): Promise<bigint> {
  const sorted = [...owners].sort((a, b) => (a.name_key < b.name_key ? -1 : a.name_key > b.name_key ? 1 : 0));
  let inserted = 0n;
  for (let i = 0; i < sorted.length; i += 500) {
    const result = await trx
      .insertInto('owners')
      .values(sorted.slice(i, i + 500))
      .onConflict((oc) => oc.column('name_key').doNothing())
      .executeTakeFirst();
    inserted += result.numInsertedOrUpdatedRows ?? 0n;
  }
  return inserted;
}

export async function createOwner(trx: Trx, actor: Actor, input: OwnerInput): Promise<OwnerRow> {
  const values = checkOwner(input);
  const owner = newOwner(values, nowIso());
  if ((await insertOwnersIgnoringTaken(trx, [owner])) === 0n) throw nameTaken(values.name);
  await recordChange(trx, actor, ownerCreated(owner));
  return owner;
}

/** The owner with this name, added to the directory if new. */
export async function findOrCreateOwner(trx: Trx, actor: Actor, name: string): Promise<OwnerRow> {
  return (await findOrCreateOwners(trx, actor, [name])).get(ownerNameKey(name))!;
}

/**
 * The owners with these name keys. On PostgreSQL each is held with a key-share lock until the transaction ends, as
 * the link to it will hold it anyway: an owner being deleted or merged meanwhile is waited for and then not found
 * (so it is added afresh), rather than found now and gone by the time the action names it.
 */
async function ownersByKey(trx: Trx, keys: string[], into: Map<string, OwnerRow>): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000)
    for (const owner of await trx
      .selectFrom('owners')
      .selectAll()
      .where('name_key', 'in', keys.slice(i, i + 1000))
      .$if(isPostgres(trx), (q) => q.forKeyShare())
      .execute())
      into.set(owner.name_key, owner);
}

/**
 * The owners with these names, keyed by ownerNameKey, the new ones added to the directory: a few statements however
 * many names, so an import naming dozens of owners does not ask for each in turn. Safe when others name the same new
 * owner at the same moment: whoever adds it first wins, the rest read theirs back, and only the owners this
 * transaction added are written to history.
 */
export async function findOrCreateOwners(
  trx: Trx,
  actor: Actor,
  names: string[],
): Promise<Map<string, OwnerRow>> {
  const wanted = new Map<string, string>();
  for (const name of names) if (!wanted.has(ownerNameKey(name))) wanted.set(ownerNameKey(name), name);
  const owners = new Map<string, OwnerRow>();
  await ownersByKey(trx, [...wanted.keys()], owners);
  const now = nowIso();
  const proposed: OwnerRow[] = [];
  for (const [key, name] of wanted) if (!owners.has(key)) proposed.push(newOwner(checkOwner({ name }), now));
  if (proposed.length === 0) return owners;
  await insertOwnersIgnoringTaken(trx, proposed);
  await ownersByKey(
    trx,
    proposed.map((owner) => owner.name_key),
    owners,
  );
  // What is read back under a proposed name is ours only if it carries the id we proposed.
  await recordChanges(
    trx,
    actor,
    proposed.filter((owner) => owners.get(owner.name_key)?.id === owner.id).map(ownerCreated),
  );
  return owners;
}

function isPostgres(trx: Trx): boolean {
  return trx.getExecutor().adapter instanceof PostgresAdapter;
}

/** An action the owner owns, as its history shows it: with its owners' names in order. */
type OwnedAction = ActionRow & { owners: string[] };
/** A theme the owner leads, as its history shows it: with its lead's name. */
type LedTheme = ThemeRow & { lead: string | null };

interface OwnerWork {
  owner: OwnerRow;
  actions: OwnedAction[];
  themes: LedTheme[];
}

/**
 * The owner with every action they own and theme they lead, held still until the transaction ends. On PostgreSQL
 * the actions and themes are locked first, then the owner, in the order an edit of an action takes them (its row,
 * then its owners'), so the two wait for each other rather than deadlock; with the owner locked no one can name
 * them anew, so the plans they appear in cannot change between the check and the change. Anything named in between
 * is locked too. SQLite runs one writing transaction at a time, so there it is read as it stands.
 */
async function lockOwnerWithWork(trx: Trx, ownerId: string): Promise<OwnerWork> {
  const postgres = isPostgres(trx);
  const lockWork = async (locked: Set<string>) => {
    if (!postgres) return;
    const owned = trx.selectFrom('action_owners').select('action_id').where('owner_id', '=', ownerId);
    const actions = await trx
      .selectFrom('actions')
      .select('id')
      .where('id', 'in', owned)
      .orderBy('id')
      .forNoKeyUpdate()
      .execute();
    const themes = await trx
      .selectFrom('themes')
      .select('id')
      .where('lead_owner_id', '=', ownerId)
      .orderBy('id')
      .forNoKeyUpdate()
      .execute();
    for (const row of [...actions, ...themes]) locked.add(row.id);
  };
  const locked = new Set<string>();
  await lockWork(locked);
  const owner = await trx
    .selectFrom('owners')
    .selectAll()
    .where('id', '=', ownerId)
    .$if(postgres, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!owner) throw new NotFoundError('Owner');
  let work = await workOf(trx, owner);
  if ([...work.actions, ...work.themes].some((row) => !locked.has(row.id))) {
    await lockWork(locked);
    work = await workOf(trx, owner);
  }
  return work;
}

async function workOf(trx: Trx, owner: OwnerRow): Promise<OwnerWork> {
  const owned = trx.selectFrom('action_owners').select('action_id').where('owner_id', '=', owner.id);
  const [actions, names, themes] = await Promise.all([
    trx.selectFrom('actions').selectAll().where('id', 'in', owned).orderBy('id').execute(),
    trx
      .selectFrom('action_owners')
      .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
      .select(['action_owners.action_id', 'owners.name'])
      .where('action_owners.action_id', 'in', owned)
      .orderBy('action_owners.action_id')
      .orderBy('action_owners.position')
      .execute(),
    trx.selectFrom('themes').selectAll().where('lead_owner_id', '=', owner.id).orderBy('id').execute(),
  ]);
  const namesOf = new Map<string, string[]>();
  for (const row of names) namesOf.set(row.action_id, [...(namesOf.get(row.action_id) ?? []), row.name]);
  return {
    owner,
    actions: actions.map((action) => ({ ...action, owners: namesOf.get(action.id) ?? [] })),
    themes: themes.map((theme) => ({ ...theme, lead: owner.name })),
  };
}

/** Locks and reads the owner, then refuses an actor who may not change every plan they are in, or a stale version. */
async function startOwnerChange(
  trx: Trx,
  actor: Actor,
  ownerId: string,
  expectedVersion: number,
  verb: OwnerChangeVerb | ((owner: OwnerRow) => OwnerChangeVerb),
): Promise<OwnerWork> {
  const work = await lockOwnerWithWork(trx, ownerId);
  const { owner } = work;
  // Who may comes before which version: someone refused learns nothing from a conflict.
  await assertMayChangeOwner(trx, actor, owner, typeof verb === 'function' ? verb(owner) : verb);
  if (owner.version !== expectedVersion) throw new ConflictError('This owner', owner.version, owner);
  return work;
}

/**
 * What the owner's actions and themes become: each action's owner names and each theme's lead as `rewrite` says,
 * one version on and saved now, written to the history of its own plan. Only the version and the time are written
 * here; the caller changes the links themselves.
 */
async function touchWork(
  trx: Trx,
  actor: Actor,
  work: OwnerWork,
  rewrite: {
    owners: (names: string[]) => string[];
    lead: { id: string | null; name: string | null };
  },
): Promise<void> {
  const updatedAt = nowIso();
  const owned = trx.selectFrom('action_owners').select('action_id').where('owner_id', '=', work.owner.id);
  if (work.actions.length > 0)
    await trx
      .updateTable('actions')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: updatedAt }))
      .where('id', 'in', owned)
      .execute();
  if (work.themes.length > 0)
    await trx
      .updateTable('themes')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: updatedAt }))
      .where('lead_owner_id', '=', work.owner.id)
      .execute();
  const changes: Change[] = [
    ...work.actions.map((before): Change => ({
      recordType: 'action',
      recordId: before.id,
      planId: before.plan_id,
      change: 'update',
      before,
      after: {
        ...before,
        owners: rewrite.owners(before.owners),
        version: before.version + 1,
        updated_at: updatedAt,
      },
    })),
    ...work.themes.map((before): Change => ({
      recordType: 'theme',
      recordId: before.id,
      planId: before.plan_id,
      change: 'update',
      before,
      after: {
        ...before,
        lead_owner_id: rewrite.lead.id,
        lead: rewrite.lead.name,
        version: before.version + 1,
        updated_at: updatedAt,
      },
    })),
  ];
  await recordChanges(trx, actor, changes);
}

async function removeOwnerAtVersion(trx: Trx, before: OwnerRow): Promise<void> {
  const result = await trx
    .deleteFrom('owners')
    .where('id', '=', before.id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw new ConflictError('This owner', before.version + 1, before);
}

/**
 * Changes an owner's name, kind or e-mail address, from the version the edit started from. A new name shows on every
 * action and theme they hold, so each of those moves on a version and its plan's history shows the names before and
 * after; only an administrator or a manager of every such plan may do it.
 */
export async function updateOwner(
  trx: Trx,
  actor: Actor,
  ownerId: string,
  expectedVersion: number,
  input: OwnerInput,
): Promise<OwnerRow> {
  const work = await startOwnerChange(trx, actor, ownerId, expectedVersion, (owner) =>
    input.name !== undefined && input.name.trim().replace(/\s+/g, ' ') !== owner.name ? 'rename' : 'change',
  );
  const before = work.owner;
  const values = checkOwner(input, before);
  const clash = await trx
    .selectFrom('owners')
    .select('id')
    .where('name_key', '=', ownerNameKey(values.name))
    .where('id', '!=', ownerId)
    .executeTakeFirst();
  if (clash) throw nameTaken(values.name);
  const after: OwnerRow = {
    ...before,
    ...values,
    name_key: ownerNameKey(values.name),
    version: before.version + 1,
  };
  try {
    await updateAtVersion(trx, 'owners', before.id, before.version, { ...values, name_key: after.name_key });
  } catch (error) {
    if (isNameKeyClash(error)) throw nameTaken(values.name);
    throw error;
  }
  if (values.name !== before.name)
    await touchWork(trx, actor, work, {
      owners: (names) => names.map((name) => (name === before.name ? values.name : name)),
      lead: { id: ownerId, name: values.name },
    });
  await reindexActions(
    trx,
    work.actions.map((action) => action.id),
  );
  await recordChange(trx, actor, {
    recordType: 'owner',
    recordId: ownerId,
    planId: null,
    change: 'update',
    before,
    after,
  });
  return after;
}

/**
 * Removes an owner from the directory; their actions stay, without this owner, and their themes without a lead, each
 * a version on with its plan's history saying so. Only an administrator or a manager of every such plan may do it.
 */
export async function deleteOwner(
  trx: Trx,
  actor: Actor,
  ownerId: string,
  expectedVersion: number,
): Promise<void> {
  const work = await startOwnerChange(trx, actor, ownerId, expectedVersion, 'delete');
  const before = work.owner;
  await touchWork(trx, actor, work, {
    owners: (names) => names.filter((name) => name !== before.name),
    lead: { id: null, name: null },
  });
  await trx.deleteFrom('action_owners').where('owner_id', '=', ownerId).execute();
  await trx.updateTable('themes').set({ lead_owner_id: null }).where('lead_owner_id', '=', ownerId).execute();
  await removeOwnerAtVersion(trx, before);
  await reindexActions(
    trx,
    work.actions.map((action) => action.id),
  );
  await recordChange(trx, actor, {
    recordType: 'owner',
    recordId: ownerId,
    planId: null,
    change: 'delete',
    before,
  });
}

/**
 * Merges an owner into another (two spellings of one team, say): every action and theme of the first moves to the
 * second, each a version on with its plan's history showing the names before and after, and the first leaves the
 * directory. Only an administrator or a manager of every plan the first appears in may do it. A user account linked
 * to the first is left unlinked rather than given the second's work, which may lie in plans the merger does not run.
 */
export async function mergeOwner(
  trx: Trx,
  actor: Actor,
  ownerId: string,
  expectedVersion: number,
  intoOwnerId: string,
): Promise<OwnerRow> {
  if (intoOwnerId === ownerId)
    throw new InvalidInputError({ into: 'Choose another owner to merge this one into' });
  const work = await startOwnerChange(trx, actor, ownerId, expectedVersion, 'merge');
  const into = await trx.selectFrom('owners').selectAll().where('id', '=', intoOwnerId).executeTakeFirst();
  if (!into)
    throw new InvalidInputError({ into: 'Choose an owner from the directory to merge this one into' });
  const source = work.owner;
  await touchWork(trx, actor, work, {
    // As the links are changed below: an action naming both keeps the second where it was.
    owners: (names) =>
      names.includes(into.name)
        ? names.filter((name) => name !== source.name)
        : names.map((name) => (name === source.name ? into.name : name)),
    lead: { id: into.id, name: into.name },
  });
  // Where an action already names both, the second keeps its place and the first's link goes; elsewhere the link moves.
  const both = trx.selectFrom('action_owners').select('action_id').where('owner_id', '=', into.id);
  await trx
    .deleteFrom('action_owners')
    .where('owner_id', '=', ownerId)
    .where('action_id', 'in', both)
    .execute();
  await trx.updateTable('action_owners').set({ owner_id: into.id }).where('owner_id', '=', ownerId).execute();
  await trx
    .updateTable('themes')
    .set({ lead_owner_id: into.id })
    .where('lead_owner_id', '=', ownerId)
    .execute();
  await removeOwnerAtVersion(trx, source);
  await reindexActions(
    trx,
    work.actions.map((action) => action.id),
  );
  await recordChange(trx, actor, {
    recordType: 'owner',
    recordId: ownerId,
    planId: null,
    change: 'delete',
    before: source,
    after: { mergedInto: { id: into.id, name: into.name } },
  });
  return into;
}
