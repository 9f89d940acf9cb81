// Drives one URL with autocannon over loopback and keeps the figures the report needs.
import autocannon from 'autocannon';

export interface LoadSettings {
  connections: number;
  warmUpSeconds: number;
  seconds: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  /** Connection errors, timeouts included: requests that got no response at all. */
  failures: number;
}

export interface ResponseCheck {
  status: number;
  bytes: number;
  /** How many of the measured plan's actions the response names; fewer than the plan has means figures for part of it. */
  actionsShown: number;
}

/** One request before the load, to show what is being measured and to catch a page that is not the whole plan. */
export async function checkResponse(
  url: string,
  refPattern: RegExp,
  headers: Record<string, string> = {},
): Promise<ResponseCheck> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const body = await response.text();
  const refs = new Set(body.match(refPattern) ?? []);
  return { status: response.status, bytes: Buffer.byteLength(body), actionsShown: refs.size };
}

/**
 * autocannon stops by dropping its connections, but the server is still working on the requests they carried.
 * Waiting a few slow-request lengths keeps those from overlapping the next run or meeting a closed database.
 */
function drain(result: autocannon.Result): Promise<void> {
  const wait = Math.min(10_000, Math.max(1000, 3 * result.latency.p99));
  return new Promise((resolve) => setTimeout(resolve, wait));
}

export async function measure(
  url: string,
  settings: LoadSettings,
  headers: Record<string, string> = {},
): Promise<Measurement> {
  // The warm-up lets the JIT, the template cache and the database's page cache settle; its figures are dropped.
  const warmUp = await autocannon({
    headers,
    url,
    connections: settings.connections,
    duration: settings.warmUpSeconds,
  });
  await drain(warmUp);
  const result = await autocannon({
    url,
    headers,
    connections: settings.connections,
    duration: settings.seconds,
  });
  await drain(result);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    // Bad responses count in the warm-up too: every response must be a success, not just the measured ones.
    non2xx: warmUp.non2xx + result.non2xx,
    failures: warmUp.errors + result.errors,
  };
}
