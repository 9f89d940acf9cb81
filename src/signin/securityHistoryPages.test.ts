import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { recordChanges, type Change } from '../history/recordChange.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { formPost, makeUser, testPassword } from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { dateFieldValues } from '../web/dateFields.js';

// Sign-ins, failures and password changes to fill the history: argon2id at its lowest cost (passwords are still real
// argon2id hashes, checked against what was typed; Headway's own cost, src/people/passwords.ts, is untouched).
vi.mock('argon2', async (real) =>
  (await import('../testing/quickPasswordHashing.js')).quickPasswordHashing(await real()),
);

/** The from and to filters as the form's day, month and year fields send them. */
function dates(from: string, to: string | null): string {
  return new URLSearchParams({
    ...dateFieldValues('from', from),
    ...(to ? dateFieldValues('to', to) : {}),
  }).toString();
}

describeEachDatabase('security history', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  function rows(body: string): string[] {
    return [...body.matchAll(/<tr class="govuk-table__row" data-event>([\s\S]*?)<\/tr>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }

  it('shows sign-ins, failures, sign-outs, role changes and token use with who and when, newest first', async () => {
    const user = await makeUser(current(), { name: 'Hilda History', email: 'hilda.history@example.org' });
    const plan = await makePlan(current(), { title: 'Audited plan' });
    const remoteAddress = '198.51.100.7';
    await app.inject({
      ...formPost('/sign-in', { email: user.email, password: 'not her password' }, { cookie: '' }),
      remoteAddress,
    });
    const signedIn = await app.inject({
      ...formPost('/sign-in', { email: user.email, password: testPassword }, { cookie: '' }),
      remoteAddress,
    });
    const cookie = `headway_session=${signedIn.cookies.find((c) => c.name === 'headway_session')!.value}`;
    const made = await app.inject(
      formPost('/account/tokens', { tokenName: 'Hilda script', tokenAccess: 'read' }, { cookie }),
    );
    const token = /data-token>(hw_[^<]+)</.exec(made.body)![1]!;
    await app.inject({ url: '/api/v1/plans', headers: { authorization: `Bearer ${token}` } });
    await app.inject({ method: 'POST', url: '/sign-out', headers: { cookie } });
    await app.inject(formPost(`/admin/users/${user.id}/role`, { role: 'manager' }));
    await app.inject(formPost(`/plans/${plan.slug}/people`, { email: user.email, role: 'contributor' }));

    const res = await app.inject('/admin/history?who=hilda.history');
    expect(res.statusCode).toBe(200);
    const events = rows(res.body);
    const when =
      /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d\d:\d\d /;
    for (const event of events) expect(event).toMatch(when);
    const admin = `${app.signedIn.user.name} ${app.signedIn.user.email}`;
    const hilda = 'Hilda History hilda.history@example.org';
    const expected = [
      [admin, 'Given the role Contributor in Audited plan', hilda],
      [admin, 'Role changed from Viewer to Plan manager', hilda],
      [hilda, 'Signed out'],
      [hilda, 'Used API token “Hilda script”'],
      [hilda, 'Made API token “Hilda script” (read-only)'],
      [hilda, 'Signed in (password)', '198.51.100.7'],
      ['hilda.history@example.org', 'Sign-in failed (hilda.history@example.org)', '198.51.100.7'],
    ];
    expect(events.length).toBeGreaterThanOrEqual(expected.length);
    expected.forEach((parts, index) => {
      for (const part of parts) expect(events[index], `event ${index}`).toContain(part);
    });
  });

  it('filters by kind, by person and by a date range, and pages 50 at a time', async () => {
    const user = await makeUser(current(), { name: 'Pat Paged', email: 'pat.paged@example.org' });
    const at = (day: number) => `2021-08-${String(day).padStart(2, '0')}T12:00:00.000Z`;
    const changes: Change[] = Array.from({ length: 55 }, () => ({
      recordType: 'user',
      recordId: user.id,
      planId: null,
      change: 'sign-out',
    }));
    await inTransaction(current(), (trx) =>
      recordChanges(trx, { name: user.name, userId: user.id }, changes),
    );
    // Spread them over days in August 2021: 5 on the 7th, the rest on the 20th.
    const ids = await current()
      .kysely.selectFrom('history')
      .select('id')
      .where('actor_id', '=', user.id)
      .where('change', '=', 'sign-out')
      .orderBy('id')
      .execute();
    for (const [index, { id }] of ids.entries())
      await current()
        .kysely.updateTable('history')
        .set({ at: at(index < 5 ? 7 : 20) })
        .where('id', '=', id)
        .execute();

    const all = await app.inject('/admin/history?kind=sign-out&who=pat.paged');
    expect(all.body).toContain('55 events');
    expect(rows(all.body)).toHaveLength(50);
    expect(all.body).toContain('href="/admin/history?kind=sign-out&amp;who=pat.paged&amp;page=2"');
    const second = await app.inject('/admin/history?kind=sign-out&who=pat.paged&page=2');
    expect(rows(second.body)).toHaveLength(5);
    expect(rows(second.body)[0]).toContain('7 August 2021, 13:00');

    const day = await app.inject(`/admin/history?who=Pat%20Paged&${dates('2021-08-07', '2021-08-07')}`);
    expect(day.body).toContain('5 events');
    const failures = await app.inject('/admin/history?kind=sign-in-failed&who=pat.paged');
    expect(failures.body).toContain('Nothing matches');
    const later = await app.inject(`/admin/history?who=pat.paged&${dates('2021-08-08', '2021-08-31')}`);
    expect(later.body).toContain('50 events');
    // Pat was added today, which a range from 8 August 2021 with no end takes in.
    const sinceThen = await app.inject(`/admin/history?who=pat.paged&${dates('2021-08-08', null)}`);
    expect(sinceThen.body).toContain('51 events');
    expect(rows(sinceThen.body)[0]).toContain('User added as Viewer');
  });

  it('names a bad date or kind, keeps what was typed, and shows the rest', async () => {
    const res = await app.inject(
      '/admin/history?from-day=7&from-month=8&from-year=21&to-day=30&to-month=2&to-year=2021&kind=nonsense',
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Year must include 4 numbers');
    expect(res.body).toContain('To date must be a real date');
    expect(res.body).toContain('A kind of event must be one of');
    expect(res.body).toContain('name="from-year" type="text" value="21"');
    const backwards = await app.inject(`/admin/history?${dates('2021-08-09', '2021-08-01')}`);
    expect(backwards.body).toContain('To date must be the same as or after the from date');
  });

  it('cannot be read by anyone but an administrator', async () => {
    for (const role of ['manager', 'contributor', 'viewer'] as const) {
      const other = await buildTestApp(current(), { role });
      try {
        const res = await other.inject('/admin/history');
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('Only an administrator can do that');
        expect(res.body).not.toContain('data-security-history');
      } finally {
        await other.close();
      }
    }
    const signedOut = await app.inject({ url: '/admin/history', headers: { cookie: '' } });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/sign-in?returnTo=%2Fadmin%2Fhistory');
  });
});
