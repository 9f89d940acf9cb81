// Settings read and checked once at start-up; a bad one stops the start with a message naming it.

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: string;
  /** The name changes are recorded under until sign-in arrives. */
  actorName: string;
  /** The largest file the importer takes, in bytes (HEADWAY_IMPORT_MAX_MB, default 20). */
  importMaxBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function port(value: string | undefined, name: string): number {
  if (value === undefined || value === '') return 3000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${name} must be a port number from 0 to 65535, not "${value}"`);
  return n;
}

function importLimit(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 20 * 1024 * 1024;
  const megabytes = Number(value);
  if (!Number.isFinite(megabytes) || megabytes <= 0 || megabytes > 500)
    throw new ConfigError(
      `HEADWAY_IMPORT_MAX_MB must be a number of megabytes from 0.1 to 500, not "${value}"`,
    );
  return Math.round(megabytes * 1024 * 1024);
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || './data/headway.db';
  if (/^[a-z]+:\/\//i.test(databaseUrl) && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// URL or a file path for SQLite, not "${databaseUrl}"`,
    );
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!logLevels.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${logLevel}"`);
  return {
    port: port(env.PORT, 'PORT'),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    logLevel,
    actorName: env.HEADWAY_ACTOR?.trim() || 'Programme manager',
    importMaxBytes: importLimit(env.HEADWAY_IMPORT_MAX_MB),
    ...overrides,
  };
}
