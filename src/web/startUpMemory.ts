// Keeps V8's young generation at its starting size while Headway starts, so that an idle server does not hold it.
// Imported first by src/cli.ts: the growth is held from the first module loaded until the command says otherwise.
import { setFlagsFromString } from 'node:v8';

/**
 * Start-up (modules, templates, the demo plans) allocates tens of megabytes that live as long as the process. Passing
 * through the young generation, they make V8 double it up to its 32 MB ceiling, and V8 keeps it at that size however
 * idle the process then is: a quarter of an idle server's memory. V8 reads how fast it grows at each growth, so growth
 * is held (factor 1) while starting and given back (factor 2, V8's default) once Headway listens; under load the
 * young generation then grows as it always did. Someone who sizes the young generation in NODE_OPTIONS or on the
 * command line keeps their own setting.
 */
const tuned = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((option) =>
  /semi[-_]space/.test(option),
);
let held = !tuned;
if (held) setFlagsFromString('--semi-space-growth-factor=1');

/** Lets the young generation grow again: once the server listens, or at once for a command that is not a server. */
export function releaseYoungGeneration(): void {
  if (!held) return;
  held = false;
  setFlagsFromString('--semi-space-growth-factor=2');
}
