// Signing in and out: the checks, the limits, the new session and the history, in one place for every way in.
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { recordChange, type Trx } from '../history/recordChange.js';
import { verifyPassword } from '../people/passwords.js';
import { emailKey, findUserRowByEmail, presentUser, type User } from '../people/users.js';
import { endSession, startSession, type SessionTimes } from './sessions.js';
import { countSignInFailure, forgetSignInFailures, signInRefusal } from './signInLimits.js';

export class SignInRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInRefusedError';
  }
}

const wrongDetails = 'The e-mail address or password is not right';

export interface SignedIn {
  user: User;
  sessionSecret: string;
}

/** Starts a session for a user whose identity was proved (a password, single sign-on, a one-time link). */
export async function openSession(
  trx: Trx,
  user: User,
  times: SessionTimes,
  address: string,
  how: string,
  previousSecret?: string,
): Promise<string> {
  // A session id the browser brought from before signing in is never kept: a new one is issued.
  if (previousSecret) await endSession({ kysely: trx }, previousSecret);
  const secret = await startSession(trx, user.id, times, address);
  await recordChange(
    trx,
    { name: user.name, userId: user.id, source: how },
    { recordType: 'user', recordId: user.id, planId: null, change: 'sign-in', after: { address } },
  );
  return secret;
}

export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; address: string; previousSecret?: string },
  times: SessionTimes,
): Promise<SignedIn> {
  const email = emailKey(input.email);
  if (email === '' || input.password === '')
    throw new SignInRefusedError('Enter your e-mail address and password');
  const refusal = await signInRefusal(db, email, input.address);
  if (refusal) {
    await inTransaction(db, (trx) => recordFailure(trx, email, input.address, null, 'limit'));
    throw new SignInRefusedError(refusal);
  }
  const row = await findUserRowByEmail(db, email);
  const passwordRight = await verifyPassword(row?.password_hash ?? null, input.password);
  if (!row || !passwordRight || row.disabled_at) {
    await inTransaction(db, (trx) => recordFailure(trx, email, input.address, row?.id ?? null, 'password'));
    throw new SignInRefusedError(
      row?.disabled_at && passwordRight ? 'This account has been disabled' : wrongDetails,
    );
  }
  const user = presentUser(row);
  const sessionSecret = await inTransaction(db, async (trx) => {
    await forgetSignInFailures(trx, email);
    return openSession(trx, user, times, input.address, 'password', input.previousSecret);
  });
  return { user, sessionSecret };
}

async function recordFailure(
  trx: Trx,
  email: string,
  address: string,
  userId: string | null,
  reason: 'password' | 'limit',
): Promise<void> {
  if (reason === 'password') await countSignInFailure(trx, email, address);
  await recordChange(
    trx,
    { name: email, source: 'sign-in' },
    {
      recordType: 'user',
      recordId: userId ?? `unknown:${email}`,
      planId: null,
      change: 'sign-in-failed',
      after: { email, address, reason },
    },
  );
}

export async function signOut(db: Db, user: User, secret: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await endSession({ kysely: trx }, secret);
    await recordChange(
      trx,
      { name: user.name, userId: user.id },
      { recordType: 'user', recordId: user.id, planId: null, change: 'sign-out' },
    );
  });
}
