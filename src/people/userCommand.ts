// `headway user add [--admin | --role ROLE] [--name NAME] EMAIL`: a user, and a one-time link for them to choose a password.
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import type { UserRole } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError } from '../errors.js';
import { publicBase } from '../mail/links.js';
import { addUser, passwordLinkHours } from './userCommands.js';
import { userUsage } from '../cliUsage.js';

export async function userCommand(args: string[], config: Config): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { admin: { type: 'boolean' }, role: { type: 'string' }, name: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const email = positionals[0];
  if (verb !== 'add' || !email || positionals.length > 1 || (values.admin && values.role)) {
    console.error(`headway: usage: headway ${userUsage}`);
    return 2;
  }
  const role = (values.admin ? 'admin' : (values.role ?? 'viewer')) as UserRole;
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const link = await inTransaction(db, (trx) =>
      addUser(trx, { name: config.actorName, source: 'command line' }, { email, name: values.name, role }),
    );
    console.log(`Added ${link.user.name} <${link.user.email}> as ${role}.`);
    console.log(`They choose a password at this link, which works once within ${passwordLinkHours} hours:`);
    console.log(`  ${publicBase(config)}/setup/${link.secret}`);
    return 0;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      console.error(`headway: ${Object.values(error.fieldErrors).join('; ')}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
