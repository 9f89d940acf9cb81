// The owners directory: people and teams that own actions or lead themes, found or added by name.
import { insertRows } from '../db/insertRows.js';
import { nowIso } from '../db/migrations.js';
import type { OwnerKind, OwnerRow } from '../db/schema.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, recordChanges, type Actor, type Change, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { FieldChecks } from '../validation.js';

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
    .text('name', 'a name', input.name ?? existing?.name, { required: true, max: 200 })
    .replace(/\s+/g, ' ');
  const kind =
    checks.choice(
      'kind',
      'whether this is a person or a team',
      input.kind || existing?.kind || guessOwnerKind(name),
      ownerKinds,
    ) ?? 'person';
  const email = checks.text('email', 'an e-mail address', input.email ?? existing?.email, { max: 254 });
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    checks.fail('email', 'Enter an e-mail address like name@example.org');
  checks.done();
  return { name, kind, email };
}

async function refuseDuplicateName(trx: Trx, name: string, exceptId?: string): Promise<void> {
  const clash = await trx
    .selectFrom('owners')
    .select('id')
    .where('name_key', '=', ownerNameKey(name))
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
    .executeTakeFirst();
  if (clash) throw new InvalidInputError({ name: `There is already an owner called "${name}"` });
}

function newOwner(values: ReturnType<typeof checkOwner>, createdAt: string): OwnerRow {
  return { id: newId(), ...values, name_key: ownerNameKey(values.name), created_at: createdAt };
}

function ownerCreated(owner: OwnerRow): Change {
  return { recordType: 'owner', recordId: owner.id, planId: null, change: 'create', after: owner };
}

export async function createOwner(trx: Trx, actor: Actor, input: OwnerInput): Promise<OwnerRow> {
  const values = checkOwner(input);
  await refuseDuplicateName(trx, values.name);
  const owner = newOwner(values, nowIso());
  await trx.insertInto('owners').values(owner).execute();
  await recordChange(trx, actor, ownerCreated(owner));
  return owner;
}

/** The owner with this name, added to the directory if new. */
export async function findOrCreateOwner(trx: Trx, actor: Actor, name: string): Promise<OwnerRow> {
  return (await findOrCreateOwners(trx, actor, [name])).get(ownerNameKey(name))!;
}

/**
 * The owners with these names, keyed by ownerNameKey, the new ones added to the directory in the order first named:
 * a few statements however many names, so an import naming dozens of owners does not ask for each in turn.
 */
export async function findOrCreateOwners(
  trx: Trx,
  actor: Actor,
  names: string[],
): Promise<Map<string, OwnerRow>> {
  const wanted = new Map<string, string>();
  for (const name of names) if (!wanted.has(ownerNameKey(name))) wanted.set(ownerNameKey(name), name);
  const owners = new Map<string, OwnerRow>();
  const keys = [...wanted.keys()];
  for (let i = 0; i < keys.length; i += 1000)
    for (const owner of await trx
      .selectFrom('owners')
      .selectAll()
      .where('name_key', 'in', keys.slice(i, i + 1000))
      .execute())
      owners.set(owner.name_key, owner);
  const now = nowIso();
  const added: OwnerRow[] = [];
  for (const [key, name] of wanted) {
    if (owners.has(key)) continue;
    const owner = newOwner(checkOwner({ name }), now);
    owners.set(key, owner);
    added.push(owner);
  }
  await insertRows(trx, 'owners', added);
  await recordChanges(trx, actor, added.map(ownerCreated));
  return owners;
}

export async function updateOwner(
  trx: Trx,
  actor: Actor,
  ownerId: string,
  input: OwnerInput,
): Promise<OwnerRow> {
  const before = await trx.selectFrom('owners').selectAll().where('id', '=', ownerId).executeTakeFirst();
  if (!before) throw new NotFoundError('Owner');
  const values = checkOwner(input, before);
  await refuseDuplicateName(trx, values.name, ownerId);
  const after: OwnerRow = { ...before, ...values, name_key: ownerNameKey(values.name) };
  await trx
    .updateTable('owners')
    .set({ ...values, name_key: after.name_key })
    .where('id', '=', ownerId)
    .execute();
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

/** Removes an owner from the directory; their actions stay, without this owner. */
export async function deleteOwner(trx: Trx, actor: Actor, ownerId: string): Promise<void> {
  const before = await trx.selectFrom('owners').selectAll().where('id', '=', ownerId).executeTakeFirst();
  if (!before) throw new NotFoundError('Owner');
  await trx.deleteFrom('action_owners').where('owner_id', '=', ownerId).execute();
  await trx.updateTable('themes').set({ lead_owner_id: null }).where('lead_owner_id', '=', ownerId).execute();
  await trx.deleteFrom('owners').where('id', '=', ownerId).execute();
  await recordChange(trx, actor, {
    recordType: 'owner',
    recordId: ownerId,
    planId: null,
    change: 'delete',
    before,
  });
}
