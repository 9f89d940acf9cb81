// The dashboard pages, their PDFs and the API, as a person and a script use them, on both databases.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { findAction, updateAction } from '../actions/actionCommands.js';
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import { inTransaction } from '../db/transaction.js';
import { setPlanRole } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { missingTools, readPdfPages, withPdfFile } from '../testing/pdfText.js';
import { buildTestApp, injectAs, signedInUser, type TestApp } from '../testing/testApp.js';
import { surveyRecords } from '../testing/routes.js';
import { makeScriptedPlan } from './dashboardFixture.js';

const missingPdfTools = missingTools(['pdftotext']);

afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('the dashboard pages', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  async function scripted(title: string, themes?: string[]) {
    vi.useFakeTimers({ toFake: ['Date'] });
    const ids = await makeScriptedPlan(current(), title, themes);
    return ids;
  }

  it("shows a plan's figures, each chart with its summary and data table, and the movers", async () => {
    const { plan } = await scripted('Culture plan');
    const res = await app.inject({ url: `/plans/${plan.slug}/dashboard` });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1 class="govuk-heading-xl">Dashboard</h1>');
    expect(html).toMatch(/data-figure="Actions">5</);
    expect(html).toMatch(/data-figure="Complete">25%</);
    expect(html).toMatch(/data-figure="Overdue">1</);
    expect(html).toMatch(/data-figure="Due before the next board">1</);
    expect(html).toContain('Open actions due by Fire Authority, May, 1 May 2026.');
    for (const chart of ['status-by-theme', 'status-by-horizon', 'rag', 'trend'])
      expect(html).toContain(`data-chart="${chart}"`);
    // Every chart is an image named by its summary, drawn twice (wide and narrow), with its data in a table.
    expect(html.match(/<svg class="hw-chart/g)).toHaveLength(8);
    expect(html).toContain(
      'Of 2 themes with actions, Wellbeing has the most (3 actions, 0 complete); Vision clarity has the largest share complete (50%).',
    );
    expect(html).toContain('aria-label="Of 3 open actions, 1 is red, 1 amber, 0 green and 1 not set."');
    expect(html.match(/Show the data/g)).toHaveLength(4);
    expect(html).toContain('<th scope="row" class="govuk-table__header">31 January 2026</th>');
    expect(html).toContain('Since the last published report (February 2026), published on 1 March 2026');
    expect(html).toContain('RAG: Amber → Red: Venue withdrew');
    expect(html).toContain('href="/plans/' + plan.slug + '/dashboard.pdf"');
    // The plan page and the site's navigation lead here.
    const planPage = await app.inject({ url: `/plans/${plan.slug}` });
    expect(planPage.body).toContain(`href="/plans/${plan.slug}/dashboard"`);
    expect(planPage.body).toContain('href="/dashboard"');
    expect(html).not.toContain('data-dashboard-survey');
  });

  it('says how the staff survey moved on the questions marked for a focus area', async () => {
    const plan = await makePlan(current(), { title: 'Survey dashboard plan' });
    const theme = await makeTheme(current(), plan.id, { title: 'Vision clarity' });
    await surveyRecords(current(), plan.id, 'I understand the vision', theme.id);
    const html = (await app.inject({ url: `/plans/${plan.slug}/dashboard` })).body;
    const section = html.slice(html.indexOf('data-dashboard-survey'));
    expect(section).toContain('I understand the vision: 54% → 61%, +7 points (Vision clarity)');
  });

  it('draws the figures again once anything in the plan changes, never serving figures made stale', async () => {
    const { plan, survey } = await scripted('Culture plan');
    const url = `/plans/${plan.slug}/dashboard`;
    expect((await app.inject({ url })).body).toMatch(/data-figure="Complete">25%</);
    expect((await app.inject({ url: `/api/v1${url}` })).json().percentComplete).toBe(25);
    await inTransaction(current(), async (trx) => {
      const action = await findAction(trx, plan.id, survey);
      await updateAction(trx, testActor, plan.id, survey, action.version, { status: 'complete' });
    });
    expect((await app.inject({ url })).body).toMatch(/data-figure="Complete">50%</);
    expect((await app.inject({ url: `/api/v1${url}` })).json().percentComplete).toBe(50);
    expect((await app.inject({ url: '/dashboard' })).body).toContain('Culture plan');
  });

  it('escapes hostile theme titles in the charts, their labels and tables', async () => {
    const hostile = '<script>alert(1)</script>"&\'';
    const { plan } = await scripted('Hostile plan', [hostile, '<img src=x onerror=alert(2)>']);
    const res = await app.inject({ url: `/plans/${plan.slug}/dashboard` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;');
    expect(res.body).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('shows across plans only the plans the person may read, on the page and in the API', async () => {
    const readable = await makePlan(current(), { title: 'Readable plan' });
    await makeAction(current(), readable.id, { title: 'Readable action' });
    const hidden = await makePlan(current(), { title: 'Hidden Quokka plan' });
    const theme = await makeTheme(current(), hidden.id, { title: 'Hidden theme' });
    await makeAction(current(), hidden.id, { title: 'Hidden action', themeId: theme.id });
    const config = readConfig({}, { actorName: 'Test Manager' });
    const viewerApp = await buildApp({ db: current(), config });
    try {
      const viewer = await signedInUser(current(), config, 'viewer', 'Sam Viewer');
      await inTransaction(current(), (trx) =>
        setPlanRole(trx, testActor, readable.id, viewer.user.id, 'viewer'),
      );
      const inject = injectAs(viewerApp.inject.bind(viewerApp), viewer);
      const page = await inject({ url: '/dashboard' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Readable plan');
      expect(page.body).not.toContain('Quokka');
      const api = await inject({ url: '/api/v1/dashboard' });
      expect(api.statusCode).toBe(200);
      const figures = api.json();
      expect(figures.plans).toEqual([{ slug: readable.slug, title: 'Readable plan' }]);
      expect(figures.total).toBe(1);
      expect(api.body).not.toContain('Quokka');
      expect((await inject({ url: `/api/v1/plans/${hidden.slug}/dashboard` })).statusCode).toBe(404);
      expect((await inject({ url: `/plans/${hidden.slug}/dashboard` })).statusCode).toBe(404);
    } finally {
      await viewerApp.close();
    }
  });

  it("gives a plan's figures and chart summaries through the API", async () => {
    const { plan } = await scripted('Culture plan');
    const res = await app.inject({ url: `/api/v1/plans/${plan.slug}/dashboard` });
    expect(res.statusCode).toBe(200);
    const figures = res.json();
    expect(figures).toMatchObject({ total: 5, percentComplete: 25, overdue: 1, groupKind: 'theme' });
    expect(figures.rag).toEqual({ red: 1, amber: 1, green: 0, none: 1 });
    expect(figures.trend.map((p: { on: string }) => p.on)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-20',
    ]);
    expect(figures.movers.actions[0].lines).toEqual([
      'Status: Not started → In progress',
      'RAG: Amber → Red: Venue withdrew',
    ]);
    expect(figures.summaries.map((s: { chart: string }) => s.chart)).toEqual([
      'status-by-theme',
      'status-by-horizon',
      'rag',
      'trend',
    ]);
    const openapi = await app.inject({ url: '/api/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toEqual(
      expect.arrayContaining(['/api/v1/plans/{slug}/dashboard', '/api/v1/dashboard']),
    );
  });

  it.skipIf(missingPdfTools)(
    'downloads the dashboard as a PDF with every chart, its summary and data',
    async () => {
      const { plan } = await scripted('Culture plan');
      const res = await app.inject({ url: `/plans/${plan.slug}/dashboard.pdf` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${plan.slug}-dashboard.pdf"`);
      const pages = await withPdfFile(res.rawPayload, readPdfPages);
      const text = pages.map((page) => page.text).join(' ');
      for (const words of [
        'Dashboard: Culture plan',
        'Actions by status in each theme',
        'Actions by status in each horizon',
        'RAG of open actions',
        'Trend',
        'Biggest movers since the last report',
        'Of 3 open actions, 1 is red',
        'Vision clarity',
        'Status: Not started',
        // The charts' own labels, drawn as text beside their bars and under their lines.
        'Short term',
        'Jan',
      ])
        expect(text).toContain(words);
      // The marking on every page.
      for (const page of pages) expect(page.text).toContain('OFFICIAL');
      const all = await app.inject({ url: '/dashboard.pdf' });
      expect(all.statusCode).toBe(200);
      expect(all.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    },
  );
});
