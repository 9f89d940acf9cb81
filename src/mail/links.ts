// Links that leave Headway (in e-mails, printed by the command line) must be absolute: they start from
// HEADWAY_PUBLIC_URL, or from where this configuration listens, as `headway start` prints it.
import type { Config } from '../config.js';

/** What a link needs of the configuration: where Headway is reached, or where it listens. */
export type LinkConfig = Pick<Config, 'publicUrl' | 'port'> & Partial<Pick<Config, 'host'>>;

/** The address a link starts with: HEADWAY_PUBLIC_URL, else where this configuration listens. */
export function publicBase(config: LinkConfig): string {
  if (config.publicUrl) return config.publicUrl;
  const host = !config.host || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** `path` (starting with /) as an address someone can follow from their mailbox. */
export function absoluteUrl(config: LinkConfig, path: string): string {
  if (!path.startsWith('/')) throw new Error(`A link within Headway starts with /, not "${path}"`);
  return `${publicBase(config)}${path}`;
}
