// Security headers on every response: pages, API, static files, error pages and downloads alike; and no caching
// of anything but the public assets.
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

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

const styleNonces = new WeakMap<ServerResponse, string>();

/**
 * Helmet's headers, with their policy parsed once at start-up: its Fastify plugin built the middleware again for each
 * request. The style nonce is the only part that differs between responses.
 */
const securityHeaders = helmet({
  // No script is inline, so script-src needs no nonce and never 'unsafe-inline'; event-handler attributes are
  // refused outright by script-src-attr.
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", (_request, response) => `'nonce-${styleNonces.get(response as ServerResponse)}'`],
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

export async function setUpWebSecurity(app: FastifyInstance): Promise<void> {
  app.decorateReply('styleNonce', '');
  app.addHook('onRequest', (request, reply, done) => {
    reply.styleNonce = randomBytes(16).toString('base64');
    styleNonces.set(reply.raw, reply.styleNonce);
    reply.header('permissions-policy', permissionsPolicy);
    // No copy of a page or download in any cache, the browser's or a proxy's: a shared computer's back button or a
    // proxy must not show one person's plans to the next. Public assets (/static, /assets) replace this with their
    // own caching as they are served; an answer about them that is not the file (a 404) keeps it.
    reply.header('cache-control', 'no-store');
    if (request.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}
