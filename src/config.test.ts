import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';

describe('readConfig', () => {
  it('defaults to the embedded database on 127.0.0.1:3000', () => {
    expect(readConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: './data/headway.db',
      logLevel: 'info',
    });
  });

  it('takes PORT, HOST, DATABASE_URL and LOG_LEVEL from the environment', () => {
    const config = readConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@h/db',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@h/db',
      logLevel: 'warn',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a port number from 0 to 65535, not "eighty"'],
    [{ PORT: '70000' }, 'PORT must be a port number'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// URL or a file path'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ HEADWAY_IMPORT_MAX_MB: 'lots' }, 'HEADWAY_IMPORT_MAX_MB must be a number of megabytes'],
    [{ HEADWAY_IMPORT_MAX_MB: '0' }, 'HEADWAY_IMPORT_MAX_MB must be a number of megabytes'],
  ])('fails fast naming the bad setting: %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });

  it('takes the import size limit in megabytes, 20 by default', () => {
    expect(readConfig({}).importMaxBytes).toBe(20 * 1024 * 1024);
    expect(readConfig({ HEADWAY_IMPORT_MAX_MB: '2.5' }).importMaxBytes).toBe(2.5 * 1024 * 1024);
  });
});
