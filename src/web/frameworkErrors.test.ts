import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { startServer } from '../server.js';
import { describeEachDatabase } from '../testing/databases.js';
import { form } from '../testing/forms.js';
import { fillRoute, makeOneOfEach, pageRoutes } from '../testing/routes.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const fromInject = (response: LightMyRequestResponse): Answer => ({
  status: response.statusCode,
  headers: response.headers as Answer['headers'],
  body: response.body,
});

/** What the API must answer: problem+json with the status and a title. */
function expectProblem(answer: Answer, status: number, what: string) {
  expect(answer.status, what).toBe(status);
  expect(answer.headers['content-type'], what).toContain('application/problem+json');
  const problem = JSON.parse(answer.body) as { status: number; title: string; detail: string };
  expect(problem.status, what).toBe(status);
  expect(problem.title, what).not.toBe('');
  expect(problem.detail, what).not.toBe('');
  expect(answer.headers['cache-control'], what).toBe('no-store');
}

/** What a person must see: Headway's GOV.UK error page, with its policy headers, never JSON. */
function expectErrorPage(answer: Answer, status: number, title: string, what: string) {
  expect(answer.status, what).toBe(status);
  expect(answer.headers['content-type'], what).toContain('text/html');
  expect(answer.body, what).toContain('govuk-template');
  expect(answer.body, what).toMatch(new RegExp(`<h1 class="govuk-heading-l">${title}</h1>`));
  expect(answer.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
  expect(answer.headers['cache-control'], what).toBe('no-store');
}

/** A request sent over a real socket, as Node reads it: for what never reaches Fastify (headers too large). */
function rawRequest(url: string, path: string, headers: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${headers}\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const answerHeaders: Answer['headers'] = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        answerHeaders[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: answerHeaders,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer')));
  });
}

describeEachDatabase('errors Fastify and Node raise, in Headway’s shapes', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const bigJson = JSON.stringify({ title: 'x'.repeat(3 * 1024 * 1024) });
  const cases: [what: string, api: InjectOptions, page: InjectOptions, status: number, title: string][] = [
    ['an address with no route', { url: '/api/v1/nothing-here' }, { url: '/nothing-here' }, 404, 'Not found'],
    [
      'a body over the limit',
      {
        method: 'POST',
        url: '/api/v1/plans',
        payload: bigJson,
        headers: { 'content-type': 'application/json' },
      },
      { method: 'POST', url: '/owners', ...form({ name: 'x'.repeat(3 * 1024 * 1024) }) },
      413,
      'Too large',
    ],
    [
      'a body of a type nothing reads',
      {
        method: 'POST',
        url: '/api/v1/plans',
        payload: '<plan/>',
        headers: { 'content-type': 'application/xml' },
      },
      { method: 'POST', url: '/owners', payload: '<owner/>', headers: { 'content-type': 'application/xml' } },
      415,
      'Unsupported media type',
    ],
    [
      'JSON that does not parse',
      {
        method: 'POST',
        url: '/api/v1/plans',
        payload: '{"title":',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'POST',
        url: '/owners',
        payload: '{"name":',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'Bad request',
    ],
    [
      'a malformed %-escape',
      { url: '/api/v1/plans/%E0%A4%A' },
      { url: '/plans/%E0%A4%A' },
      400,
      'Bad address',
    ],
    [
      'a part of the address over its length',
      { url: `/api/v1/plans/${'x'.repeat(150)}` },
      { url: `/plans/${'x'.repeat(150)}` },
      414,
      'Address too long',
    ],
  ];

  it.each(cases)(
    'answers %s with problem+json on the API and an error page elsewhere',
    async (what, api, page, status, title) => {
      expectProblem(fromInject(await app.inject(api)), status, `${what} (API)`);
      expectErrorPage(fromInject(await app.inject(page)), status, title, `${what} (page)`);
    },
  );

  it('answers headers too large (431) with problem+json on the API and an error page elsewhere', async () => {
    const server = await startServer(
      readConfig({}, { port: 0, host: '127.0.0.1', databaseUrl: ':memory:', logLevel: 'silent' }),
      { db: { ...current(), close: async () => {} } },
    );
    try {
      const huge = `cookie: ${'a'.repeat(40 * 1024)}\r\n`;
      expectProblem(await rawRequest(server.url, '/api/v1/plans', huge), 431, 'headers too large (API)');
      expectErrorPage(
        await rawRequest(server.url, '/plans?q=1', huge),
        431,
        'Request headers too large',
        'headers too large (page)',
      );
      // The server still answers the next request as usual.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describeEachDatabase('what browsers and proxies may keep', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends Cache-Control: no-store with every signed-in page and every download', async () => {
    const records = await makeOneOfEach(current(), {}, app.signedIn.user.id);
    const downloads = app.routeTable.filter(
      (route) => route.method === 'GET' && /\.(csv|docx|pdf|xlsx|json)$/.test(route.url),
    );
    expect(downloads.map((route) => route.url)).toEqual(
      expect.arrayContaining(['/plans/:slug/export.csv', '/plans/:slug/reports/:reportId/report.docx']),
    );
    // Single sign-on and the organisation's logo are not set up here, so their addresses are 404s.
    const addresses = [...pageRoutes(app), ...downloads]
      .filter((route) => !route.url.startsWith('/sign-in/sso') && route.url !== '/site/logo')
      .map((route) => fillRoute(route.url, records));
    expect(addresses.length).toBeGreaterThan(30);
    for (const url of [...addresses, '/api/v1/plans', `/api/v1/plans/${records.slug}/actions`]) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBeLessThan(400);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('keeps a form page signed out, and a refusal, out of caches too', async () => {
    const signIn = await app.inject({ url: '/sign-in', headers: { cookie: '' } });
    expect(signIn.headers['cache-control']).toBe('no-store');
    const refused = await app.inject({ url: '/plans/no-such-plan' });
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('lets public assets keep their caching', async () => {
    const css = await app.inject({ url: '/static/headway.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    const icon = await app.inject({ url: '/static/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    const frontend = await app.inject({ url: '/site/frontend.css' });
    expect(frontend.statusCode).toBe(200);
    expect(frontend.headers['cache-control']).toBe('public, max-age=3600');
  });
});
