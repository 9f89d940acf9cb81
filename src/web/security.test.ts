import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { buildTestApp } from '../testing/testApp.js';

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );
}

describeEachDatabase('security headers', (current) => {
  let app: FastifyInstance;
  let responses: Record<string, InjectOptions>;
  beforeAll(async () => {
    app = await buildTestApp(current());
    const plan = await makePlan(current(), { title: 'Wellbeing plan' });
    responses = {
      page: { url: '/plans' },
      'API response': { url: '/api/v1/plans' },
      'static asset': { url: '/static/headway.css' },
      'error page': { url: '/plans/no-such-plan' },
      'API error': { url: '/api/v1/plans/no-such-plan' },
      download: { url: `/plans/${plan.slug}/export.csv` },
      'printable page': { url: `/plans/${plan.slug}/print` },
    };
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends a strict policy and the scanner-expected headers on a page, the API, a static file, an error and a download', async () => {
    for (const [what, request] of Object.entries(responses)) {
      const response = await app.inject(request);
      expect(response.statusCode, what).toBe(what.includes('error') ? 404 : 200);
      const headers = response.headers;
      const csp = directives(String(headers['content-security-policy']));
      expect(csp.get('default-src'), what).toBe("'self'");
      expect(csp.get('script-src'), what).toBe("'self'");
      expect(csp.get('script-src-attr'), what).toBe("'none'");
      expect(csp.get('frame-ancestors'), what).toBe("'none'");
      expect(csp.get('object-src'), what).toBe("'none'");
      expect(csp.get('base-uri'), what).toBe("'self'");
      expect(csp.get('form-action'), what).toBe("'self'");
      expect(csp.get('style-src'), what).not.toContain('unsafe-inline');
      expect(headers['x-content-type-options'], what).toBe('nosniff');
      expect(headers['x-frame-options'], what).toBe('DENY');
      expect(headers['referrer-policy'], what).toBe('same-origin');
      expect(headers['cross-origin-opener-policy'], what).toBe('same-origin');
      expect(headers['permissions-policy'], what).toContain('camera=()');
      expect(headers['permissions-policy'], what).toContain('geolocation=()');
      // Over plain HTTP a browser ignores HSTS, and a site not yet on HTTPS must not be locked out by it.
      expect(headers['strict-transport-security'], what).toBeUndefined();
    }
  });

  it('adds HSTS only when the request came over HTTPS, as a trusted proxy in front says', async () => {
    const behindProxy = await buildTestApp(current(), { config: { trustProxy: 1 } });
    try {
      for (const [what, request] of Object.entries(responses)) {
        const response = await behindProxy.inject({ ...request, headers: { 'x-forwarded-proto': 'https' } });
        expect(response.headers['strict-transport-security'], what).toBe(
          'max-age=31536000; includeSubDomains',
        );
        // Without a trusted proxy, the client's own word that it came over HTTPS is not taken.
        const forged = await app.inject({ ...request, headers: { 'x-forwarded-proto': 'https' } });
        expect(forged.headers['strict-transport-security'], what).toBeUndefined();
      }
    } finally {
      await behindProxy.close();
    }
  });

  it('puts no inline script on a page: scripts come from Headway itself, and no element has an event attribute', async () => {
    const page = await app.inject({ url: '/plans/new' });
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc="\/static\//);
      expect(body?.trim()).toBe('');
    }
    expect(page.body).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page.body).not.toContain('nonce=');
  });

  it('gives the printable pages a style nonce that is new on every response and named in the policy', async () => {
    const { print } = { print: responses['printable page']! };
    const first = await app.inject(print);
    const second = await app.inject(print);
    const nonceOf = (body: string) => /<style nonce="([^"]+)">/.exec(body)?.[1];
    const nonce = nonceOf(first.body);
    expect(nonce).toBeDefined();
    expect(nonceOf(second.body)).not.toBe(nonce);
    expect(directives(String(first.headers['content-security-policy'])).get('style-src')).toBe(
      `'self' 'nonce-${nonce}'`,
    );
  });

  it('lets the API page be framed by nobody either, and run no inline script', async () => {
    const docs = await app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    const csp = directives(String(docs.headers['content-security-policy']));
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('script-src')).not.toContain('unsafe-inline');
    expect(csp.get('script-src-attr')).toBe("'none'");
    expect(docs.headers['x-frame-options']).toBe('DENY');
  });
});
