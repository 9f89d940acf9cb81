// A query built and compiled once per database, then run with new values. Building a Kysely query (its nodes, then
// its SQL) costs more than running a small one on SQLite; the queries every request makes (the session, the plan by
// its address, the reader's access to it) are built once instead.
import type { Compilable, Kysely } from 'kysely';
import type { CompiledQuery } from 'kysely';
import type { Database } from './schema.js';

/**
 * `build` makes the query with a stand-in for each named value; each run puts the real values in their places. Every
 * value the query binds must be one of the named ones, so that no value of the first run is kept for later ones.
 */
export function reusableQuery<Row, Name extends string>(
  names: readonly Name[],
  build: (db: Kysely<Database>, values: Record<Name, string>) => Compilable<Row>,
): (db: Kysely<Database>, values: Record<Name, unknown>) => Promise<Row[]> {
  const compiled = new WeakMap<Kysely<Database>, { query: CompiledQuery<Row>; slots: Name[] }>();
  const stand = Object.fromEntries(names.map((name) => [name, `\u0000${name}\u0000`])) as Record<
    Name,
    string
  >;
  return async (db, values) => {
    let entry = compiled.get(db);
    if (!entry) {
      const query = build(db, stand).compile();
      const slots = query.parameters.map((parameter) => {
        const name = names.find((n) => stand[n] === parameter);
        if (name === undefined)
          throw new Error(`A reusable query binds a value it does not name: ${String(parameter)}`);
        return name;
      });
      entry = { query, slots };
      compiled.set(db, entry);
    }
    const result = await db.executeQuery<Row>({
      ...entry.query,
      parameters: entry.slots.map((n) => values[n]),
    });
    return result.rows;
  };
}
