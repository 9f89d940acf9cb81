// Headway's pages work under their own Content-Security-Policy in Chromium: nothing is blocked, scripts still run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/demo/loadDemo.js';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../src/testing/browser.js';
import { openTestDatabase, type TestDatabase } from '../src/testing/databases.js';

/** Collects every policy violation the page reports, from before its first script runs. */
const violationProbe = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) =>
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')));`;

describe.runIf(browserAvailable())('the Content-Security-Policy in Chromium', () => {
  let database: TestDatabase;
  let app: BrowserApp;
  beforeAll(async () => {
    database = await openTestDatabase('sqlite');
    await loadDemo(database.db, { name: 'Headway demo' });
    app = await startBrowserApp(database.db);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('blocks nothing on Headway’s own pages, and their scripts run', async () => {
    const page = await app.newPage();
    await page.addInitScript(violationProbe);
    const plan = await database.db.kysely
      .selectFrom('plans')
      .select(['id', 'slug'])
      .where('slug', '=', 'staff-survey-2021')
      .executeTakeFirstOrThrow();
    const action = await database.db.kysely
      .selectFrom('actions')
      .select('id')
      .where('plan_id', '=', plan.id)
      .executeTakeFirstOrThrow();
    for (const path of [
      '/plans',
      `/plans/${plan.slug}`,
      `/plans/${plan.slug}/actions/${action.id}`,
      `/plans/${plan.slug}/actions/${action.id}/edit`,
      `/plans/${plan.slug}/print`,
      '/import',
      '/plans/no-such-plan',
      '/api/docs/',
    ]) {
      await page.goto(`${app.url}${path}`, { waitUntil: 'load' });
      const found = await page.evaluate(() => ({
        violations: (window as unknown as { __cspViolations: string[] }).__cspViolations,
        // Set by /static/headway.js, which stands in for GOV.UK's inline script.
        enhanced: document.body.classList.contains('govuk-frontend-supported'),
      }));
      expect(found.violations, path).toEqual([]);
      if (path.startsWith('/plans') && !path.endsWith('/print')) expect(found.enhanced, path).toBe(true);
    }
  });

  it('would block an inline script or event handler that got onto a page', async () => {
    const page = await app.newPage();
    await page.addInitScript(violationProbe);
    await page.goto(`${app.url}/plans`, { waitUntil: 'load' });
    const ran = await page.evaluate(async () => {
      const marker = window as unknown as { ranInline?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.ranInline = true;';
      document.body.append(script);
      const image = document.createElement('img');
      image.setAttribute('onerror', 'window.ranInline = true;');
      image.src = 'data:,not-an-image';
      document.body.append(image);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return {
        ran: marker.ranInline === true,
        violations: (window as unknown as { __cspViolations: string[] }).__cspViolations,
      };
    });
    expect(ran.ran).toBe(false);
    expect(ran.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  });
});
