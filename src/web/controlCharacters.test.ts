import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import { describeEachDatabase } from '../testing/databases.js';
import { everything } from '../testing/everything.js';
import { multipartForm } from '../testing/forms.js';
import { formPost } from '../testing/people.js';
import { fillRoute, makeOneOfEach, pageRoutes, type RouteRecords } from '../testing/routes.js';
import { injectAs, signedInUser, type SignedInAs } from '../testing/testApp.js';
import { textProblem } from './controlCharacters.js';
import { csrfFieldName, csrfSecretCookie } from './csrf.js';

const nul = '\u0000';

describe('what counts as a control character', () => {
  it.each([
    ['NUL', 'a\u0000b', 'U+0000, NUL'],
    ['a vertical tab, as Word writes a line break', 'one\u000btwo', 'U+000B, vertical tab'],
    ['ESC', '\u001b[31mred', 'U+001B, ESC'],
    ['DEL', 'x\u007f', 'U+007F, DEL'],
    ['a C1 control, as text decoded with the wrong character set has', 'smart \u0093quote', 'U+0093'],
  ])('refuses %s, naming the character and where it is', (_, text, label) => {
    expect(textProblem(text)).toContain(`control character (${label})`);
  });

  it('says on which line and at which character a control character is', () => {
    expect(textProblem('first line\nsecond\u0000')).toContain('at line 2, character 7');
    expect(textProblem('ab\u0000')).toContain('at character 3');
  });

  it('refuses half a surrogate pair, and takes a whole one', () => {
    expect(textProblem('\ud800')).toContain('half of a surrogate pair');
    expect(textProblem('x\udc00y')).toContain('half of a surrogate pair');
    expect(textProblem('Progress 👍')).toBeUndefined();
  });

  it('takes tabs, line breaks and everything a person types', () => {
    expect(textProblem('Action\tOwner\r\nRolling updates – “7/8/21”: café, naïve, £5, 100%')).toBeUndefined();
  });
});

interface RouteFields {
  /** Body fields, with a value that would be sent with them (a form's own, or "x"). */
  body: Map<string, string>;
  query: Set<string>;
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The forms of a page: where each posts (or gets) and the names and values of its fields. */
function formsOf(html: string, pageUrl: string) {
  const forms: { method: string; path: string; fields: Map<string, string> }[] = [];
  for (const [, attributes = '', inner = ''] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = unescapeHtml(/\saction="([^"]*)"/.exec(attributes)?.[1] ?? pageUrl);
    const method = (/\smethod="([^"]*)"/i.exec(attributes)?.[1] ?? 'get').toUpperCase();
    const fields = new Map<string, string>();
    for (const [, tag = '', tagAttributes = ''] of inner.matchAll(
      /<(input|select|textarea|button)\b([^>]*)>/g,
    )) {
      const name = /\sname="([^"]+)"/.exec(tagAttributes)?.[1];
      if (!name) continue;
      const value = tag === 'input' ? /\svalue="([^"]*)"/.exec(tagAttributes)?.[1] : undefined;
      if (!fields.has(unescapeHtml(name))) fields.set(unescapeHtml(name), unescapeHtml(value ?? 'x'));
    }
    forms.push({ method, path: action.split('?')[0] ?? action, fields });
  }
  return forms;
}

/** Fields sent to page posts whose form no page shows (signing in, for someone already signed in). */
const fallbackFields = ['title', 'name', 'body', 'email', 'password'];

describeEachDatabase('control characters refused at the edge', (current) => {
  let app: FastifyInstance;
  let inject: ReturnType<typeof injectAs>;
  let admin: SignedInAs;
  const routes: RouteOptions[] = [];

  beforeAll(async () => {
    const config = readConfig({}, { actorName: 'Test Manager' });
    app = await buildApp({ db: current(), config, onRoute: (route) => void routes.push(route) });
    admin = await signedInUser(current(), config, 'admin');
    inject = injectAs(app.inject.bind(app), admin);
  });
  afterAll(async () => {
    await app.close();
  });

  const routeKey = (method: string, url: string) => `${method} ${url}`;

  /** Each route's fields: API ones from its schema, page ones from the forms the app's own pages draw. */
  async function fieldsOfRoutes(records: RouteRecords): Promise<Map<string, RouteFields>> {
    const fields = new Map<string, RouteFields>();
    const entry = (key: string) => {
      let found = fields.get(key);
      if (!found) fields.set(key, (found = { body: new Map(), query: new Set() }));
      return found;
    };
    for (const route of routes) {
      const schema = (route.schema ?? {}) as {
        body?: { properties?: object };
        querystring?: { properties?: object };
      };
      for (const method of [route.method].flat()) {
        const found = entry(routeKey(method, route.url));
        for (const name of Object.keys(schema.body?.properties ?? {})) found.body.set(name, 'x');
        for (const name of Object.keys(schema.querystring?.properties ?? {})) found.query.add(name);
      }
    }
    const byAddress = new Map<string, string>();
    for (const route of app.routeTable)
      if (!route.url.includes('*'))
        byAddress.set(
          routeKey(route.method, fillRoute(route.url, records)),
          routeKey(route.method, route.url),
        );
    for (const page of pageRoutes(app)) {
      const url = fillRoute(page.url, records);
      const response = await inject({ url });
      if (!String(response.headers['content-type']).includes('text/html')) continue;
      for (const form of formsOf(response.body, url)) {
        const key = byAddress.get(routeKey(form.method, form.path));
        if (!key) continue;
        const found = entry(key);
        for (const [name, value] of form.fields)
          if (form.method === 'GET') found.query.add(name);
          else if (!found.body.has(name)) found.body.set(name, value);
      }
    }
    return fields;
  }

  /** The address of a route, with each parameter a record's, or one parameter given a control character. */
  function address(url: string, records: RouteRecords, poisoned?: string): string {
    const filled = fillRoute(
      url,
      Object.fromEntries(
        Object.entries(records).map(([name, value]) => [name, name === poisoned ? `${value}${nul}` : value]),
      ),
    );
    return filled.replace('*', poisoned === '*' ? `headway${encodeURIComponent(nul)}.css` : 'headway.css');
  }

  function expectRefusal(response: LightMyRequestResponse, field: string, what: string, isApi: boolean) {
    expect(response.statusCode, what).toBe(400);
    if (response.body === '') return; // HEAD
    if (isApi) {
      expect(response.headers['content-type'], what).toContain('application/problem+json');
      const problem = response.json<{ errors: Record<string, string> }>();
      expect(Object.keys(problem.errors), what).toEqual([field]);
      expect(problem.errors[field], what).toContain('control character (U+0000, NUL)');
    } else {
      expect(response.headers['content-type'], what).toContain('text/html');
      expect(response.body, what).toContain('govuk-error-summary');
      expect(unescapeHtml(response.body), what).toContain(field === '*' ? 'The address (its path)' : field);
      expect(response.body, what).toContain('control character (U+0000, NUL)');
    }
  }

  it('refuses NUL in every field, query parameter and address part of every route with 400 naming it, and changes nothing', async () => {
    const records = await makeOneOfEach(current(), {}, admin.user.id);
    const fields = await fieldsOfRoutes(records);
    // A few known ones, so that a broken discovery of fields cannot pass unnoticed.
    expect([...(fields.get('POST /plans/:slug/actions/:actionId/edit')?.body.keys() ?? [])]).toEqual(
      expect.arrayContaining(['title', 'owners', 'version', csrfFieldName]),
    );
    expect([...(fields.get('POST /api/v1/plans/:slug/actions')?.body.keys() ?? [])]).toEqual(
      expect.arrayContaining(['title', 'owners', 'completedOn']),
    );
    expect([...(fields.get('GET /plans/:slug')?.query ?? [])].length).toBeGreaterThan(0);
    // A token's first use is recorded (even on a refused request): used once here, before the comparison.
    await inject({ url: '/api/v1/plans' });
    const before = await everything(current());
    let requests = 0;
    for (const route of app.routeTable) {
      const key = routeKey(route.method, route.url);
      const isApi = route.url.startsWith('/api/');
      const method = route.method as InjectOptions['method'];
      const found = fields.get(key) ?? { body: new Map<string, string>(), query: new Set<string>() };
      const send = (options: InjectOptions) => {
        requests += 1;
        return inject({ method, ...options });
      };
      // Each part of the address.
      for (const [, name] of route.url.matchAll(/:([A-Za-z]+)|(\*)/g)) {
        const param = name ?? '*';
        const response = await send({ url: address(route.url, records, param) });
        expectRefusal(response, param, `${key} with NUL in :${param}`, isApi);
      }
      // Each query parameter it reads, or one it does not.
      for (const name of found.query.size > 0 ? found.query : ['q']) {
        const url = `${address(route.url, records)}?${new URLSearchParams({ [name]: `a${nul}b` })}`;
        expectRefusal(await send({ url }), name, `${key} with NUL in ?${name}`, isApi);
      }
      if (!['POST', 'PATCH', 'PUT', 'DELETE'].includes(route.method)) continue;
      const url = address(route.url, records);
      if (route.url === '/import') {
        for (const name of ['pasted', 'sheet']) {
          const response = await send({
            url,
            ...multipartForm({ pasted: 'Action\tOwner\nA\tB\n', [name]: `a${nul}b` }),
          });
          expectRefusal(response, name, `${key} with NUL in ${name}`, false);
        }
        const file = multipartForm({}, [
          { name: `plan${nul}.csv`, bytes: Buffer.from('Action,Owner\nA,B\n') },
        ]);
        expectRefusal(await send({ url, ...file }), 'file', `${key} with NUL in the file's name`, false);
        continue;
      }
      const bodyFields =
        found.body.size > 0 ? found.body : new Map(fallbackFields.map((name) => [name, 'x']));
      for (const name of bodyFields.keys()) {
        const what = `${key} with NUL in ${name}`;
        if (isApi) {
          const response = await send({ url, payload: { [name]: `a${nul}b` } });
          expectRefusal(response, name, what, true);
          continue;
        }
        const values = Object.fromEntries(
          [...bodyFields].filter(([field]) => field !== csrfFieldName || name === csrfFieldName),
        );
        values[name] = `${values[name] ?? ''}${nul}`;
        expectRefusal(await send(formPost(url, values)), name, what, false);
      }
    }
    expect(requests).toBeGreaterThan(300);
    expect(await everything(current())).toEqual(before);
  });

  it('refuses NUL in a signed-out sign-in, in a slug, in a JSON field name and in a cookie, before anything reads them', async () => {
    await inject({ url: '/api/v1/plans' });
    const before = await everything(current());
    const signIn = await app.inject(
      formPost('/sign-in', { email: `a${nul}@example.org`, password: 'x' }, { cookie: '' }),
    );
    expectRefusal(signIn, 'email', 'signing in', false);
    const slug = await app.inject({ url: '/plans/a%00b' });
    expectRefusal(slug, 'slug', 'a slug, signed out', false);
    const key = await inject({
      method: 'POST',
      url: '/api/v1/plans',
      headers: { 'content-type': 'application/json' },
      payload: '{"title":"Fine","nested":{"ke\\u0000y":"x"}}',
    });
    expect(key.statusCode).toBe(400);
    expect(key.json().errors).toEqual({
      'nested.ke\\u0000y': expect.stringContaining('The field name contains'),
    });
    const deep = await inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: { title: 'Fine', horizons: ['Short term', `Long${nul}term`] },
    });
    expect(deep.json().errors).toEqual({ 'horizons.1': expect.stringContaining('U+0000, NUL') });
    const cookie = await inject({ url: '/plans', headers: { cookie: `${csrfSecretCookie}=a%00b` } });
    expectRefusal(cookie, csrfSecretCookie, 'a cookie', false);
    expect(await everything(current())).toEqual(before);
  });

  it('refuses a JSON body that is not UTF-8, or that spells half a surrogate pair, and changes nothing', async () => {
    await inject({ url: '/api/v1/plans' });
    const before = await everything(current());
    const post = (payload: Buffer | string, type = 'application/json') =>
      inject({ method: 'POST', url: '/api/v1/plans', headers: { 'content-type': type }, payload });
    const latin1 = await post(Buffer.from('{"title":"Caf\u00e9 plan"}', 'latin1'));
    expect(latin1.statusCode).toBe(400);
    expect(latin1.headers['content-type']).toContain('application/problem+json');
    expect(latin1.json().detail).toContain('not valid UTF-8');
    const lone = await post('{"title":"Plan \\ud800"}');
    expect(lone.statusCode).toBe(400);
    expect(lone.json().errors).toEqual({ title: expect.stringContaining('half of a surrogate pair') });
    const utf16 = await post(Buffer.from('{"title":"x"}', 'utf16le'), 'application/json; charset=utf-16');
    expect(utf16.statusCode).toBe(415);
    expect(await everything(current())).toEqual(before);
    // The same text, well formed, is saved as sent.
    const saved = await post(Buffer.from('{"title":"Caf\u00e9 plan \ud83d\udc4d"}', 'utf8'));
    expect(saved.statusCode).toBe(201);
    expect(saved.json().title).toBe('Caf\u00e9 plan \ud83d\udc4d');
  });
});
