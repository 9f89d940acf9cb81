import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { createOwner } from '../owners/ownerCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { formPost, makeUser, sessionCookieSet } from '../testing/people.js';
import { buildTestApp, signedInUser, type TestApp } from '../testing/testApp.js';
import { createUser, setPlanRole } from './userCommands.js';

describeEachDatabase('administration of users', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  function linkIn(body: string): string {
    const link = /data-one-time-link>([^<]+)</.exec(body)?.[1];
    if (!link) throw new Error('no one-time link on the page');
    return new URL(link).pathname;
  }

  it('is for administrators only', async () => {
    for (const role of ['manager', 'contributor', 'viewer'] as const) {
      const other = await buildTestApp(current(), { role });
      try {
        for (const url of [
          '/admin/users',
          '/admin/users/new',
          `/admin/users/${app.signedIn.user.id}`,
          '/admin/history',
        ])
          expect((await other.inject(url)).statusCode, `${role} ${url}`).toBe(403);
        const post = await other.inject(
          formPost('/admin/users', { email: 'sneaky@example.org', role: 'admin' }),
        );
        expect(post.statusCode).toBe(403);
        expect((await other.inject('/plans')).body).not.toContain('href="/admin/users"');
      } finally {
        await other.close();
      }
    }
    expect(
      await current()
        .kysely.selectFrom('users')
        .select('id')
        .where('email', '=', 'sneaky@example.org')
        .execute(),
    ).toEqual([]);
    const page = await app.inject('/plans');
    expect(page.body).toContain('href="/admin/users"');
    expect(page.body).toContain('href="/admin/history"');
  });

  it('lists users with search, a role filter, sorting and 50 a page', async () => {
    await inTransaction(current(), async (trx) => {
      for (let n = 1; n <= 51; n++)
        await createUser(
          trx,
          { name: 'Test' },
          {
            email: `paged-${String(n).padStart(2, '0')}@lists.example.org`,
            name: `Paged ${n}`,
            role: n === 7 ? 'manager' : 'viewer',
          },
        );
    });
    const first = await app.inject('/admin/users?q=lists.example&sort=email');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('51 users');
    expect(first.body.match(/data-user="/g)).toHaveLength(50);
    expect(first.body.indexOf('paged-01@')).toBeLessThan(first.body.indexOf('paged-02@'));
    expect(first.body).not.toContain('paged-51@');
    expect(first.body).toContain('href="/admin/users?q=lists.example&amp;sort=email&amp;page=2"');
    const second = await app.inject('/admin/users?q=lists.example&sort=email&page=2');
    expect(second.body.match(/data-user="/g)).toHaveLength(1);
    expect(second.body).toContain('paged-51@');

    const newest = await app.inject('/admin/users?q=lists.example&sort=newest');
    expect(newest.body.match(/data-user="[^"]+"/)?.[0]).not.toBe('data-user="paged-01@lists.example.org"');

    const managers = await app.inject('/admin/users?q=LISTS.example&role=manager');
    expect(managers.body).toContain('1 user<');
    expect(managers.body).toContain('paged-07@lists.example.org');
    const byName = await app.inject('/admin/users?q=paged%2033');
    expect(byName.body).toContain('paged-33@lists.example.org');
    expect(byName.body.match(/data-user="/g)).toHaveLength(1);
    const none = await app.inject('/admin/users?q=nobody-at-all');
    expect(none.body).toContain('No users match');
  });

  it('adds a user and shows a one-time link that sets their password and signs them in, once', async () => {
    const res = await app.inject(
      formPost('/admin/users', {
        email: 'New.Starter@Example.org',
        name: 'New Starter',
        role: 'contributor',
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.body).toContain('within 72 hours');
    const link = linkIn(res.body);
    expect(link).toMatch(/^\/setup\/[A-Za-z0-9_-]{43}$/);
    const secret = link.split('/').pop()!;
    const stored = await current().kysely.selectFrom('password_links').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(secret);

    const user = await current()
      .kysely.selectFrom('users')
      .selectAll()
      .where('email', '=', 'new.starter@example.org')
      .executeTakeFirstOrThrow();
    expect(user.role).toBe('contributor');
    expect(user.password_hash).toBeNull();

    const page = await app.inject({ url: link, headers: { cookie: '' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('new.starter@example.org');
    const chosen = await app.inject(
      formPost(
        link,
        { password: 'my own long password', confirmPassword: 'my own long password' },
        { cookie: '' },
      ),
    );
    expect(chosen.statusCode).toBe(303);
    expect(sessionCookieSet(chosen)).toBeDefined();
    expect((await app.inject({ url: link, headers: { cookie: '' } })).statusCode).toBe(404);
  });

  it('refuses a bad or taken e-mail address, keeping what was typed', async () => {
    const bad = await app.inject(
      formPost('/admin/users', { email: 'not-an-address', name: 'Kept Name', role: 'viewer' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an e-mail address like name@example.org');
    expect(bad.body).toContain('value="not-an-address"');
    expect(bad.body).toContain('value="Kept Name"');
    const taken = await app.inject(
      formPost('/admin/users', { email: app.signedIn.user.email, role: 'viewer' }),
    );
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('There is already a user with the e-mail address');
  });

  it("changes a user's role, writes it to history, and never removes the last administrator", async () => {
    const user = await makeUser(current(), { role: 'viewer' });
    const res = await app.inject(formPost(`/admin/users/${user.id}/role`, { role: 'manager' }));
    expect(res.statusCode).toBe(303);
    const page = await app.inject(`/admin/users/${user.id}?notice=user-saved`);
    expect(page.body).toContain('User saved');
    expect(page.body).toMatch(/Role\s*<\/dt>\s*<dd[^>]*>\s*Plan manager/);
    const history = await current()
      .kysely.selectFrom('history')
      .selectAll()
      .where('record_id', '=', user.id)
      .where('change', '=', 'role-change')
      .executeTakeFirstOrThrow();
    expect(history.actor_id).toBe(app.signedIn.user.id);

    const bad = await app.inject(formPost(`/admin/users/${user.id}/role`, { role: 'emperor' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('A role must be one of');

    // Every other administrator is disabled, so this one is the last.
    const others = await current()
      .kysely.selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('id', '!=', app.signedIn.user.id)
      .execute();
    await current()
      .kysely.updateTable('users')
      .set({ disabled_at: new Date().toISOString() })
      .where('id', 'in', [...others.map((o) => o.id), ''])
      .execute();
    const last = await app.inject(formPost(`/admin/users/${app.signedIn.user.id}/role`, { role: 'viewer' }));
    expect(last.statusCode).toBe(400);
    expect(last.body).toContain('Headway needs at least one administrator');
    const me = await current()
      .kysely.selectFrom('users')
      .select('role')
      .where('id', '=', app.signedIn.user.id)
      .executeTakeFirstOrThrow();
    expect(me.role).toBe('admin');
  });

  it('links a user to an owner in the directory, and shows the plans they have', async () => {
    const owner = await inTransaction(current(), (trx) =>
      createOwner(trx, { name: 'Test' }, { name: 'Stuart Phoenix', kind: 'person' }),
    );
    const user = await makeUser(current(), { name: 'Stuart' });
    const plan = await makePlan(current(), { title: 'Vetting plan' });
    await inTransaction(current(), (trx) => setPlanRole(trx, { name: 'Test' }, plan.id, user.id, 'viewer'));
    const form = await app.inject(`/admin/users/${user.id}`);
    expect(form.body).toContain(`<option value="${owner.id}">Stuart Phoenix</option>`);
    expect(form.body.slice(form.body.indexOf('data-person-plans'))).toContain('Vetting plan');

    const saved = await app.inject(
      formPost(`/admin/users/${user.id}/details`, { name: 'Stuart P', ownerId: owner.id }),
    );
    expect(saved.statusCode).toBe(303);
    const row = await current()
      .kysely.selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.owner_id).toBe(owner.id);
    expect(row.name).toBe('Stuart P');

    const bad = await app.inject(
      formPost(`/admin/users/${user.id}/details`, { name: 'Typed name', ownerId: 'no-such-owner' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose an owner from the directory');
    expect(bad.body).toContain('value="Typed name"');
  });

  it('disables a user, ending their sessions and stopping their tokens, and enables them again', async () => {
    const victim = await signedInUser(current(), app.config, 'contributor', 'To Be Disabled');
    expect((await app.inject({ url: '/plans', headers: { cookie: victim.cookie } })).statusCode).toBe(200);
    const res = await app.inject(formPost(`/admin/users/${victim.user.id}/access`, { disabled: 'yes' }));
    expect(res.statusCode).toBe(303);
    expect((await app.inject({ url: '/plans', headers: { cookie: victim.cookie } })).statusCode).toBe(303);
    expect(
      await current()
        .kysely.selectFrom('sessions')
        .select('id_hash')
        .where('user_id', '=', victim.user.id)
        .execute(),
    ).toEqual([]);
    expect(
      (await app.inject({ url: '/api/v1/plans', headers: { authorization: victim.authorization } }))
        .statusCode,
    ).toBe(401);
    expect((await app.inject(`/admin/users/${victim.user.id}`)).body).toContain('Enable account');

    await app.inject(formPost(`/admin/users/${victim.user.id}/access`, { disabled: 'no' }));
    expect(
      (await app.inject({ url: '/api/v1/plans', headers: { authorization: victim.authorization } }))
        .statusCode,
    ).toBe(200);

    const self = await app.inject(
      formPost(`/admin/users/${app.signedIn.user.id}/access`, { disabled: 'yes' }),
    );
    expect(self.statusCode).toBe(400);
    expect(self.body).toContain('You cannot disable your own account');
  });

  it('issues a new password link that opens the set-password page, and writes it to history', async () => {
    const user = await makeUser(current());
    const res = await app.inject(formPost(`/admin/users/${user.id}/password-link`, {}));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const link = linkIn(res.body);
    expect((await app.inject({ url: link, headers: { cookie: '' } })).statusCode).toBe(200);
    const history = await app.inject(`/admin/history?who=${encodeURIComponent(user.email)}`);
    expect(history.body).toContain('Password link issued');
    expect((await app.inject(`/admin/users/no-such-user`)).statusCode).toBe(404);
  });
});
