// Passwords are hashed with argon2id; the rules follow the NCSC's advice: long rather than complicated.
import argon2 from 'argon2';

export const passwordMinLength = 12;
const passwordMaxLength = 256;

/** The problem with a new password, in words for the person choosing it, or undefined when it will do. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < passwordMinLength)
    return `Enter a password of at least ${passwordMinLength} characters; three random words make a good one`;
  if (password.length > passwordMaxLength)
    return `Enter a password of at most ${passwordMaxLength} characters`;
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    return 'Enter a password that is not your e-mail address';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// A hash to verify against when the account does not exist, so that a wrong e-mail address
// takes as long to refuse as a wrong password and says nothing about who has an account.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    decoyHash ??= hashPassword('not a password anyone has');
    await argon2.verify(await decoyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
