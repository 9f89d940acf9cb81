import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import type { UserRole } from '../db/schema.js';
import { setPlanRole } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { makeUser } from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { createApiToken, revokeApiToken, userForApiToken } from './apiTokens.js';

describeEachDatabase('API tokens', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  async function tokenFor(access: 'read' | 'write', role: UserRole = 'viewer') {
    const user = await makeUser(current(), { role });
    const made = await inTransaction(current(), (trx) =>
      createApiToken(trx, { name: user.name, userId: user.id }, user.id, { name: `${access} token`, access }),
    );
    return { user, ...made, authorization: `Bearer ${made.token}` };
  }

  function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    authorization: string,
    payload?: object,
  ) {
    return app.inject({ method, url, headers: { authorization }, ...(payload ? { payload } : {}) });
  }

  it('stores only a hash of the token, never the token itself', async () => {
    const { token, row } = await tokenFor('read');
    expect(token).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
    const stored = await current()
      .kysely.selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token.slice(3));
    const history = await current()
      .kysely.selectFrom('history')
      .selectAll()
      .where('record_id', '=', row.id)
      .execute();
    expect(JSON.stringify(history)).not.toContain(token.slice(3));
    expect(JSON.stringify(history)).not.toContain(stored.token_hash);
  });

  it('lets a read-only token read but refuses POST, PATCH and DELETE with 403, changing nothing', async () => {
    const { user, authorization } = await tokenFor('read', 'manager');
    const plan = await makePlan(current(), { title: 'Read-only target' });
    await inTransaction(current(), (trx) => setPlanRole(trx, { name: 'Test' }, plan.id, user.id, 'manager'));
    expect((await call('GET', `/api/v1/plans/${plan.slug}`, authorization)).statusCode).toBe(200);
    const post = await call('POST', '/api/v1/plans', authorization, { title: 'Made by a read-only token' });
    expect(post.statusCode).toBe(403);
    expect(post.json().detail).toContain('This API token can only read');
    expect(
      (await call('PATCH', `/api/v1/plans/${plan.slug}`, authorization, { version: 1, title: 'Renamed' }))
        .statusCode,
    ).toBe(403);
    expect((await call('DELETE', `/api/v1/plans/${plan.slug}`, authorization)).statusCode).toBe(403);
    const after = await current()
      .kysely.selectFrom('plans')
      .select(['title', 'version'])
      .where('id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ title: 'Read-only target', version: 1 });
    expect(
      await current()
        .kysely.selectFrom('plans')
        .select('id')
        .where('title', '=', 'Made by a read-only token')
        .execute(),
    ).toEqual([]);
  });

  it('refuses a revoked or unknown token with 401', async () => {
    const { user, row, authorization } = await tokenFor('write');
    expect((await call('GET', '/api/v1/plans', authorization)).statusCode).toBe(200);
    await inTransaction(current(), (trx) =>
      revokeApiToken(trx, { name: user.name, userId: user.id }, user.id, row.id),
    );
    const revoked = await call('GET', '/api/v1/plans', authorization);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['content-type']).toContain('application/problem+json');
    expect((await call('GET', '/api/v1/plans', 'Bearer hw_not-a-real-token')).statusCode).toBe(401);
  });

  it("acts with its user's rights: a plan they do not have answers 404, one they view refuses changes", async () => {
    const { user, authorization } = await tokenFor('write', 'viewer');
    const theirs = await makePlan(current(), { title: 'Given to the viewer' });
    const notTheirs = await makePlan(current(), { title: 'Secret misconduct plan' });
    await inTransaction(current(), (trx) => setPlanRole(trx, { name: 'Test' }, theirs.id, user.id, 'viewer'));
    expect((await call('GET', `/api/v1/plans/${theirs.slug}`, authorization)).statusCode).toBe(200);
    const hidden = await call('GET', `/api/v1/plans/${notTheirs.slug}`, authorization);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('Secret misconduct plan');
    const list = await call('GET', '/api/v1/plans', authorization);
    expect(list.body).toContain('Given to the viewer');
    expect(list.body).not.toContain('Secret misconduct plan');
    expect(
      (await call('PATCH', `/api/v1/plans/${theirs.slug}`, authorization, { version: 1, title: 'x' }))
        .statusCode,
    ).toBe(403);
    expect((await call('POST', '/api/v1/plans', authorization, { title: 'Viewer plan' })).statusCode).toBe(
      403,
    );
  });

  it('takes only tokens on the API: a session cookie opens nothing there', async () => {
    const res = await app.inject({
      url: '/api/v1/plans',
      headers: { cookie: app.signedIn.cookie, authorization: '' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('writes token use to history with who and when, at most once a minute per token', async () => {
    const { user, token, row, authorization } = await tokenFor('read');
    await call('GET', '/api/v1/plans', authorization);
    await call('GET', '/api/v1/plans', authorization);
    const uses = () =>
      current()
        .kysely.selectFrom('history')
        .selectAll()
        .where('record_id', '=', row.id)
        .where('change', '=', 'token-use')
        .execute();
    const [use, ...more] = await uses();
    expect(more).toEqual([]);
    expect(use?.actor_id).toBe(user.id);
    expect(use?.actor).toBe(user.name);
    expect(Date.now() - Date.parse(use!.at)).toBeLessThan(60_000);
    // A minute later, the next use is written again.
    await userForApiToken(current(), token, new Date(Date.now() + 61_000));
    expect(await uses()).toHaveLength(2);
    const lastUsed = await current()
      .kysely.selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(lastUsed.last_used_at).not.toBeNull();
  });
});
