// argon2 as Headway uses it, but hashing at the lowest cost argon2id allows: for tests about who may do what, which
// sign in and set passwords hundreds of times and would otherwise spend most of their time hashing on purpose.
// Hashes are still real argon2id, verified against the password; only their cost (stored in each hash, so verify
// reads it back) is lower, and only in the test file that mocks argon2 so:
//   vi.mock('argon2', async (real) =>
//     (await import('../testing/quickPasswordHashing.js')).quickPasswordHashing(await real()));
import type argon2 from 'argon2';

type Argon2 = typeof argon2;

/** The smallest cost argon2id accepts: 8 KiB of memory for its one lane, one pass. */
export const quickCost = { memoryCost: 8, timeCost: 1, parallelism: 1 } as const;

/** The argon2 module to mock with: the real one (`importOriginal()` in vi.mock), hashing at the quick cost. */
export function quickPasswordHashing(realModule: unknown): { default: Argon2 } {
  const real = realModule as { default: Argon2 };
  const hash = ((password: string | Buffer, options: Parameters<Argon2['hash']>[1] = {}) =>
    real.default.hash(password, { ...options, ...quickCost })) as Argon2['hash'];
  return { ...real, default: { ...real.default, hash } };
}
