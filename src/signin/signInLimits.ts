// Sign-in attempts are limited per account and per address, counted in the database so every copy of the app agrees.
import type { Db } from '../db/connection.js';
import type { Trx } from '../history/recordChange.js';

export const signInWindowMinutes = 15;
export const failuresPerAccount = 5;
export const failuresPerAddress = 20;

/** Why a sign-in is refused before the password is even checked, or undefined when it may go ahead. */
export async function signInRefusal(
  db: Db,
  email: string,
  address: string,
  now = new Date(),
): Promise<string | undefined> {
  const since = new Date(now.getTime() - signInWindowMinutes * 60_000).toISOString();
  const count = async (column: 'email' | 'address', value: string) => {
    const row = await db.kysely
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where(column, '=', value)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  if ((await count('email', email)) >= failuresPerAccount)
    return `There have been ${failuresPerAccount} failed attempts to sign in to this account. Wait ${signInWindowMinutes} minutes, then try again, or ask an administrator to help.`;
  if ((await count('address', address)) >= failuresPerAddress)
    return `There have been too many failed sign-in attempts from your network address. Wait ${signInWindowMinutes} minutes, then try again.`;
  return undefined;
}

export async function countSignInFailure(
  trx: Trx,
  email: string,
  address: string,
  now = new Date(),
): Promise<void> {
  await trx.insertInto('sign_in_failures').values({ at: now.toISOString(), email, address }).execute();
  // Old attempts count for nothing; clearing them here keeps the table small without a separate job.
  const cutoff = new Date(now.getTime() - 24 * 3_600_000).toISOString();
  await trx.deleteFrom('sign_in_failures').where('at', '<', cutoff).execute();
}

export async function forgetSignInFailures(trx: Trx, email: string): Promise<void> {
  await trx.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}
