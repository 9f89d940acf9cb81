// Every page in the route table, in Chromium at 1280 and at 320 CSS px, as an administrator and as a contributor:
// axe-core finds no WCAG 2.x A or AA violation, and at 320 px the page does not scroll sideways (WCAG 1.4.10).
// This checks how pages render, not how data is kept: it runs on SQLite only, with one server, one browser and one
// tab for each person and width for the whole file, so that it stays cheap in CI.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { inTransaction } from '../src/db/transaction.js';
import { loadDemo } from '../src/demo/loadDemo.js';
import { startPendingImport } from '../src/import/pendingImports.js';
import { setPlanRole, updateUserDetails } from '../src/people/userCommands.js';
import { createReport } from '../src/reports/reportCommands.js';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../src/testing/browser.js';
import { openTestDatabase, type TestDatabase } from '../src/testing/databases.js';
import { testActor } from '../src/testing/factories.js';
import { accountRecords, fillRoute, roundRecords, type RouteRecords } from '../src/testing/routes.js';
import { readSample } from '../src/testing/samples.js';
import { setStaffPageReaders, staffPageOf } from '../src/staff/staffPageCommands.js';
import { buildTestApp, signedInUser } from '../src/testing/testApp.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * GET routes that are not pages, and why each is not visited. Every other GET route is visited, so a page added
 * later is checked without being listed; a new route that is not a page fails until it is listed here.
 */
const notPages: Record<string, string> = {
  '/healthz': 'JSON for load balancers',
  '/static/*': 'style sheets, scripts and images',
  '/site/frontend.css': 'a style sheet',
  '/site/logo': 'an image (and no logo is set here)',
  '/api/openapi.json': 'the OpenAPI document',
  '/api/docs/json': 'the OpenAPI document, for Swagger UI',
  '/api/docs/yaml': 'the OpenAPI document, for Swagger UI',
  '/api/docs/static/*': "Swagger UI's files",
  '/api/docs/static/swagger-initializer.js': "Swagger UI's start-up script",
  '/api/docs/static/theme/headway.css': "Headway's style sheet for Swagger UI",
  '/api/docs/static/theme/headway.js': "Headway's script for Swagger UI",
  '/api/docs/static/index.html': 'the API reference, visited as /api/docs, which sends the browser here',
  '/sign-in/sso': 'single sign-on is not set up here: it answers the page not found, which is checked',
  '/sign-in/sso/callback':
    'single sign-on is not set up here: it answers the page not found, which is checked',
  '/plans/:slug/export.docx': 'a download',
  '/plans/:slug/export.pdf': 'a download',
  '/plans/:slug/export.xlsx': 'a download',
  '/plans/:slug/export.csv': 'a download',
  '/plans/:slug/export.json': 'a download',
  '/plans/:slug/reports/:reportId/report.docx': 'a download',
  '/plans/:slug/reports/:reportId/report.pdf': 'a download',
  '/plans/:slug/dashboard.pdf': 'a download',
  '/dashboard.pdf': 'a download',
  '/plans/:slug/staff-page/fragment.html': 'a download: a part of a page, for an intranet page to hold',
};
const isApi = (url: string) => url.startsWith('/api/v1/') || url === '/api/v1';

/** Pages that are the same for everyone signed in, and slow to draw: checked for the administrator only. */
const sameForEveryone = new Set(['/api/docs']);

/** Pages drawn by script after they load: what shows they are ready. */
const readyWhen: Record<string, string> = { '/api/docs': '.swagger-ui .opblock-tag' };

const widths = [1280, 320] as const;
type Width = (typeof widths)[number];

/** What axe and the page's width say about the page now in a tab. */
async function inspect(page: Page, width: Width): Promise<string[]> {
  return page.evaluate(
    async ({ tags, phone }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const result = await axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      const problems = result.violations.map((violation) => {
        const where = violation.nodes.slice(0, 3).map((node) => node.target.join(' '));
        const more = violation.nodes.length > 3 ? ` and ${violation.nodes.length - 3} more` : '';
        return `${violation.id}: ${violation.help} (${where.join(', ')}${more})`;
      });
      const root = document.documentElement;
      if (phone && root.scrollWidth > window.innerWidth) {
        // The innermost elements that reach past the right edge: where the page is too wide.
        const wide = Array.from(document.body.querySelectorAll('*')).filter(
          (element) => element.getBoundingClientRect().right > window.innerWidth + 1,
        );
        const innermost = wide
          .filter((element) => !wide.some((other) => other !== element && element.contains(other)))
          .slice(0, 5)
          .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
        problems.push(`scrolls sideways: ${root.scrollWidth} px wide, by ${innermost.join(', ')}`);
      }
      return problems;
    },
    { tags: wcagTags, phone: width === 320 },
  );
}

describe.runIf(browserAvailable())('every page in Chromium, at 1280 and 320 CSS px', () => {
  let database: TestDatabase;
  let app: BrowserApp;
  let records: RouteRecords;
  let pageUrls: string[];
  let stale: string[];
  const tabs = new Map<string, Page>();
  const tab = (who: 'admin' | 'contributor', width: Width) => tabs.get(`${who} ${width}`)!;

  beforeAll(async () => {
    database = await openTestDatabase('sqlite');
    const { db } = database;
    await loadDemo(db, { name: 'Headway demo' });
    app = await startBrowserApp(db);

    // The records behind the pages: the staff survey plan's first action with an update and its owner, a focus area, a
    // report; the sample plan in import review; a person in the plan and the administrator's API token.
    const plan = await db.kysely
      .selectFrom('plans')
      .selectAll()
      .where('slug', '=', 'staff-survey-2021')
      .executeTakeFirstOrThrow();
    const update = await db.kysely
      .selectFrom('updates')
      .innerJoin('actions', 'actions.id', 'updates.action_id')
      .select(['updates.id', 'updates.action_id'])
      .where('updates.plan_id', '=', plan.id)
      .orderBy('actions.position')
      .executeTakeFirstOrThrow();
    const theme = await db.kysely
      .selectFrom('themes')
      .select('id')
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .executeTakeFirstOrThrow();
    const owner = await db.kysely
      .selectFrom('action_owners')
      .select('owner_id')
      .where('action_id', '=', update.action_id!)
      .executeTakeFirstOrThrow();
    const report = await inTransaction(db, (trx) =>
      createReport(trx, testActor, plan.id, { periodStart: '2021-07-01', periodEnd: '2021-09-30' }),
    );
    const pendingImport = await startPendingImport(db, {
      fileName: 'staff-survey-action-plan.docx',
      bytes: await readSample('staff-survey-action-plan.docx'),
      sheet: null,
      actorName: app.user.name,
      userId: app.user.id,
    });
    // The sample's own finding that its first action with an update answers: the findings pages and the action form's
    // choices.
    const finding = await db.kysely
      .selectFrom('findings')
      .innerJoin('action_findings', 'action_findings.finding_id', 'findings.id')
      .select('findings.id')
      .where('action_findings.action_id', '=', update.action_id!)
      .orderBy('findings.position')
      .executeTakeFirstOrThrow();
    // The sample's later survey wave and a question it scores that is marked for a focus area: the survey pages and its
    // change.
    const wave = await db.kysely
      .selectFrom('survey_waves')
      .select('id')
      .where('plan_id', '=', plan.id)
      .orderBy('held_on', 'desc')
      .executeTakeFirstOrThrow();
    const question = await db.kysely
      .selectFrom('survey_questions')
      .select('id')
      .where('plan_id', '=', plan.id)
      .where('theme_id', 'is not', null)
      .orderBy('position')
      .executeTakeFirstOrThrow();
    records = {
      ...(await accountRecords(db, plan.id, app.user.id)),
      findingId: finding.id,
      slug: plan.slug,
      themeId: theme.id,
      actionId: update.action_id!,
      updateId: update.id,
      ownerId: owner.owner_id,
      reportId: report.id,
      id: pendingImport,
      // An open update request and a personal link in it: the round's pages and the link's page.
      ...(await roundRecords(db, plan)),
      waveId: wave.id,
      questionId: question.id,
      // The sample's published staff page, opened at its public address for the walk to visit it there too.
      pageKey: (
        await inTransaction(db, async (trx) => {
          const page = await staffPageOf(trx, plan.id);
          return setStaffPageReaders(trx, testActor, plan.id, page.version, 'public');
        })
      ).public_key,
    };

    const config = readConfig({}, { databaseUrl: ':memory:' });
    const contributor = await signedInUser(db, config, 'contributor', 'Cai Contributor');
    await inTransaction(db, (trx) =>
      setPlanRole(trx, testActor, plan.id, contributor.user.id, 'contributor'),
    );
    // The contributor is also the owner of the first action, so My work shows them their work, not how to get linked.
    await inTransaction(db, (trx) =>
      updateUserDetails(trx, testActor, contributor.user.id, { ownerId: owner.owner_id }),
    );

    const routeTable = await buildTestApp(db);
    const getRoutes = [
      ...new Set(routeTable.routeTable.filter((r) => r.method === 'GET' && !isApi(r.url)).map((r) => r.url)),
    ];
    await routeTable.close();
    stale = Object.keys(notPages).filter((url) => !getRoutes.includes(url));
    pageUrls = getRoutes.filter((url) => !(url in notPages)).map((url) => fillRoute(url, records));

    for (const [who, cookie] of [
      ['admin', app.cookie],
      ['contributor', contributor.cookie],
    ] as const)
      for (const width of widths) {
        const page = await app.newPage({ cookie, viewport: { width, height: width === 320 ? 640 : 800 } });
        // axe goes in before each page's own scripts, past the Content-Security-Policy, which stays on.
        await page.addInitScript(axeSource);
        // Swagger UI's script is large: on a busy machine its page takes more than the default 30 seconds.
        page.setDefaultTimeout(120_000);
        tabs.set(`${who} ${width}`, page);
      }
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  /**
   * Opens every page in the person's two tabs, one tab a width, side by side, and checks each page that opens;
   * says what each page answered and what is wrong with it.
   */
  async function walk(who: 'admin' | 'contributor') {
    const answers = new Map<string, number>();
    const problems: string[] = [];
    const refusalChecked = new Set<Width>();
    await Promise.all(
      widths.map(async (width) => {
        const page = tab(who, width);
        for (const url of pageUrls) {
          if (who !== 'admin' && sameForEveryone.has(url)) continue;
          const response = await page.goto(`${app.url}${url}`, { waitUntil: 'load' });
          const status = response?.status() ?? 0;
          answers.set(url, status);
          if (!(response?.headers()['content-type'] ?? '').startsWith('text/html')) {
            problems.push(`${url}: not a page; list it in notPages with the reason`);
            continue;
          }
          if (status === 403 || status === 404) {
            // A page refused is the same page whatever was asked for: checked the first time only, at each width.
            if (refusalChecked.has(width)) continue;
            refusalChecked.add(width);
          }
          const ready = readyWhen[url];
          if (ready) await page.waitForSelector(ready);
          for (const problem of await inspect(page, width)) problems.push(`${url} at ${width}: ${problem}`);
        }
      }),
    );
    return { answers, problems };
  }

  it('lists as not pages only routes that exist', () => {
    expect(stale).toEqual([]);
  });

  it('finds no accessibility problem or sideways scrolling on any page, for an administrator', async () => {
    const { answers, problems } = await walk('admin');
    expect(problems).toEqual([]);
    expect([...answers].filter(([, status]) => status !== 200)).toEqual([]);
  }, 600_000);

  it('finds none on the pages a contributor may see, and refuses them the others', async () => {
    const { answers, problems } = await walk('contributor');
    expect(problems).toEqual([]);
    expect([...answers].filter(([, status]) => ![200, 403, 404].includes(status))).toEqual([]);
    // A contributor posts updates in the plan but does not manage it, nor administer Headway.
    const refused = [...answers].filter(([, status]) => status !== 200).map(([url]) => url);
    expect(refused).toEqual(
      expect.arrayContaining(['/admin/users', '/import', fillRoute('/plans/:slug/edit', records)]),
    );
    expect(refused).not.toContain(fillRoute('/plans/:slug/updates/:updateId/edit', records));
  }, 600_000);

  it('shows the plan on a phone as a compact list of actions, each title a link to the action, and the table on a desktop', async () => {
    const planUrl = `${app.url}${fillRoute('/plans/:slug', records)}`;
    const phone = tab('admin', 320);
    await phone.goto(planUrl);
    const actionCount = await phone.locator('tr[data-action]').count();
    expect(actionCount).toBeGreaterThan(10);
    await expect.poll(() => phone.locator('table.hw-actions-table').first().isVisible()).toBe(false);
    const items = phone.locator('[data-compact-action]');
    expect(await items.count()).toBe(actionCount);
    const first = items.first();
    expect(await first.isVisible()).toBe(true);
    expect(await first.locator('dt').allTextContents()).toEqual(['Owner', 'Status', 'Dates for delivery']);
    const link = first.getByRole('link');
    const href = (await link.getAttribute('href'))!;
    const title = (await link.textContent())!;
    await link.click();
    await phone.waitForURL(`${app.url}${href}`);
    expect(title).toContain((await phone.locator('h1').textContent())!.trim());

    const desktop = tab('admin', 1280);
    await desktop.goto(planUrl);
    expect(await desktop.locator('table.hw-actions-table').first().isVisible()).toBe(true);
    expect(await desktop.locator('[data-compact-action]').first().isVisible()).toBe(false);
  });

  it('finds none on error states: a form shown again with its errors, and a page not found', async () => {
    const problems: string[] = [];
    const states: [who: 'admin' | 'contributor', name: string, reach: (page: Page) => Promise<unknown>][] = [
      [
        'admin',
        'a new action without a title',
        async (page) => {
          await page.goto(`${app.url}${fillRoute('/plans/:slug/actions/new', records)}`);
          await page.getByRole('button', { name: 'Save action' }).click();
        },
      ],
      [
        'admin',
        'an import with nothing to read',
        async (page) => {
          await page.goto(`${app.url}/import`);
          await page.getByRole('button', { name: 'Read the file' }).click();
        },
      ],
      ['admin', 'a plan that does not exist', (page) => page.goto(`${app.url}/plans/no-such-plan`)],
      [
        'contributor',
        'an update without words',
        async (page) => {
          await page.goto(`${app.url}${fillRoute('/plans/:slug/actions/:actionId', records)}`);
          await page.getByRole('button', { name: 'Post update' }).click();
        },
      ],
    ];
    await Promise.all(
      widths.map(async (width) => {
        for (const [who, name, reach] of states) {
          const page = tab(who, width);
          await reach(page);
          await page.waitForLoadState('load');
          const shown = await page.locator('.govuk-error-summary, h1').first().textContent();
          if (!/problem|not found/i.test(shown ?? '')) problems.push(`${name} at ${width}: shows ${shown}`);
          for (const problem of await inspect(page, width)) problems.push(`${name} at ${width}: ${problem}`);
        }
      }),
    );
    expect(problems).toEqual([]);
  }, 300_000);
  it('shows an owner My work on a phone, and posts an update from it and back, all without a problem', async () => {
    const phone = tab('contributor', 320);
    const problems: string[] = [];
    const check = async (state: string) => {
      for (const problem of await inspect(phone, 320)) problems.push(`${state}: ${problem}`);
    };
    await phone.goto(`${app.url}/`);
    await phone.waitForURL(`${app.url}/my-work`);
    await check('My work');
    const item = phone
      .locator('[data-item]')
      .filter({ has: phone.locator('[data-post-update]') })
      .first();
    const key = (await item.getAttribute('data-item'))!;
    await item.locator('[data-post-update]').click();
    await phone.waitForURL(/\/post-update$/);
    await check('the post form');
    await phone.getByRole('button', { name: 'Post update' }).click();
    await phone.waitForLoadState('load');
    expect(await phone.locator('.govuk-error-summary').textContent()).toContain('Enter the update');
    await check('the post form with its errors');
    await phone.getByLabel('Update', { exact: true }).fill('Met the station leads on a phone');
    await phone.getByLabel('Change status to').selectOption('ongoing');
    await phone.getByRole('button', { name: 'Post update' }).click();
    await phone.waitForURL(`${app.url}/my-work?notice=update-posted`);
    expect(await phone.locator('.govuk-notification-banner').textContent()).toContain('Update posted');
    const posted = phone.locator(`[data-item="${key}"]`);
    expect(await posted.locator('[data-posted-today]').textContent()).toBe('Update posted today');
    expect(await posted.locator('[data-last-update]').textContent()).toContain(
      'Met the station leads on a phone',
    );
    expect(await posted.textContent()).toContain('Ongoing');
    await check('My work after posting');
    expect(problems).toEqual([]);
  }, 120_000);
});
