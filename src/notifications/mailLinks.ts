// Addresses in e-mails: absolute, from HEADWAY_PUBLIC_URL (else where this Headway listens).
// Until the jobs branch's absoluteUrl (src/mail/links.ts) is merged in, this one line stands in for it.
import type { Config } from '../config.js';
import { publicBase } from '../people/userCommand.js';

export function absoluteUrl(config: Config, path: string): string {
  return `${publicBase(config)}${path}`;
}

/** The marking of a message about several plans: theirs if they share one, else each named (markings have no order). */
export function combinedMarking(markings: string[]): string {
  const distinct = [
    ...new Set(markings.map((marking) => marking.trim()).filter((marking) => marking !== '')),
  ];
  return distinct.sort().join(' / ');
}
