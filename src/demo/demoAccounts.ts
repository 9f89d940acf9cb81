// The demo's accounts: an administrator, an action owner and a member of staff, given fresh passwords at every demo start so none is ever published.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';
import type { UserRole } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { createUser, setUserPassword, updateUserDetails } from '../people/userCommands.js';
import { findUserRowByEmail } from '../people/users.js';
import { ownerNameKey } from '../owners/ownerCommands.js';

export interface DemoAccount {
  email: string;
  name: string;
  role: UserRole;
  password: string;
  /** The owner in the sample plans this account is, so it sees its own actions. */
  owner?: string;
}

const accounts: Omit<DemoAccount, 'password'>[] = [
  { email: 'programme.manager@example.org', name: 'Demo programme manager', role: 'admin' },
  {
    email: 'stuart.phoenix@example.org',
    name: 'Stuart Phoenix',
    role: 'contributor',
    owner: 'Stuart Phoenix',
  },
  // A member of staff: reads the staff pages open to everyone signed in, and nothing else.
  { email: 'staff.member@example.org', name: 'Demo staff member', role: 'staff' },
];

function newPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Makes the demo accounts if missing and sets a new password on each; returns them with their passwords. */
export async function ensureDemoAccounts(db: Db): Promise<DemoAccount[]> {
  const actor = { name: 'Headway demo' };
  const result: DemoAccount[] = [];
  for (const account of accounts) {
    const password = newPassword();
    await inTransaction(db, async (trx) => {
      const existing = await findUserRowByEmail({ kysely: trx }, account.email);
      const user = existing
        ? await setUserPassword(trx, actor, existing.id, password)
        : await createUser(trx, actor, { ...account, password });
      if (account.owner && !user.owner_id) {
        const owner = await trx
          .selectFrom('owners')
          .select('id')
          .where('name_key', '=', ownerNameKey(account.owner))
          .executeTakeFirst();
        if (owner) await updateUserDetails(trx, actor, user.id, { ownerId: owner.id });
      }
    });
    result.push({ ...account, password });
  }
  return result;
}
