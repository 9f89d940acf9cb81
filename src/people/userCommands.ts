// Every change to users and their plan roles: one function each, history written in the same transaction.
import { nowIso } from '../db/migrations.js';
import type { DigestChoice, PlanRole, UserRole, UserRow } from '../db/schema.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { recordChange, type Actor, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { createPasswordLink } from '../signin/passwordLinks.js';
import { FieldChecks } from '../validation.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { planRoles, userRoles } from './roles.js';
import { emailKey, findUserRowByEmail, findUserRowById } from './users.js';

export const userRoleNames: Record<UserRole, string> = {
  admin: 'Administrator',
  manager: 'Plan manager',
  contributor: 'Contributor',
  viewer: 'Viewer',
  staff: 'Staff (staff pages only)',
};

export const planRoleNames: Record<PlanRole, string> = {
  manager: 'Plan manager',
  contributor: 'Contributor',
  viewer: 'Viewer',
};

/** What history keeps of a user: never the password hash. */
function userRecord(row: UserRow) {
  const { password_hash, ...rest } = row;
  return { ...rest, has_password: password_hash !== null };
}

export interface UserInput {
  email?: string;
  name?: string;
  role?: UserRole | '';
  password?: string;
}

function checkEmail(checks: FieldChecks, value: unknown): string {
  const email = emailKey(checks.text('email', 'an e-mail address', value, { required: true, max: 254 }));
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    checks.fail('email', 'Enter an e-mail address like name@example.org');
  return email;
}

export async function createUser(trx: Trx, actor: Actor, input: UserInput): Promise<UserRow> {
  const checks = new FieldChecks();
  const email = checkEmail(checks, input.email);
  const name = checks.text('name', 'a name', input.name || email.split('@')[0], { required: true, max: 200 });
  const role =
    checks.choice('role', 'a role', input.role || 'viewer', userRoles, { required: true }) ?? 'viewer';
  if (input.password !== undefined && input.password !== '') {
    const problem = passwordProblem(input.password, email);
    if (problem) checks.fail('password', problem);
  }
  checks.done();
  if (await findUserRowByEmail({ kysely: trx }, email))
    throw new InvalidInputError({ email: `There is already a user with the e-mail address ${email}` });
  const at = nowIso();
  const user: UserRow = {
    id: newId(),
    email,
    name,
    password_hash: input.password ? await hashPassword(input.password) : null,
    role,
    owner_id: null,
    disabled_at: null,
    digest: 'weekly',
    change_notices: 'on',
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await trx.insertInto('users').values(user).execute();
  await recordChange(trx, actor, {
    recordType: 'user',
    recordId: user.id,
    planId: null,
    change: 'create',
    after: userRecord(user),
  });
  return user;
}

/** A user changed by someone else meanwhile: the conflict carries what history keeps of them, never the hash. */
function userConflict(current: UserRow): ConflictError {
  return new ConflictError('This account', current.version, userRecord(current));
}

async function changeUser(
  trx: Trx,
  actor: Actor,
  userId: string,
  change: (before: UserRow) => Promise<Partial<UserRow>> | Partial<UserRow>,
  kind: 'update' | 'role-change' = 'update',
  /** Said in history besides the record, e.g. that the password changed (the hash itself is never kept there). */
  note: Record<string, unknown> = {},
  expectedVersion?: number,
): Promise<UserRow> {
  const before = await findUserRowById({ kysely: trx }, userId);
  if (!before) throw new NotFoundError('User');
  if (expectedVersion !== undefined && before.version !== expectedVersion) throw userConflict(before);
  const patch = { ...(await change(before)), version: before.version + 1, updated_at: nowIso() };
  const after: UserRow = { ...before, ...patch };
  // Only from the version read: a change that started from the same version as this one and landed first wins.
  const result = await trx
    .updateTable('users')
    .set(patch)
    .where('id', '=', userId)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    const now = await findUserRowById({ kysely: trx }, userId);
    throw now ? userConflict(now) : new NotFoundError('User');
  }
  await recordChange(trx, actor, {
    recordType: 'user',
    recordId: userId,
    planId: null,
    change: kind,
    before: userRecord(before),
    after: { ...userRecord(after), ...note },
  });
  return after;
}

export function setUserPassword(trx: Trx, actor: Actor, userId: string, password: string): Promise<UserRow> {
  return changeUser(
    trx,
    actor,
    userId,
    async (user) => {
      const problem = passwordProblem(password, user.email);
      if (problem) throw new InvalidInputError({ password: problem });
      return { password_hash: await hashPassword(password) };
    },
    'update',
    { password_changed: true },
  );
}

export interface UserDetailsInput {
  name?: string;
  ownerId?: string | null;
  disabled?: boolean;
}

export function updateUserDetails(
  trx: Trx,
  actor: Actor,
  userId: string,
  input: UserDetailsInput,
): Promise<UserRow> {
  return changeUser(trx, actor, userId, async (user) => {
    const checks = new FieldChecks();
    const name = checks.text('name', 'a name', input.name ?? user.name, { required: true, max: 200 });
    checks.done();
    let ownerId = input.ownerId === undefined ? user.owner_id : input.ownerId || null;
    if (ownerId) {
      const owner = await trx.selectFrom('owners').select('id').where('id', '=', ownerId).executeTakeFirst();
      if (!owner) throw new InvalidInputError({ ownerId: 'Choose an owner from the directory' });
      ownerId = owner.id;
    }
    if (input.disabled && !user.disabled_at) {
      if (actor.userId === userId)
        throw new InvalidInputError({ disabled: 'You cannot disable your own account' });
      if (user.role === 'admin') await refuseRemovingLastAdmin(trx, user.id, 'disabled');
    }
    const disabledAt =
      input.disabled === undefined
        ? user.disabled_at
        : input.disabled
          ? (user.disabled_at ?? nowIso())
          : null;
    if (disabledAt) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    return { name, owner_id: ownerId, disabled_at: disabledAt };
  });
}

export function changeUserRole(
  trx: Trx,
  actor: Actor,
  userId: string,
  role: UserRole | string,
): Promise<UserRow> {
  return changeUser(
    trx,
    actor,
    userId,
    async (user) => {
      const checks = new FieldChecks();
      const chosen = checks.choice('role', 'a role', role, userRoles, { required: true }) ?? user.role;
      checks.done();
      if (user.role === 'admin' && chosen !== 'admin') await refuseRemovingLastAdmin(trx, user.id);
      return { role: chosen };
    },
    'role-change',
  );
}

async function refuseRemovingLastAdmin(trx: Trx, userId: string, field = 'role'): Promise<void> {
  const others = await trx
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('id', '!=', userId)
    .executeTakeFirst();
  if (!others)
    throw new InvalidInputError({
      [field]: 'Headway needs at least one administrator: make someone else one first',
    });
}

/** Why a staff account cannot be given a plan: it reads staff pages only, whatever a plan's people page says. */
function staffAccountProblem(user: UserRow): string {
  return `${user.email} has a staff account, which reads only the staff pages: an administrator can change their role under Users`;
}

/** Gives a user a role in one plan, or changes it; `null` takes the plan away from them. */
export async function setPlanRole(
  trx: Trx,
  actor: Actor,
  planId: string,
  userId: string,
  role: PlanRole | string | null,
): Promise<void> {
  const checks = new FieldChecks();
  const chosen =
    role === null ? null : checks.choice('role', 'a role in this plan', role, planRoles, { required: true });
  checks.done();
  const user = await findUserRowById({ kysely: trx }, userId);
  if (!user) throw new NotFoundError('User');
  if (chosen && user.role === 'staff') throw new InvalidInputError({ role: staffAccountProblem(user) });
  const before = await trx
    .selectFrom('plan_members')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if ((before?.role ?? null) === chosen) return;
  await trx.deleteFrom('plan_members').where('plan_id', '=', planId).where('user_id', '=', userId).execute();
  const after = chosen ? { plan_id: planId, user_id: userId, role: chosen, created_at: nowIso() } : undefined;
  if (after) await trx.insertInto('plan_members').values(after).execute();
  await recordChange(trx, actor, {
    recordType: 'plan_member',
    recordId: `${planId}:${userId}`,
    planId,
    change: 'role-change',
    before,
    after,
  });
}

/** How long a one-time link to choose a password works. */
export const passwordLinkHours = 72;

/** A one-time link for a user to choose a (new) password; the secret is returned to be shown once, and never stored. */
export async function issuePasswordLink(trx: Trx, actor: Actor, userId: string): Promise<string> {
  const user = await findUserRowById({ kysely: trx }, userId);
  if (!user) throw new NotFoundError('User');
  const secret = await createPasswordLink(trx, userId, passwordLinkHours);
  await recordChange(trx, actor, {
    recordType: 'user',
    recordId: userId,
    planId: null,
    change: 'update',
    after: { password_link_issued_for_hours: passwordLinkHours },
  });
  return secret;
}

/** A new user, and the one-time link they choose their password at: the way in for everyone after the first. */
export async function addUser(
  trx: Trx,
  actor: Actor,
  input: UserInput,
): Promise<{ user: UserRow; secret: string }> {
  const user = await createUser(trx, actor, input);
  return { user, secret: await issuePasswordLink(trx, actor, user.id) };
}

/** Gives the user with this e-mail address a role in a plan (or changes it), as a plan's managers do on its People page. */
export async function givePlanRoleByEmail(
  trx: Trx,
  actor: Actor,
  planId: string,
  email: string | undefined,
  role: string | undefined,
): Promise<UserRow> {
  const checks = new FieldChecks();
  const address = checks.text('email', 'the e-mail address of a user', email, { required: true, max: 254 });
  checks.choice('role', 'a role in this plan', role, planRoles, { required: true });
  checks.done();
  const user = await findUserRowByEmail({ kysely: trx }, address);
  if (!user)
    throw new InvalidInputError({
      email: `There is no user with the e-mail address ${emailKey(address)}: an administrator can add them under Users`,
    });
  if (user.role === 'staff') throw new InvalidInputError({ email: staffAccountProblem(user) });
  await setPlanRole(trx, actor, planId, user.id, role ?? null);
  return user;
}

export const digestChoices: readonly DigestChoice[] = ['weekly', 'none'];

export interface MailPreferencesInput {
  digest?: string;
  /** 'on' or 'off'; a checkbox left unticked sends nothing, which the page turns into 'off'. */
  changeNotices?: string;
}

/**
 * Which optional e-mails a user gets: the weekly digest, and notices of changes others make to their items. From the
 * version the form was opened at, so two tabs cannot silently undo each other.
 */
export function setMailPreferences(
  trx: Trx,
  actor: Actor,
  userId: string,
  expectedVersion: number,
  input: MailPreferencesInput,
): Promise<UserRow> {
  return changeUser(
    trx,
    actor,
    userId,
    (user) => {
      const checks = new FieldChecks();
      const digest =
        input.digest === undefined
          ? user.digest
          : (checks.choice('digest', 'whether to get the weekly digest', input.digest, digestChoices, {
              required: true,
            }) ?? user.digest);
      const changeNotices =
        input.changeNotices === undefined
          ? user.change_notices
          : (checks.choice('changeNotices', 'whether to be told of changes', input.changeNotices, [
              'on',
              'off',
            ] as const) ?? user.change_notices);
      checks.done();
      return { digest, change_notices: changeNotices };
    },
    'update',
    {},
    expectedVersion,
  );
}
