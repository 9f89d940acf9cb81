// Settings read and checked once at start-up; a bad one stops the start with a message naming it.

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: string;
  /** The name the command line's changes are recorded under (web changes carry the signed-in user). */
  actorName: string;
  /** A session ends after this many minutes without a request (HEADWAY_SESSION_IDLE_MINUTES, default 60). */
  sessionIdleMinutes: number;
  /** And after this many hours however active (HEADWAY_SESSION_MAX_HOURS, default 12). */
  sessionMaxHours: number;
  /** The address people reach Headway at, for links printed by the command line (HEADWAY_PUBLIC_URL). */
  publicUrl: string | undefined;
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

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

function publicUrl(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (!/^https?:\/\/[^\s/]+/i.test(text))
    throw new ConfigError(`HEADWAY_PUBLIC_URL must be an http:// or https:// address, not "${text}"`);
  return text.replace(/\/+$/, '');
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
    sessionIdleMinutes: wholeNumber(env, 'HEADWAY_SESSION_IDLE_MINUTES', 60, 24 * 60),
    sessionMaxHours: wholeNumber(env, 'HEADWAY_SESSION_MAX_HOURS', 12, 24 * 30),
    publicUrl: publicUrl(env.HEADWAY_PUBLIC_URL),
    ...overrides,
  };
}
