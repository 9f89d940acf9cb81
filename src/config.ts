// Settings read and checked once at start-up; a bad one stops the start with a message naming it.
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { isIP } from 'node:net';
import type { UserRole } from './db/schema.js';

/** Single sign-on through an OpenID Connect provider: set by HEADWAY_OIDC_*, all together or not at all. */
export interface SingleSignOnConfig {
  /** The provider's issuer address; its /.well-known/openid-configuration is read on first use. */
  issuer: string;
  clientId: string;
  /** Absent for a public client, which proves itself by PKCE alone. */
  clientSecret: string | undefined;
  /** Where the provider sends people back: registered with the provider exactly as written here. */
  redirectUrl: string;
  /** The role of a user made at their first sign-in. */
  defaultRole: Exclude<UserRole, 'admin'>;
  /** The provider's name on the button: "Sign in with Microsoft". */
  label: string;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: string;
  /** How the server logs (LOG_FORMAT): one JSON object a line, or short text for a terminal (the default there). */
  logFormat: 'json' | 'text';
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
  /** The most a .docx or .xlsx may expand to when unzipped, in bytes (HEADWAY_IMPORT_MAX_EXPANDED_MB, default 100). */
  importMaxExpandedBytes: number;
  /** The most one part of it (the document, a sheet) may expand to, in bytes (HEADWAY_IMPORT_MAX_PART_MB, default 16). */
  importMaxPartBytes: number;
  /** Absent when single sign-on is not set up. */
  singleSignOn: SingleSignOnConfig | undefined;
  /** The organisation running Headway, named in every page's header (HEADWAY_ORGANISATION_NAME, default Headway). */
  organisationName: string;
  /** Its logo, read once at start-up from HEADWAY_ORGANISATION_LOGO (a PNG or SVG file); absent when not set. */
  organisationLogo: OrganisationLogo | undefined;
  /**
   * Which proxies in front may say who the client is and whether it came over HTTPS (HEADWAY_TRUST_PROXY): none
   * (false, the default), how many hops in front of Headway, or the proxies' addresses and ranges.
   */
  trustProxy: TrustProxy;
  /** Where e-mail goes (HEADWAY_SMTP_URL and HEADWAY_MAIL_FROM); absent when e-mail is not set up. */
  mail: MailConfig | undefined;
  /** The background work (src/jobs/): how often to look for it, how long a claim holds, whether this process runs it. */
  jobs: JobsConfig;
  /**
   * The most the cache of built responses holds, in bytes (HEADWAY_CACHE_MB, default 64; 0 switches it off, so every
   * response is built afresh).
   */
  cacheMaxBytes: number;
}

export interface MailConfig {
  /** smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start), with user and password if any. */
  smtpUrl: string;
  /** The sender of every message: an address, optionally with a name ("Headway <headway@example.org>"). */
  from: string;
}

export interface JobsConfig {
  /** Whether `headway serve` and `start` run the worker in the same process (HEADWAY_JOBS_WORKER, on by default). */
  runInServer: boolean;
  /** How long the worker waits between looks for due work when there is none (HEADWAY_JOBS_POLL_MS, default 5000). */
  pollMs: number;
  /** How long a claimed job is the claimer's alone (HEADWAY_JOBS_LEASE_SECONDS, default 300). */
  leaseSeconds: number;
  /** The first retry's delay; each later one doubles, with jitter (HEADWAY_JOBS_RETRY_SECONDS, default 30). */
  retrySeconds: number;
}

export interface OrganisationLogo {
  bytes: Buffer;
  contentType: 'image/png' | 'image/svg+xml';
}

/** None; a number of proxies in front; or the addresses, CIDR ranges or proxy-addr's named ranges of the proxies. */
export type TrustProxy = false | number | string[];

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

/** A size in megabytes (fractions allowed), returned in bytes. */
function megabytesSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback * 1024 * 1024;
  const megabytes = Number(value);
  if (!Number.isFinite(megabytes) || megabytes < 0.1 || megabytes > max)
    throw new ConfigError(`${name} must be a number of megabytes from 0.1 to ${max}, not "${value}"`);
  return Math.round(megabytes * 1024 * 1024);
}

function cacheSize(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 64 * 1024 * 1024;
  const megabytes = Number(value);
  if (!Number.isFinite(megabytes) || megabytes < 0 || megabytes > 16384)
    throw new ConfigError(
      `HEADWAY_CACHE_MB must be a number of megabytes from 0 (no cache) to 16384, not "${value}"`,
    );
  return Math.round(megabytes * 1024 * 1024);
}

/** What an Office file may expand to, in all and per part; a part cannot be allowed more than the whole. */
function expansionLimits(env: NodeJS.ProcessEnv) {
  const importMaxExpandedBytes = megabytesSetting(env, 'HEADWAY_IMPORT_MAX_EXPANDED_MB', 100, 4096);
  const importMaxPartBytes = megabytesSetting(env, 'HEADWAY_IMPORT_MAX_PART_MB', 16, 4096);
  if (importMaxPartBytes > importMaxExpandedBytes)
    throw new ConfigError(
      `HEADWAY_IMPORT_MAX_PART_MB (${env.HEADWAY_IMPORT_MAX_PART_MB ?? 16}) must not be more than HEADWAY_IMPORT_MAX_EXPANDED_MB (${env.HEADWAY_IMPORT_MAX_EXPANDED_MB ?? 100}): one part cannot expand to more than the whole file`,
    );
  return { importMaxExpandedBytes, importMaxPartBytes };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

/** The header's name when HEADWAY_ORGANISATION_NAME is not set: the service's own. */
export const unnamedOrganisation = 'Headway';

function publicUrl(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (!/^https?:\/\/[^\s/]+/i.test(text))
    throw new ConfigError(`HEADWAY_PUBLIC_URL must be an http:// or https:// address, not "${text}"`);
  return text.replace(/\/+$/, '');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An https:// address; plain http:// only on this machine, where nothing travels over a network. */
function webAddress(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a web address such as https://login.example.org, not "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
    throw new ConfigError(
      `${name} must be an https:// address (http:// only for localhost or 127.0.0.1), not "${value}"`,
    );
  return value;
}

const singleSignOnRoles = ['manager', 'contributor', 'viewer'] as const;

function singleSignOn(
  env: NodeJS.ProcessEnv,
  publicAddress: string | undefined,
): SingleSignOnConfig | undefined {
  const read = (name: string) => env[name]?.trim() || undefined;
  const settings = Object.keys(env).filter((name) => name.startsWith('HEADWAY_OIDC_') && read(name));
  if (settings.length === 0) return undefined;
  const issuer = read('HEADWAY_OIDC_ISSUER');
  const clientId = read('HEADWAY_OIDC_CLIENT_ID');
  const redirectUrl =
    read('HEADWAY_OIDC_REDIRECT_URL') ??
    (publicAddress ? `${publicAddress}/sign-in/sso/callback` : undefined);
  const missing = [
    issuer ? undefined : 'HEADWAY_OIDC_ISSUER',
    clientId ? undefined : 'HEADWAY_OIDC_CLIENT_ID',
    redirectUrl ? undefined : 'HEADWAY_OIDC_REDIRECT_URL (or HEADWAY_PUBLIC_URL)',
  ].filter((name) => name !== undefined);
  if (missing.length > 0 || !issuer || !clientId || !redirectUrl)
    throw new ConfigError(
      `Single sign-on is partly set up (${settings.join(', ')}): ${
        missing.length > 1
          ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)} are`
          : `${missing[0]} is`
      } missing`,
    );
  const role = read('HEADWAY_OIDC_DEFAULT_ROLE') ?? 'viewer';
  const defaultRole = singleSignOnRoles.find((r) => r === role);
  if (!defaultRole)
    throw new ConfigError(
      `HEADWAY_OIDC_DEFAULT_ROLE must be one of ${singleSignOnRoles.join(', ')}, not "${role}" ` +
        '(make administrators with: headway user add --admin EMAIL)',
    );
  return {
    issuer: webAddress(issuer, 'HEADWAY_OIDC_ISSUER'),
    clientId,
    clientSecret: read('HEADWAY_OIDC_CLIENT_SECRET'),
    redirectUrl: webAddress(redirectUrl, 'HEADWAY_OIDC_REDIRECT_URL'),
    defaultRole,
    label: read('HEADWAY_OIDC_LABEL') ?? "your organisation's account",
  };
}

const logoMaxBytes = 1024 * 1024;

/** The logo file, checked to be what its name says, so a wrong path stops the start rather than a page breaking. */
function organisationLogo(value: string | undefined): OrganisationLogo | undefined {
  const path = value?.trim();
  if (!path) return undefined;
  const kind = extname(path).toLowerCase();
  if (kind !== '.png' && kind !== '.svg')
    throw new ConfigError(`HEADWAY_ORGANISATION_LOGO must be a .png or .svg file, not "${path}"`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : code;
    throw new ConfigError(
      `HEADWAY_ORGANISATION_LOGO names a file that cannot be read: "${path}" (${reason})`,
    );
  }
  if (bytes.length === 0 || bytes.length > logoMaxBytes)
    throw new ConfigError(
      `HEADWAY_ORGANISATION_LOGO must be a file of at most 1 MB, and not empty: "${path}" is ${bytes.length} bytes`,
    );
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const svg = /<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8'));
  if (kind === '.png' && !png)
    throw new ConfigError(`HEADWAY_ORGANISATION_LOGO "${path}" is named .png but is not a PNG image`);
  if (kind === '.svg' && !svg)
    throw new ConfigError(`HEADWAY_ORGANISATION_LOGO "${path}" is named .svg but holds no <svg> element`);
  return { bytes, contentType: kind === '.png' ? 'image/png' : 'image/svg+xml' };
}

const namedRanges = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (namedRanges.includes(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  // A netmask (255.255.0.0) is taken as well as a prefix length, as proxy-addr takes them.
  if (family === 4 && isIP(bits) === 4) return true;
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

function trustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || /^(false|off|no|0)$/i.test(text)) return false;
  const expected =
    'HEADWAY_TRUST_PROXY must be the number of proxies in front of Headway (1 for one) or their addresses ' +
    '(10.0.0.5, 10.0.0.0/8, loopback), separated by commas';
  if (/^(true|on|yes|all)$/i.test(text))
    throw new ConfigError(
      `${expected}, not "${text}": trusting every address would let any client choose the address it is counted under`,
    );
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 20)
      throw new ConfigError(`${expected}; ${hops} proxies is more than any real chain, not "${text}"`);
    return hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length > 0)
    throw new ConfigError(
      `${expected}; ${bad.map((entry) => `"${entry}"`).join(', ')} is not an address or range`,
    );
  return entries;
}

/** The SMTP server's address, checked so that a typo stops the start rather than every e-mail failing later. */
function smtpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `HEADWAY_SMTP_URL must be an address such as smtp://user:password@mail.example.org:587, not "${value}"`,
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError(
      `HEADWAY_SMTP_URL must start smtp:// (STARTTLS) or smtps:// (TLS), not "${url.protocol}//" in "${value.replace(/\/\/[^@/]*@/, '//…@')}"`,
    );
  if (!url.hostname)
    throw new ConfigError(`HEADWAY_SMTP_URL must name the mail server's host, not "${value}"`);
  return value;
}

/** An e-mail address, alone or as `Name <address>`. */
const mailboxPattern = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

function mail(env: NodeJS.ProcessEnv): MailConfig | undefined {
  const url = env.HEADWAY_SMTP_URL?.trim();
  const from = env.HEADWAY_MAIL_FROM?.trim();
  if (!url) {
    if (from) smtpFrom(from);
    return undefined;
  }
  const checkedUrl = smtpUrl(url);
  if (!from)
    throw new ConfigError(
      'HEADWAY_MAIL_FROM is missing: with HEADWAY_SMTP_URL set, it must give the address e-mail comes from, such as headway@example.org',
    );
  return { smtpUrl: checkedUrl, from: smtpFrom(from) };
}

function smtpFrom(from: string): string {
  if (!mailboxPattern.test(from))
    throw new ConfigError(
      `HEADWAY_MAIL_FROM must be an e-mail address such as headway@example.org or "Headway <headway@example.org>", not "${from}"`,
    );
  return from;
}

function jobs(env: NodeJS.ProcessEnv): JobsConfig {
  const worker = env.HEADWAY_JOBS_WORKER?.trim().toLowerCase() || 'on';
  if (worker !== 'on' && worker !== 'off')
    throw new ConfigError(`HEADWAY_JOBS_WORKER must be on or off, not "${env.HEADWAY_JOBS_WORKER}"`);
  const pollText = env.HEADWAY_JOBS_POLL_MS?.trim();
  const pollMs = pollText ? Number(pollText) : 5000;
  if (!Number.isInteger(pollMs) || pollMs < 10 || pollMs > 600_000)
    throw new ConfigError(
      `HEADWAY_JOBS_POLL_MS must be a whole number of milliseconds from 10 to 600000, not "${pollText}"`,
    );
  return {
    runInServer: worker === 'on',
    pollMs,
    leaseSeconds: wholeNumber(env, 'HEADWAY_JOBS_LEASE_SECONDS', 300, 24 * 60 * 60),
    retrySeconds: wholeNumber(env, 'HEADWAY_JOBS_RETRY_SECONDS', 30, 24 * 60 * 60),
  };
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
  const logFormat = env.LOG_FORMAT?.trim() || (process.stdout.isTTY ? 'text' : 'json');
  if (logFormat !== 'json' && logFormat !== 'text')
    throw new ConfigError(`LOG_FORMAT must be json or text, not "${logFormat}"`);
  const publicAddress = publicUrl(env.HEADWAY_PUBLIC_URL);
  return {
    port: port(env.PORT, 'PORT'),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    logLevel,
    logFormat,
    actorName: env.HEADWAY_ACTOR?.trim() || 'Programme manager',
    importMaxBytes: importLimit(env.HEADWAY_IMPORT_MAX_MB),
    ...expansionLimits(env),
    sessionIdleMinutes: wholeNumber(env, 'HEADWAY_SESSION_IDLE_MINUTES', 60, 24 * 60),
    sessionMaxHours: wholeNumber(env, 'HEADWAY_SESSION_MAX_HOURS', 12, 24 * 30),
    publicUrl: publicAddress,
    singleSignOn: singleSignOn(env, publicAddress),
    organisationName: env.HEADWAY_ORGANISATION_NAME?.trim() || unnamedOrganisation,
    organisationLogo: organisationLogo(env.HEADWAY_ORGANISATION_LOGO),
    trustProxy: trustProxy(env.HEADWAY_TRUST_PROXY),
    mail: mail(env),
    jobs: jobs(env),
    cacheMaxBytes: cacheSize(env.HEADWAY_CACHE_MB),
    ...overrides,
  };
}
