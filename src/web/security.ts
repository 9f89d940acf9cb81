// Security headers for every response: a strict Content-Security-Policy with a nonce for the one inline script.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function setUpWebSecurity(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    // HSTS only means something behind HTTPS; the proxy in front sets it there.
    strictTransportSecurity: false,
  });
}
