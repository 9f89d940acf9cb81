import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { findUserRowById } from './users.js';

function form(fields: Record<string, string>) {
  return {
    method: 'POST' as const,
    url: '/account/email',
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

describeEachDatabase('E-mail settings on Your account', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current(), { role: 'contributor' });
  });
  afterAll(async () => {
    await app.close();
  });

  const me = () => findUserRowById(current(), app.signedIn.user.id).then((row) => row!);

  it('starts with the weekly digest and change notices on, and shows them chosen', async () => {
    expect(await me()).toMatchObject({ digest: 'weekly', change_notices: 'on' });
    const page = await app.inject('/account');
    expect(page.body).toContain('E-mail from Headway');
    expect(page.body).toMatch(/name="digest" type="radio" value="weekly" checked/);
    expect(page.body).toMatch(/name="changeNotices" type="checkbox" value="on" checked/);
  });

  it('saves both choices through the user command, with history of before and after', async () => {
    const before = await me();
    const saved = await app.inject(form({ version: String(before.version), digest: 'none' }));
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/account?notice=email-settings-saved');
    const after = await me();
    expect(after).toMatchObject({ digest: 'none', change_notices: 'off', version: before.version + 1 });
    const history = await current()
      .kysely.selectFrom('history')
      .selectAll()
      .where('record_type', '=', 'user')
      .where('record_id', '=', before.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(history.actor_id).toBe(before.id);
    expect(JSON.parse(history.before_json!)).toMatchObject({ digest: 'weekly', change_notices: 'on' });
    expect(JSON.parse(history.after_json!)).toMatchObject({ digest: 'none', change_notices: 'off' });
    expect(history.after_json).not.toContain('password_hash');
    const page = await app.inject('/account?notice=email-settings-saved');
    expect(page.body).toContain('E-mail settings saved');
    expect(page.body).toMatch(/name="digest" type="radio" value="none" checked/);
    expect(page.body).not.toMatch(/name="changeNotices" type="checkbox" value="on" checked/);
  });

  it('refuses a save from a version another tab has moved on from, changing nothing', async () => {
    const before = await me();
    const stale = await app.inject(
      form({ version: String(before.version - 1), digest: 'weekly', changeNotices: 'on' }),
    );
    expect(stale.statusCode).toBe(409);
    expect(await me()).toEqual(before);
  });

  it('names a choice that is not one of the two, keeps the rest of the form, and changes nothing', async () => {
    const before = await me();
    const bad = await app.inject(
      form({ version: String(before.version), digest: 'daily', changeNotices: 'on' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Whether to get the weekly digest must be one of: weekly, none');
    expect(bad.body).toMatch(/name="changeNotices" type="checkbox" value="on" checked/);
    expect(await me()).toEqual(before);
  });
});
