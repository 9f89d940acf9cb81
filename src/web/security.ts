// Security headers on every response: pages, API, static files, error pages and downloads alike; and no caching
// of anything but the public assets.
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

declare module 'fastify' {
  interface FastifyReply {
    /** The nonce the printable pages put on their one style element (their page margins carry the marking). */
    styleNonce: string;
  }
}

/** No feature a page of Headway uses; everything else is off for the page and for anything it might embed. */
const permissionsPolicy = [
  'accelerometer=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'interest-cohort=()',
].join(', ');

/** Where the style nonce goes in the policy, while helmet's headers are worked out once. */
const nonceMark = 'headway-style-nonce-here';

/**
 * Helmet's headers, worked out once at start-up: running its middleware on every request rebuilt the policy's text
 * each time. The style nonce is the only part that differs between responses.
 */
const helmetMiddleware = helmet({
  // No script is inline, so script-src needs no nonce and never 'unsafe-inline'; event-handler attributes are
  // refused outright by script-src-attr.
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", `'nonce-${nonceMark}'`],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      frameSrc: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  // Only over HTTPS: sent over plain HTTP it would be ignored at best, and lock out a site not yet on HTTPS.
  strictTransportSecurity: false,
});

/** The headers helmet sets, as [name, value], found by running it once on a response that only records them. */
function helmetHeaders(): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let failed: unknown;
  helmetMiddleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failed = error;
  });
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return [...headers];
}

const [fixedHeaders, policy] = (() => {
  const all = helmetHeaders();
  const csp = all.find(([name]) => name === 'content-security-policy');
  if (!csp || csp[1].split(nonceMark).length !== 2)
    throw new Error('The content security policy must name the style nonce once');
  const fixed = Object.fromEntries([
    ...all.filter(([name]) => name !== 'content-security-policy'),
    ['permissions-policy', permissionsPolicy],
    // No copy of a page or download in any cache, the browser's or a proxy's: a shared computer's back button or a
    // proxy must not show one person's plans to the next. Public assets (/static, /assets) replace this with their
    // own caching as they are served; an answer about them that is not the file (a 404) keeps it.
    ['cache-control', 'no-store'],
  ]);
  const [before, after] = csp[1].split(nonceMark) as [string, string];
  return [fixed, { before, after }] as const;
})();

/** Random bytes for nonces, drawn a block at a time: one draw from the system for 256 responses, not one each. */
const noncePool = Buffer.alloc(16 * 256);
let nonceAt = noncePool.length;

function styleNonce(): string {
  if (nonceAt === noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  const nonce = noncePool.toString('base64', nonceAt, nonceAt + 16);
  nonceAt += 16;
  return nonce;
}

export async function setUpWebSecurity(app: FastifyInstance): Promise<void> {
  app.decorateReply('styleNonce', '');
  app.addHook('onRequest', (request, reply, done) => {
    reply.styleNonce = styleNonce();
    reply.headers(fixedHeaders);
    reply.header('content-security-policy', `${policy.before}${reply.styleNonce}${policy.after}`);
    if (request.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    done();
  });
}
