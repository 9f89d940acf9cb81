import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { savePlanDraft } from '../import/savePlanDraft.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { setPlanRole } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { buildTestApp, injectAs, signedInUser, type TestApp } from '../testing/testApp.js';
import { csrfSecretCookie } from './csrf.js';
import { browserCsrf } from '../testing/forms.js';
import { ResponseCache, chosenEncoding, clientHolds } from './responseCache.js';

async function planWithAction(db: Db) {
  const plan = await makePlan(db);
  const theme = await makeTheme(db, plan.id, { title: 'Vision clarity', lead: 'Lead person' });
  const action = await makeAction(db, plan.id, {
    themeId: theme.id,
    title: 'Publish the vision',
    owners: ['Corp Comms'],
    progress: `<p>${'Words of progress. '.repeat(80)}</p>`,
  });
  return { plan, theme, action };
}

const contentVersion = async (db: Db, planId: string) =>
  (
    await db.kysely
      .selectFrom('plans')
      .select('content_version')
      .where('id', '=', planId)
      .executeTakeFirstOrThrow()
  ).content_version;

describeEachDatabase('responses built once per plan version', (current) => {
  let app: TestApp;

  it('answers a repeated request from the cache with the same strong tag, and 304 to a client holding it', async () => {
    app = await buildTestApp(current());
    const { plan } = await planWithAction(current());
    for (const url of [
      `/api/v1/plans/${plan.slug}/actions`,
      `/api/v1/plans/${plan.slug}/export.json`,
      `/plans/${plan.slug}/export.json`,
      `/plans/${plan.slug}/export.csv`,
      `/plans/${plan.slug}/export.xlsx`,
    ]) {
      const first = await app.inject(url);
      expect(first.statusCode, url).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag, url).toMatch(/^"[\w-]+"$/);
      const again = await app.inject(url);
      expect(again.headers.etag).toBe(etag);
      expect(again.rawPayload.equals(first.rawPayload), url).toBe(true);
      const held = await app.inject({ url, headers: { 'if-none-match': etag } });
      expect(held.statusCode, url).toBe(304);
      expect(held.body).toBe('');
      const other = await app.inject({ url, headers: { 'if-none-match': '"something-else"' } });
      expect(other.statusCode).toBe(200);
    }
    expect(app.responseCache.size).toBeGreaterThanOrEqual(5);
  });

  it('shows every kind of change in the next response: edit, update, import, owner rename', async () => {
    const db = current();
    const { plan, action } = await planWithAction(db);
    const list = `/api/v1/plans/${plan.slug}/actions`;
    const page = `/plans/${plan.slug}`;
    const json = `/api/v1/plans/${plan.slug}/export.json`;
    const seen = async () => {
      const [a, b, c] = await Promise.all([app.inject(list), app.inject(page), app.inject(json)]);
      return { list: a.json(), page: b.body, json: c.body, etag: String(a.headers.etag) };
    };
    const before = await seen();
    expect(before.page).toContain('Publish the vision');

    const edited = await app.inject({
      method: 'PATCH',
      url: `${list}/${action.id}`,
      payload: { version: action.version, title: 'Publish the vision widely' },
    });
    expect(edited.statusCode).toBe(200);
    const afterEdit = await seen();
    expect(afterEdit.list.items[0].title).toBe('Publish the vision widely');
    expect(afterEdit.page).toContain('Publish the vision widely');
    expect(afterEdit.json).toContain('Publish the vision widely');
    expect(afterEdit.etag).not.toBe(before.etag);
    const stale = await app.inject({ url: list, headers: { 'if-none-match': before.etag } });
    expect(stale.statusCode).toBe(200);

    const posted = await app.inject({
      method: 'POST',
      url: `${list}/${action.id}/updates`,
      payload: { body: 'The vision is out', statusChange: 'complete' },
    });
    expect(posted.statusCode).toBe(201);
    const afterUpdate = await seen();
    expect(afterUpdate.list.items[0].status).toBe('complete');
    expect(afterUpdate.json).toContain('The vision is out');

    // An import saves in a transaction of its own making: the version still moves with it.
    const stored = await findPlanBySlug(db.kysely, plan.slug);
    await db.kysely.transaction().execute((trx) =>
      savePlanDraft(
        trx,
        { ...testActor, source: 'import: test' },
        {
          plan: { title: stored.title, horizons: [] },
          themes: [],
          actions: [{ title: 'An imported action', theme: null, horizon: null, updates: [] }],
        },
        stored,
      ),
    );
    const afterImport = await seen();
    expect(afterImport.list.items.map((item: { title: string }) => item.title)).toContain(
      'An imported action',
    );
    expect(afterImport.page).toContain('An imported action');

    const owners = (await app.inject('/api/v1/owners?q=Corp')).json().items;
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/owners/${owners[0].id}`,
      payload: { version: owners[0].version, name: 'Corporate Communications' },
    });
    expect(renamed.statusCode).toBe(200);
    const afterRename = await seen();
    expect(afterRename.list.items[0].owners).toEqual(['Corporate Communications']);
    expect(afterRename.page).toContain('Corporate Communications');
    expect(afterRename.json).toContain('Corporate Communications');
  });

  it('gives each reader the variant of their own role, follows role changes, and nothing once removed', async () => {
    const db = current();
    const { plan } = await planWithAction(db);
    const config = readConfig({}, { actorName: 'Test Manager' });
    const member = await signedInUser(db, config, 'viewer', 'Plan member');
    const asMember = injectAs(app.inject.bind(app), member);
    const setRole = (role: 'manager' | 'viewer' | null) =>
      inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, member.user.id, role));
    const manages = (body: string) =>
      body.includes(`/plans/${plan.slug}/themes/`) && body.includes('Move up');

    // The administrator's page (a manager's variant) is built and cached first.
    expect(manages((await app.inject(`/plans/${plan.slug}`)).body)).toBe(true);
    await setRole('viewer');
    const asViewer = await asMember(`/plans/${plan.slug}`);
    expect(asViewer.statusCode).toBe(200);
    expect(manages(asViewer.body)).toBe(false);
    expect(asViewer.body).not.toContain('Add an action');

    await setRole('manager');
    const asManager = await asMember(`/plans/${plan.slug}`);
    expect(manages(asManager.body)).toBe(true);
    // Each form carries this request's token, never the one the cached part was built with.
    const tokens = [...asManager.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.every((token) => !token!.startsWith('hw-csrf-'))).toBe(true);

    await setRole('viewer');
    expect(manages((await asMember(`/plans/${plan.slug}`)).body)).toBe(false);

    await setRole(null);
    for (const url of [`/plans/${plan.slug}`, `/plans/${plan.slug}/export.json`])
      expect((await asMember(url)).statusCode, url).toBe(404);
    for (const url of [`/api/v1/plans/${plan.slug}/actions`, `/api/v1/plans/${plan.slug}/export.json`])
      expect((await asMember(url)).statusCode, url).toBe(404);
  });

  it('keeps a whole plan page for one reader in one browser: same bytes and tag, forms that post, every change, nobody else’s page', async () => {
    const db = current();
    const { plan, action } = await planWithAction(db);
    const config = readConfig({}, { actorName: 'Test Manager' });
    const manager = await signedInUser(db, config, 'viewer', 'Mina Manager');
    const viewer = await signedInUser(db, config, 'viewer', 'Vic Viewer');
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, manager.user.id, 'manager'));
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, viewer.user.id, 'viewer'));
    const page = `/plans/${plan.slug}`;
    const manages = (body: string) => body.includes('Add an action') && body.includes('Move up');

    // A browser's first visit is drawn for it and sets the secret its form tokens are made from; nothing is kept.
    const firstVisit = await app.inject({ url: page, headers: { cookie: manager.cookie } });
    expect(firstVisit.headers.etag).toBeUndefined();
    const secretCookie = [firstVisit.headers['set-cookie'] ?? []]
      .flat()
      .find((cookie) => cookie.startsWith(`${csrfSecretCookie}=`))!
      .split(';')[0]!;
    const inBrowser = (as: { cookie: string }, headers: Record<string, string> = {}) =>
      app.inject({ url: page, headers: { cookie: `${as.cookie}; ${secretCookie}`, ...headers } });

    const kept = await inBrowser(manager);
    const etag = String(kept.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(kept.body).toContain('Mina Manager');
    expect(manages(kept.body)).toBe(true);
    const again = await inBrowser(manager);
    expect(again.rawPayload.equals(kept.rawPayload)).toBe(true);
    expect((await inBrowser(manager, { 'if-none-match': etag })).statusCode).toBe(304);

    // Another reader in the same browser gets their own page: their name, their variant, another tag.
    const asViewer = await inBrowser(viewer);
    expect(asViewer.body).toContain('Vic Viewer');
    expect(asViewer.body).not.toContain('Mina Manager');
    expect(manages(asViewer.body)).toBe(false);
    expect(asViewer.headers.etag).not.toBe(etag);
    expect((await inBrowser(viewer, { 'if-none-match': etag })).statusCode).toBe(200);

    // A change shows in the next response, with a new tag.
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/v1/plans/${plan.slug}/actions/${action.id}`,
      payload: { version: action.version, title: 'Publish the vision to everyone' },
    });
    expect(edited.statusCode).toBe(200);
    const afterEdit = await inBrowser(manager, { 'if-none-match': etag });
    expect(afterEdit.statusCode).toBe(200);
    expect(afterEdit.body).toContain('Publish the vision to everyone');
    expect(afterEdit.headers.etag).not.toBe(etag);

    // Losing the role is seen at once, whatever the page kept.
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, manager.user.id, 'viewer'));
    expect(manages((await inBrowser(manager)).body)).toBe(false);

    // The kept page's form tokens are good for this browser: its sign-out form signs out, and nothing is kept after.
    const token = /name="_csrf" value="([^"]+)"/.exec((await inBrowser(manager)).body)![1]!;
    const signedOut = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: {
        cookie: `${manager.cookie}; ${secretCookie}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(signedOut.statusCode).toBe(303);
    const afterSignOut = await inBrowser(manager);
    expect(afterSignOut.statusCode).toBe(303);
    expect(afterSignOut.body).not.toContain('Publish the vision');
  });

  it('keeps two app instances on one database correct: each sees the other’s change', async () => {
    const db = current();
    const { plan, action } = await planWithAction(db);
    const other = await buildTestApp(db);
    const list = `/api/v1/plans/${plan.slug}/actions`;
    expect((await app.inject(list)).json().items[0].title).toBe('Publish the vision');
    expect((await other.inject(list)).json().items[0].title).toBe('Publish the vision');
    const version = await contentVersion(db, plan.id);
    const edited = await other.inject({
      method: 'PATCH',
      url: `${list}/${action.id}`,
      payload: { version: action.version, title: 'Changed by the other instance' },
    });
    expect(edited.statusCode).toBe(200);
    expect(await contentVersion(db, plan.id)).toBeGreaterThan(version);
    expect((await app.inject(list)).json().items[0].title).toBe('Changed by the other instance');
    expect((await app.inject(`/plans/${plan.slug}`)).body).toContain('Changed by the other instance');
    await other.close();
  });

  it('moves the content version once per change, and not the plan’s own edit version', async () => {
    const db = current();
    const { plan, action } = await planWithAction(db);
    const stored = await findPlanBySlug(db.kysely, plan.slug);
    const before = await contentVersion(db, plan.id);
    await app.inject({
      method: 'PATCH',
      url: `/api/v1/plans/${plan.slug}/actions/${action.id}`,
      payload: { version: action.version, title: 'Another title' },
    });
    expect(await contentVersion(db, plan.id)).toBe(before + 1);
    // The plan can still be edited from the version its form was read at.
    const planEdit = await app.inject({
      method: 'PATCH',
      url: `/api/v1/plans/${plan.slug}`,
      payload: { version: stored.version, sponsor: 'A sponsor' },
    });
    expect(planEdit.statusCode).toBe(200);
  });

  it('compresses what the client asks for, once, with a tag of its own per encoding', async () => {
    const { plan } = await planWithAction(current());
    const url = `/api/v1/plans/${plan.slug}/export.json`;
    const plain = await app.inject(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const gzipped = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gzipped.rawPayload).equals(plain.rawPayload)).toBe(true);
    const brotli = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.rawPayload).equals(plain.rawPayload)).toBe(true);
    const tags = new Set([plain.headers.etag, gzipped.headers.etag, brotli.headers.etag]);
    expect(tags.size).toBe(3);
    const again = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
    expect(again.rawPayload.equals(brotli.rawPayload)).toBe(true);
    const held = await app.inject({
      url,
      headers: { 'accept-encoding': 'br', 'if-none-match': String(brotli.headers.etag) },
    });
    expect(held.statusCode).toBe(304);
    // A tag of one encoding does not stand for another's bytes.
    const otherEncoding = await app.inject({
      url,
      headers: { 'accept-encoding': 'gzip', 'if-none-match': String(brotli.headers.etag) },
    });
    expect(otherEncoding.statusCode).toBe(200);

    // Pages outside the cache are compressed too, when asked.
    const page = await app.inject({ url: `/plans/${plan.slug}`, headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(page.rawPayload).toString()).toContain('Publish the vision');
    const small = await app.inject({ url: '/health', headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('builds every response afresh with the cache switched off, and stays correct', async () => {
    const db = current();
    const config = readConfig({}, { actorName: 'Test Manager', cacheMaxBytes: 0 });
    const uncached = await buildApp({ db, config });
    const as = await signedInUser(db, config, 'admin');
    const inject = injectAs(uncached.inject.bind(uncached), as);
    const { plan, action } = await planWithAction(db);
    const list = `/api/v1/plans/${plan.slug}/actions`;
    const first = await inject(list);
    const held = await inject({ url: list, headers: { 'if-none-match': String(first.headers.etag) } });
    expect(held.statusCode).toBe(304);
    await inject({
      method: 'PATCH',
      url: `${list}/${action.id}`,
      payload: { version: action.version, title: 'Uncached title' },
    });
    expect((await inject(list)).json().items[0].title).toBe('Uncached title');
    expect(uncached.responseCache.size).toBe(0);
    await uncached.close();
    await app.close();
  });
});

describeEachDatabase(
  'the form tokens of a plan page, its actions kept or drawn for the request',
  (current) => {
    for (const cacheMaxBytes of [64 * 1024 * 1024, 0]) {
      it(`gives each browser tokens its forms can post with [cache ${cacheMaxBytes ? 'on' : 'off'}]`, async () => {
        const db = current();
        const config = readConfig({}, { actorName: 'Test Manager', cacheMaxBytes });
        const served = await buildApp({ db, config });
        const as = await signedInUser(db, config, 'admin');
        const inject = injectAs(served.inject.bind(served), as, { csrf: false });
        const { plan, theme } = await planWithAction(db);
        await makeTheme(db, plan.id, { title: 'Second theme' });
        const move = `/plans/${plan.slug}/themes/${theme.id}/move`;
        for (const browser of [browserCsrf(), browserCsrf(), null]) {
          for (let view = 0; view < 2; view++) {
            const page = await inject({
              url: `/plans/${plan.slug}`,
              headers: browser ? { cookie: browser.cookie } : {},
            });
            expect(page.statusCode).toBe(200);
            expect(page.body).toContain('Publish the vision');
            const set = [page.headers['set-cookie'] ?? []]
              .flat()
              .find((c) => c.startsWith(`${csrfSecretCookie}=`));
            const cookie = browser?.cookie ?? set!.split(';')[0]!;
            const form = new RegExp(
              `action="${move}">${'<input type="hidden" name="_csrf" value="([^"]+)">'}`,
            ).exec(page.body);
            expect(form).not.toBeNull();
            const posted = await inject({
              method: 'POST',
              url: move,
              headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
              payload: `_csrf=${encodeURIComponent(form![1]!)}&direction=down`,
            });
            expect(posted.statusCode).toBe(303);
            // Another browser's token is refused.
            const other = await inject({
              method: 'POST',
              url: move,
              headers: { cookie: browserCsrf().cookie, 'content-type': 'application/x-www-form-urlencoded' },
              payload: `_csrf=${encodeURIComponent(form![1]!)}&direction=up`,
            });
            expect(other.statusCode).toBe(403);
          }
        }
        await served.close();
      });
    }
  },
);

describe('the cache of built responses', () => {
  const built = (size: number) => async () => ({ body: 'x'.repeat(size), contentType: 'text/plain' });

  it('holds at most its bound in bytes, letting the least recently used go first', async () => {
    const cache = new ResponseCache(3000);
    await cache.response('a', built(1000));
    await cache.response('b', built(1000));
    await cache.response('a', built(1000));
    await cache.response('c', built(1500));
    expect(cache.bytesHeld).toBeLessThanOrEqual(3000);
    let rebuilt = 0;
    await cache.response('a', async () => {
      rebuilt += 1;
      return built(1000)();
    });
    expect(rebuilt).toBe(0);
    await cache.response('b', async () => {
      rebuilt += 1;
      return built(1000)();
    });
    expect(rebuilt).toBe(1);
    // Something bigger than the whole bound is answered but not kept.
    await cache.response('huge', built(5000));
    expect(cache.bytesHeld).toBeLessThanOrEqual(3000);
  });

  it('builds one response once for requests that ask for it at the same time', async () => {
    const cache = new ResponseCache(10_000);
    let builds = 0;
    const build = async () => {
      builds += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return { body: 'same', contentType: 'text/plain' };
    };
    const entries = await Promise.all([cache.response('k', build), cache.response('k', build)]);
    expect(builds).toBe(1);
    expect(entries[0]).toBe(entries[1]);
  });

  it('reads Accept-Encoding and If-None-Match as HTTP says', () => {
    expect(chosenEncoding(undefined)).toBeNull();
    expect(chosenEncoding('gzip, deflate, br')).toBe('br');
    expect(chosenEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chosenEncoding('gzip;q=0.5, br;q=0.8')).toBe('br');
    expect(chosenEncoding('identity')).toBeNull();
    expect(chosenEncoding('*')).toBe('br');
    expect(clientHolds('"a", W/"b"', '"b"')).toBe(true);
    expect(clientHolds('*', '"b"')).toBe(true);
    expect(clientHolds('"a"', '"b"')).toBe(false);
  });
});
