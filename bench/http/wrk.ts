// Runs wrk against one URL and reads requests/s and latency percentiles from what it prints.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses other than 2xx or 3xx, and socket errors (connect, read, write, timeout). */
  errors: number;
}

export interface WrkSettings {
  connections: number;
  seconds: number;
}

export async function wrkAvailable(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (error) {
    // wrk --version prints its version and exits 1.
    return (
      typeof error === 'object' && error !== null && 'stdout' in error && /wrk/.test(String(error.stdout))
    );
  }
}

export async function wrk(
  url: string,
  settings: WrkSettings,
  headers: Record<string, string>,
): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${settings.connections}`,
    `-d${settings.seconds}s`,
    '--timeout',
    '30s',
    '--latency',
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    url,
  ];
  const { stdout } = await run('wrk', args, { maxBuffer: 1024 * 1024 });
  return parseWrk(stdout);
}

export function parseWrk(text: string): WrkResult {
  const number = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  const latency = (percent: string) => {
    const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
    if (!match) return NaN;
    const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
    return Number(match[1]) * scale;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    requests: number(/(\d+) requests in/),
    errors: (number(/Non-2xx or 3xx responses: (\d+)/) || 0) + socketErrors,
  };
}
