// Where the tests' PostgreSQL is, and how to name one of its databases.

export const postgresAdminUrl =
  process.env.HEADWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `url` with its database swapped for `name`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
