// Reading users: by e-mail for sign-in, by id for sessions and tokens.
import type { Db } from '../db/connection.js';
import type { Trx } from '../history/recordChange.js';
import type { UserRole, UserRow } from '../db/schema.js';

/** A signed-in person as the rest of Headway sees them. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  ownerId: string | null;
}

export function presentUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, ownerId: row.owner_id };
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserRowByEmail(db: Db | { kysely: Trx }, email: string): Promise<UserRow | undefined> {
  return db.kysely.selectFrom('users').selectAll().where('email', '=', emailKey(email)).executeTakeFirst();
}

export function findUserRowById(db: Db | { kysely: Trx }, id: string): Promise<UserRow | undefined> {
  return db.kysely.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
