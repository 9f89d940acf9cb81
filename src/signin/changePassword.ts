// A signed-in user changing their own password: they prove the current one, and every other session of theirs ends.
import { InvalidInputError } from '../errors.js';
import type { Actor, Trx } from '../history/recordChange.js';
import { verifyPassword } from '../people/passwords.js';
import { setUserPassword } from '../people/userCommands.js';
import { findUserRowById } from '../people/users.js';
import { endOtherSessions } from './sessions.js';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export async function changeOwnPassword(
  trx: Trx,
  actor: Actor,
  userId: string,
  change: PasswordChange,
  keepSessionSecret: string | undefined,
): Promise<void> {
  const user = await findUserRowById({ kysely: trx }, userId);
  if (!user) throw new InvalidInputError({ currentPassword: 'Your account could not be found' });
  if (change.currentPassword === '')
    throw new InvalidInputError({ currentPassword: 'Enter your current password' });
  if (!(await verifyPassword(user.password_hash, change.currentPassword)))
    throw new InvalidInputError({ currentPassword: 'Your current password is not right' });
  if (change.newPassword !== change.confirmPassword)
    throw new InvalidInputError({ newPassword: 'The two new passwords are not the same' });
  try {
    await setUserPassword(trx, actor, userId, change.newPassword);
  } catch (error) {
    // The rules speak of "password"; on this form the field is the new one.
    if (error instanceof InvalidInputError && error.fieldErrors.password)
      throw new InvalidInputError({ newPassword: error.fieldErrors.password });
    throw error;
  }
  await endOtherSessions(trx, userId, keepSessionSecret);
}
