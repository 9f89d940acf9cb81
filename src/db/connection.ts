// Opens the one database Headway runs on: an embedded SQLite file by default, PostgreSQL when the URL says so.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type LogEvent,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

// Each driver is loaded when a database of its kind is opened, not both at start-up: a process uses one, and the other
// costs memory it never uses. Both are CommonJS packages, so opening a database stays synchronous.
const require = createRequire(import.meta.url);

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface DbOptions {
  /** Called once per query sent to the database; used by tests that count queries. */
  onQuery?: (sql: string) => void;
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

function postgresDriver(): typeof pg {
  const driver = require('pg') as typeof pg;
  // PostgreSQL's COUNT(*) is a bigint, which pg returns as a string; our counts fit easily in a number.
  driver.types.setTypeParser(20, (value) => Number(value));
  return driver;
}

/**
 * better-sqlite3 compiles every statement it is given; Kysely asks for the same few hundred SQL texts again and again
 * (an import of thousands of rows runs the same inserts each time), so compiled statements are kept and reused.
 * Statements run synchronously, so one is never in use twice at once.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (sql: string) => {
        let statement = cache.get(sql);
        if (!statement) {
          statement = prepare(sql);
          if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
          cache.set(sql, statement);
        }
        return statement;
      };
    },
  });
}

/**
 * SQLite lets one process write at a time. A transaction begun the default way (deferred) reads first and asks for
 * the write lock only at its first write; if another process (the command line, a second server) wrote in between,
 * SQLite cannot wait for it and fails the transaction at once. So a transaction takes the write lock when it begins
 * (`begin immediate`), waiting its turn up to busy_timeout; only one declared read only reads from a snapshot.
 */
class WriteLockingSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    const begin = settings?.accessMode === 'read only' ? 'begin deferred' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(begin));
  }
}

class WriteLockingSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;
  constructor(settings: SqliteDialectConfig) {
    super(settings);
    this.#settings = settings;
  }
  override createDriver(): Driver {
    return new WriteLockingSqliteDriver(this.#settings);
  }
}

export function openDatabase(url: string, options: DbOptions = {}): Db {
  const log = options.onQuery
    ? (event: LogEvent) => {
        if (event.level === 'query') options.onQuery?.(event.query.sql);
      }
    : undefined;
  if (isPostgresUrl(url)) {
    // Nothing here may weaken PostgreSQL's own durability: no synchronous_commit or other session setting is changed,
    // so a commit returns once the server has flushed its WAL (docs/reliability.md).
    const pool = new (postgresDriver().Pool)({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (a restart, a failover) must not stop Headway; the pool reconnects.
    pool.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return { kysely, dialect: 'postgres', close: () => kysely.destroy() };
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new (require('better-sqlite3') as typeof SQLite)(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // FULL makes every commit wait for the WAL to reach the disk, so a write Headway has acknowledged survives a crash
  // of the machine, not only of the process (NORMAL leaves the last commits in the operating system's cache).
  // What it costs is measured in docs/reliability.md.
  sqlite.pragma('synchronous = FULL');
  const kysely = new Kysely<Database>({
    dialect: new WriteLockingSqliteDialect({ database: withStatementCache(sqlite) }),
    log,
  });
  return { kysely, dialect: 'sqlite', close: () => kysely.destroy() };
}
