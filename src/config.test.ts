import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    [{ LOG_FORMAT: 'pretty' }, 'LOG_FORMAT must be json or text, not "pretty"'],
    [{ HEADWAY_IMPORT_MAX_MB: 'lots' }, 'HEADWAY_IMPORT_MAX_MB must be a number of megabytes'],
    [{ HEADWAY_IMPORT_MAX_MB: '0' }, 'HEADWAY_IMPORT_MAX_MB must be a number of megabytes'],
  ])('fails fast naming the bad setting: %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });

  it('logs as text or JSON as LOG_FORMAT says, JSON by default when not writing to a terminal', () => {
    expect(readConfig({ LOG_FORMAT: 'text' }).logFormat).toBe('text');
    expect(readConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(readConfig({}).logFormat).toBe(process.stdout.isTTY ? 'text' : 'json');
  });

  it('takes the import size limit in megabytes, 20 by default', () => {
    expect(readConfig({}).importMaxBytes).toBe(20 * 1024 * 1024);
    expect(readConfig({ HEADWAY_IMPORT_MAX_MB: '2.5' }).importMaxBytes).toBe(2.5 * 1024 * 1024);
  });

  it('takes what an Office file may expand to, in all (100 MB) and per part (16 MB), naming a bad setting', () => {
    expect(readConfig({})).toMatchObject({
      importMaxExpandedBytes: 100 * 1024 * 1024,
      importMaxPartBytes: 16 * 1024 * 1024,
    });
    expect(
      readConfig({ HEADWAY_IMPORT_MAX_EXPANDED_MB: '300', HEADWAY_IMPORT_MAX_PART_MB: '64' }),
    ).toMatchObject({ importMaxExpandedBytes: 300 * 1024 * 1024, importMaxPartBytes: 64 * 1024 * 1024 });
    expect(() => readConfig({ HEADWAY_IMPORT_MAX_PART_MB: 'big' })).toThrow(
      'HEADWAY_IMPORT_MAX_PART_MB must be a number of megabytes from 0.1 to 4096, not "big"',
    );
    expect(() => readConfig({ HEADWAY_IMPORT_MAX_EXPANDED_MB: '0' })).toThrow(
      'HEADWAY_IMPORT_MAX_EXPANDED_MB must be a number of megabytes',
    );
    expect(() => readConfig({ HEADWAY_IMPORT_MAX_EXPANDED_MB: '10' })).toThrow(
      'HEADWAY_IMPORT_MAX_PART_MB (16) must not be more than HEADWAY_IMPORT_MAX_EXPANDED_MB (10)',
    );
  });

  describe('trusted proxies (HEADWAY_TRUST_PROXY)', () => {
    it('trusts no proxy by default: the client is whoever holds the connection', () => {
      expect(readConfig({}).trustProxy).toBe(false);
      expect(readConfig({ HEADWAY_TRUST_PROXY: ' ' }).trustProxy).toBe(false);
      expect(readConfig({ HEADWAY_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
      expect(readConfig({ HEADWAY_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    });

    it('takes a number of proxies, or their addresses and ranges', () => {
      expect(readConfig({ HEADWAY_TRUST_PROXY: '1' }).trustProxy).toBe(1);
      expect(readConfig({ HEADWAY_TRUST_PROXY: '2' }).trustProxy).toBe(2);
      expect(
        readConfig({
          HEADWAY_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8, ::1, loopback, 172.16.0.0/255.240.0.0',
        }).trustProxy,
      ).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '::1', 'loopback', '172.16.0.0/255.240.0.0']);
    });

    it.each([
      ['true', 'trusting every address would let any client choose the address it is counted under'],
      ['yes', 'HEADWAY_TRUST_PROXY must be the number of proxies in front of Headway'],
      ['proxy.example.org', '"proxy.example.org" is not an address or range'],
      ['10.0.0.1, 10.0.0.0/33', '"10.0.0.0/33" is not an address or range'],
      ['10.0.0.256', '"10.0.0.256" is not an address or range'],
      ['10.0.0.1,,10.0.0.2', '"" is not an address or range'],
      ['-1', '"-1" is not an address or range'],
      ['1.5', '"1.5" is not an address or range'],
      ['50', '50 proxies is more than any real chain'],
    ])('refuses to start with HEADWAY_TRUST_PROXY=%s, naming the setting', (value, message) => {
      expect(() => readConfig({ HEADWAY_TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => readConfig({ HEADWAY_TRUST_PROXY: value })).toThrow('HEADWAY_TRUST_PROXY');
      expect(() => readConfig({ HEADWAY_TRUST_PROXY: value })).toThrow(message);
    });
  });

  describe('single sign-on', () => {
    const full = {
      HEADWAY_OIDC_ISSUER: 'https://login.example.org/tenant',
      HEADWAY_OIDC_CLIENT_ID: 'headway',
      HEADWAY_OIDC_CLIENT_SECRET: 'secret',
      HEADWAY_OIDC_REDIRECT_URL: 'https://headway.example.org/sign-in/sso/callback',
      HEADWAY_OIDC_DEFAULT_ROLE: 'contributor',
      HEADWAY_OIDC_LABEL: 'Microsoft',
    };

    it('is off when no HEADWAY_OIDC_ setting is given', () => {
      expect(readConfig({}).singleSignOn).toBeUndefined();
    });

    it('takes every setting from the environment', () => {
      expect(readConfig(full).singleSignOn).toEqual({
        issuer: 'https://login.example.org/tenant',
        clientId: 'headway',
        clientSecret: 'secret',
        redirectUrl: 'https://headway.example.org/sign-in/sso/callback',
        defaultRole: 'contributor',
        label: 'Microsoft',
      });
    });

    it('comes back to HEADWAY_PUBLIC_URL, makes viewers and needs no secret for a public client', () => {
      const config = readConfig({
        HEADWAY_PUBLIC_URL: 'https://headway.example.org/',
        HEADWAY_OIDC_ISSUER: 'https://login.example.org',
        HEADWAY_OIDC_CLIENT_ID: 'headway',
      });
      expect(config.singleSignOn).toMatchObject({
        redirectUrl: 'https://headway.example.org/sign-in/sso/callback',
        defaultRole: 'viewer',
        clientSecret: undefined,
      });
    });

    it.each([
      [
        { HEADWAY_OIDC_LABEL: 'Microsoft' },
        'partly set up (HEADWAY_OIDC_LABEL): HEADWAY_OIDC_ISSUER, HEADWAY_OIDC_CLIENT_ID and HEADWAY_OIDC_REDIRECT_URL (or HEADWAY_PUBLIC_URL) are missing',
      ],
      [{ ...full, HEADWAY_OIDC_CLIENT_ID: ' ' }, 'HEADWAY_OIDC_CLIENT_ID is missing'],
      [
        { ...full, HEADWAY_OIDC_REDIRECT_URL: '' },
        'HEADWAY_OIDC_REDIRECT_URL (or HEADWAY_PUBLIC_URL) is missing',
      ],
      [
        { ...full, HEADWAY_OIDC_DEFAULT_ROLE: 'admin' },
        'HEADWAY_OIDC_DEFAULT_ROLE must be one of manager, contributor, viewer, not "admin"',
      ],
      [
        { ...full, HEADWAY_OIDC_ISSUER: 'http://login.example.org' },
        'HEADWAY_OIDC_ISSUER must be an https:// address',
      ],
      [{ ...full, HEADWAY_OIDC_ISSUER: 'login.example.org' }, 'HEADWAY_OIDC_ISSUER must be a web address'],
    ])('refuses to start when it is partly or wrongly set up: %o', (env, message) => {
      expect(() => readConfig(env)).toThrow(ConfigError);
      expect(() => readConfig(env)).toThrow(message);
    });

    it('accepts plain http only for a provider on this machine', () => {
      const config = readConfig({ ...full, HEADWAY_OIDC_ISSUER: 'http://127.0.0.1:8080' });
      expect(config.singleSignOn?.issuer).toBe('http://127.0.0.1:8080');
    });
  });

  describe("the organisation's name and logo", () => {
    const folder = mkdtempSync(join(tmpdir(), 'headway-logo-'));
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const file = (name: string, bytes: Buffer | string) => {
      writeFileSync(join(folder, name), bytes);
      return join(folder, name);
    };
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('names Headway and draws no logo by default', () => {
      expect(readConfig({})).toMatchObject({ organisationName: 'Headway', organisationLogo: undefined });
      expect(readConfig({ HEADWAY_ORGANISATION_NAME: '  ' }).organisationName).toBe('Headway');
    });

    it('reads the name, and a PNG or SVG logo once, at start-up', () => {
      const config = readConfig({
        HEADWAY_ORGANISATION_NAME: ' Avon Fire ',
        HEADWAY_ORGANISATION_LOGO: file('a.png', png),
      });
      expect(config.organisationName).toBe('Avon Fire');
      expect(config.organisationLogo).toEqual({ bytes: png, contentType: 'image/png' });
      const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>';
      expect(readConfig({ HEADWAY_ORGANISATION_LOGO: file('b.SVG', svg) }).organisationLogo).toEqual({
        bytes: Buffer.from(svg),
        contentType: 'image/svg+xml',
      });
    });

    it.each([
      ['missing.png', 'HEADWAY_ORGANISATION_LOGO names a file that cannot be read', 'there is no such file'],
      ['logo.gif', 'HEADWAY_ORGANISATION_LOGO must be a .png or .svg file', 'logo.gif'],
      ['fake.png', 'HEADWAY_ORGANISATION_LOGO', 'is named .png but is not a PNG image'],
      ['fake.svg', 'HEADWAY_ORGANISATION_LOGO', 'is named .svg but holds no <svg> element'],
      ['empty.png', 'HEADWAY_ORGANISATION_LOGO must be a file of at most 1 MB, and not empty', '0 bytes'],
      ['huge.png', 'HEADWAY_ORGANISATION_LOGO must be a file of at most 1 MB', '1048577 bytes'],
      ['folder.png', 'HEADWAY_ORGANISATION_LOGO names a file that cannot be read', 'it is a folder'],
    ])('stops the start naming the setting for %s', (name, setting, reason) => {
      if (name === 'fake.png' || name === 'fake.svg') file(name, 'GIF89a not really');
      if (name === 'logo.gif') file(name, 'GIF89a');
      if (name === 'empty.png') file(name, '');
      if (name === 'huge.png') file(name, Buffer.concat([png, Buffer.alloc(1024 * 1024 + 1 - png.length)]));
      if (name === 'folder.png') mkdirSync(join(folder, name), { recursive: true });
      const read = () => readConfig({ HEADWAY_ORGANISATION_LOGO: join(folder, name) });
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(setting);
      expect(read).toThrow(reason);
    });
  });

  describe('e-mail and background jobs', () => {
    it('sets up e-mail from HEADWAY_SMTP_URL and HEADWAY_MAIL_FROM, or not at all', () => {
      expect(readConfig({}).mail).toBeUndefined();
      expect(
        readConfig({
          HEADWAY_SMTP_URL: 'smtps://headway:secret@mail.example.org:465',
          HEADWAY_MAIL_FROM: 'Headway <headway@example.org>',
        }).mail,
      ).toEqual({
        smtpUrl: 'smtps://headway:secret@mail.example.org:465',
        from: 'Headway <headway@example.org>',
      });
    });

    it.each([
      [{ HEADWAY_SMTP_URL: 'mail.example.org' }, 'HEADWAY_SMTP_URL must be an address such as smtp://'],
      [
        { HEADWAY_SMTP_URL: 'https://user:pw@mail.example.org', HEADWAY_MAIL_FROM: 'a@example.org' },
        'HEADWAY_SMTP_URL must start smtp:// (STARTTLS) or smtps:// (TLS), not "https://" in "https://…@mail.example.org"',
      ],
      [{ HEADWAY_SMTP_URL: 'smtp://mail.example.org' }, 'HEADWAY_MAIL_FROM is missing'],
      [
        { HEADWAY_SMTP_URL: 'smtp://mail.example.org', HEADWAY_MAIL_FROM: 'headway' },
        'HEADWAY_MAIL_FROM must be an e-mail address such as headway@example.org',
      ],
      [{ HEADWAY_MAIL_FROM: 'Headway <headway>' }, 'HEADWAY_MAIL_FROM must be an e-mail address'],
      [{ HEADWAY_JOBS_WORKER: 'maybe' }, 'HEADWAY_JOBS_WORKER must be on or off, not "maybe"'],
      [{ HEADWAY_JOBS_POLL_MS: '5' }, 'HEADWAY_JOBS_POLL_MS must be a whole number of milliseconds from 10'],
      [{ HEADWAY_JOBS_LEASE_SECONDS: '0' }, 'HEADWAY_JOBS_LEASE_SECONDS must be a whole number from 1'],
      [{ HEADWAY_JOBS_RETRY_SECONDS: 'soon' }, 'HEADWAY_JOBS_RETRY_SECONDS must be a whole number'],
    ])('stops the start naming the bad setting: %o', (env, message) => {
      expect(() => readConfig(env)).toThrow(ConfigError);
      expect(() => readConfig(env)).toThrow(message);
    });

    it('runs the worker in the server, looking every 5 seconds, holding a job 5 minutes, retrying after 30 seconds', () => {
      expect(readConfig({}).jobs).toEqual({
        runInServer: true,
        pollMs: 5000,
        leaseSeconds: 300,
        retrySeconds: 30,
      });
      expect(
        readConfig({
          HEADWAY_JOBS_WORKER: 'off',
          HEADWAY_JOBS_POLL_MS: '50',
          HEADWAY_JOBS_LEASE_SECONDS: '3',
          HEADWAY_JOBS_RETRY_SECONDS: '1',
        }).jobs,
      ).toEqual({ runInServer: false, pollMs: 50, leaseSeconds: 3, retrySeconds: 1 });
    });
  });
});
