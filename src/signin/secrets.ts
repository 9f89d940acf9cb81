// Random secrets for cookies, tokens and links, and the hash under which each is stored.
import { createHash, randomBytes } from 'node:crypto';

export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 is enough here: the secrets are 256 random bits, so there is nothing to guess offline. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
