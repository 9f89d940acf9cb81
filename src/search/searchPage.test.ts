import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { setPlanRole } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

/** The text a person reads, without tags and with entities read. */
function readable(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function results(body: string): string {
  const start = body.indexOf('data-search-results');
  return start === -1 ? '' : body.slice(start, body.indexOf('</ol>', start));
}

describeEachDatabase('searching actions on the plan list page', (current) => {
  let app: TestApp;
  let viewer: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
    viewer = await buildTestApp(current(), { role: 'viewer' });
  });
  afterAll(async () => {
    await app.close();
    await viewer.close();
  });

  it('lists the matching actions with their plan, theme and the match marked, and keeps the search in the box', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Staff survey 2021' });
    const theme = await makeTheme(db, plan.id, { title: 'Wellbeing' });
    const action = await makeAction(db, plan.id, {
      ref: 'SS4',
      title: 'Staff lounge refurbished',
      themeId: theme.id,
      progress: '<p>The new lounge supports wellbeing at work</p>',
    });
    await makeAction(db, plan.id, { title: 'Wellbeing champions named' });
    const res = await app.inject('/plans?search=wellbeing');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Search actions: wellbeing – Headway</title>');
    expect(res.body).toMatch(/data-search-count>2 actions match ‘wellbeing’</);
    expect(res.body).toMatch(/<input[^>]*id="search"[^>]*value="wellbeing"/);
    const found = results(res.body);
    expect(found).toContain(`href="/plans/${plan.slug}/actions/${action.id}"`);
    expect(found).toContain('<mark>Wellbeing</mark> champions named');
    expect(found).toContain('The new lounge supports <mark>wellbeing</mark> at work');
    expect(readable(found)).toContain('SS4: Staff lounge refurbished');
    expect(readable(found)).toContain('Plan: Staff survey 2021');
    expect(readable(found)).toContain('Theme: Wellbeing');
    expect(readable(found)).toContain('Progress: The new lounge supports wellbeing at work');
    // The plans table gives way to the matches.
    expect(res.body).not.toContain('data-plans');

    const one = await app.inject('/plans?search=lounge');
    expect(one.body).toMatch(/data-search-count>1 action matches ‘lounge’</);
  });

  it('says when nothing matches, also for a search of only punctuation, and shows the plans without a search', async () => {
    const db = current();
    await makePlan(db, { title: 'Punctuation plan' });
    for (const search of ['zzyzx', '!!!', '"*-:()"', 'NEAR(']) {
      const res = await app.inject(`/plans?${new URLSearchParams({ search })}`);
      expect(res.statusCode, search).toBe(200);
      expect(readable(res.body), search).toContain(`No actions match ‘${search}’`);
      expect(res.body, search).toContain('data-empty');
      expect(res.body, search).not.toContain('data-search-results');
    }
    const blank = await app.inject('/plans?search=%20%20');
    expect(blank.body).not.toContain('data-search-count');
    expect(blank.body).toContain('data-plans');
  });

  it('pages through the matches, keeping the search in the links', async () => {
    const db = current();
    const plan = await makePlan(db);
    for (let n = 1; n <= 25; n++) await makeAction(db, plan.id, { title: `Firebreak ${n}` });
    const first = await app.inject('/plans?search=firebreak');
    expect(first.body).toMatch(/data-search-count>25 actions match ‘firebreak’</);
    expect(results(first.body).match(/<li class="hw-search-result">/g)).toHaveLength(20);
    expect(first.body).toContain('href="/plans?search=firebreak&amp;page=2"');
    const second = await app.inject('/plans?search=firebreak&page=2');
    expect(results(second.body).match(/<li class="hw-search-result">/g)).toHaveLength(5);
    const beyond = await app.inject('/plans?search=firebreak&page=99');
    expect(results(beyond.body).match(/<li class="hw-search-result">/g)).toHaveLength(5);
  });

  it('refuses a search over 200 characters with a message, keeping what was typed', async () => {
    const long = 'hazard '.repeat(40);
    const res = await app.inject(`/plans?${new URLSearchParams({ search: long })}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('<title>Error: Plans – Headway</title>');
    expect(res.body).toContain('Search must be 200 characters or fewer');
    expect(res.body).toContain('href="#search"');
    expect(res.body).toContain(`value="${long}"`);
  });

  it('escapes what actions say, so only the marks are markup', async () => {
    const db = current();
    const plan = await makePlan(db);
    const payload = '<script>alert(1)</script><img src=x onerror=alert(2)> Heliotrope';
    const action = await makeAction(db, plan.id, { title: payload });
    await makeUpdate(
      db,
      plan.id,
      { actionId: action.id },
      { body: 'Heliotrope &lt;svg onload=alert(3)&gt;' },
    );
    const res = await app.inject('/plans?search=heliotrope');
    const found = results(res.body);
    expect(found).toContain('<mark>Heliotrope</mark>');
    expect(found).not.toMatch(/<(?!\/?(mark|li|h3|a|p|strong|br)[ >])/i);
    expect(found.replace(/<\/?mark>/g, '')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const typed = await app.inject(`/plans?${new URLSearchParams({ search: '<script>alert(4)</script>' })}`);
    expect(typed.body).toContain('value="&lt;script&gt;alert(4)&lt;/script&gt;"');
    expect(typed.body).toContain('No actions match ‘&lt;script&gt;alert(4)&lt;/script&gt;’');
  });

  it('never shows a viewer the actions of a plan they may not read', async () => {
    const db = current();
    const theirs = await makePlan(db, { title: 'Viewed plan' });
    const hidden = await makePlan(db, { title: 'Unseen plan' });
    await makeAction(db, theirs.id, { title: 'Cormorant roost' });
    await makeAction(db, hidden.id, { title: 'Cormorant secret' });
    await inTransaction(db, (trx) =>
      setPlanRole(trx, testActor, theirs.id, viewer.signedIn.user.id, 'viewer'),
    );
    const res = await viewer.inject('/plans?search=cormorant');
    expect(res.body).toMatch(/data-search-count>1 action matches ‘cormorant’</);
    expect(readable(res.body)).toContain('Cormorant roost');
    expect(readable(res.body)).not.toContain('Cormorant secret');
    expect(res.body).not.toContain('Unseen plan');
  });
});
