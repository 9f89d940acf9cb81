// Stored and reflected cross-site scripting, tried in Chromium: known payloads through every text and rich-text field
// and every import format, then every page that shows them opened. The browser runs with the Content-Security-Policy
// turned off, so what is proven is that the markup itself is safe; the policy (src/web/security.ts) is a second wall.
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connection.js';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../src/testing/browser.js';
import { describeEachDatabase } from '../src/testing/databases.js';
import { browserCsrf } from '../src/testing/forms.js';
import { dateFieldValues } from '../src/web/dateFields.js';
import {
  accountRecords,
  fillRoute,
  makeOneOfEach,
  pageRoutes,
  roundRecords,
  surveyRecords,
  staffPageRecords,
  type RouteRecords,
} from '../src/testing/routes.js';
import type { RouteEntry } from '../src/web/routeTable.js';
import { startPendingImport } from '../src/import/pendingImports.js';
import { payloadPacks, xssPayloads, xssProbeScript } from '../src/testing/xssPayloads.js';
import { elementOffences, inspectHtml, showsPayload } from '../src/testing/markupOffences.js';
import { zipFiles } from '../src/testing/zipFiles.js';
import { buildTestApp } from '../src/testing/testApp.js';
import { reportSectionKeys } from '../src/import/planDraft.js';
import { inTransaction } from '../src/db/transaction.js';
import { setActionFindings } from '../src/findings/findingCommands.js';
import { saveAccessibilityStatement } from '../src/site/accessibilityStatement.js';

/** Every payload in one text, for the fields that take long text. */
const allPayloads = xssPayloads.join('\n\n');
/** Payloads packed for fields of up to 200 characters, and for the marking (100) and reference (50). */
const packs = payloadPacks(195);
const markingPacks = payloadPacks(95);

/** What one page did with the payloads it shows. */
interface Visit {
  url: string;
  status: number;
  ran: number[];
  offences: string[];
  showsPayload: boolean;
}

/**
 * Runs in the page: each element judged by elementOffences (its source, passed in, as a page cannot import), the
 * payloads that ran, and the words a reader sees (the body's text, the title, the fields' values).
 */
async function inspectPage(offencesSource: string) {
  // Handlers such as onerror and ontoggle fire just after load: give them a turn.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const offencesOf = new Function(`return (${offencesSource})`)() as typeof elementOffences;
  const offences: string[] = [];
  for (const element of Array.from(document.querySelectorAll('*'))) {
    const tag = element.tagName.toLowerCase();
    const attributes = Array.from(element.attributes).map(
      (attribute) => [attribute.name, attribute.value] as [string, string],
    );
    const href = 'href' in element && typeof element.href === 'string' ? element.href : null;
    offences.push(...offencesOf(tag, attributes, href, tag === 'script' ? (element.textContent ?? '') : ''));
  }
  const fieldValues = Array.from(document.querySelectorAll('input, textarea')).map(
    (field) => (field as HTMLInputElement).value,
  );
  return {
    offences,
    ran: (window as unknown as { __hwXssRan: number[] }).__hwXssRan ?? [],
    text: [document.body?.innerText ?? '', document.title, ...fieldValues].join('\n'),
  };
}

async function visit(page: Page, url: string): Promise<Visit> {
  const response = await page.goto(url, { waitUntil: 'load' });
  const { offences, ran, text } = await page.evaluate(inspectPage, elementOffences.toString());
  return { url, status: response?.status() ?? 0, offences, ran, showsPayload: showsPayload(text) };
}

/** A JSON API call that must succeed; the created record comes back. */
async function api<T = Record<string, unknown>>(app: BrowserApp, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${app.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: app.authorization },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A page form post with a valid token, as a browser sends it; answers the redirect's location. */
async function formPost(app: BrowserApp, path: string, fields: Record<string, string>): Promise<string> {
  const { cookie, token } = browserCsrf();
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${cookie}; ${app.cookie}` },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  });
  if (response.status !== 303) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response.headers.get('location') ?? '';
}

/** A plan with every kind of record, every text field holding `text` and every rich-text field `rich`. */
async function storePayloads(app: BrowserApp, text: string, rich: string, n: number): Promise<RouteRecords> {
  const plan = await api<{ slug: string; id: string }>(app, '/plans', {
    title: text,
    source: text,
    sponsor: text,
    marking: markingPacks[n % markingPacks.length],
    rag: 'amber',
    ragNote: rich,
    summary: rich,
    horizons: [text.slice(0, 120)],
  });
  const slug = encodeURIComponent(plan.slug);
  const theme = await api<{ id: string }>(app, `/plans/${slug}/themes`, {
    title: text,
    lead: `${text.slice(0, 190)} ${n}`,
    progress: rich,
    futureActions: rich,
  });
  const action = await api<{ id: string }>(app, `/plans/${slug}/actions`, {
    title: text,
    ref: text.slice(0, 40),
    description: rich,
    owners: [`${text.slice(0, 190)} owner ${n}`],
    themeId: theme.id,
    rag: 'red',
    ragReason: text,
    progress: rich,
    futureActions: rich,
    targetDate: text,
    revisedTargetDate: text,
    revisedReason: text,
  });
  const update = await api<{ id: string }>(app, `/plans/${slug}/actions/${action.id}/updates`, {
    body: rich,
    author: text,
    effectiveOn: '2024-02-01',
  });
  await api(app, `/plans/${slug}/themes/${theme.id}/updates`, {
    body: rich,
    author: text,
    effectiveOn: '2024-02-02',
  });
  const finding = await api<{ id: string }>(app, `/plans/${slug}/findings`, {
    reference: text.slice(0, 40),
    text,
    kind: 'recommendation',
    sourceDocument: text.slice(0, 300),
    priority: text.slice(0, 60),
  });
  await inTransaction(app.db, (trx) =>
    setActionFindings(trx, { name: 'Test Manager' }, plan.id, action.id, [finding.id]),
  );
  const owner = await api<{ id: string }>(app, '/owners', {
    name: `${text.slice(0, 185)} team ${n}`,
    kind: 'team',
  });
  const period = {
    ...dateFieldValues('periodStart', '2024-01-01'),
    ...dateFieldValues('periodEnd', '2024-03-31'),
  };
  const reportPath = await formPost(app, `/plans/${slug}/reports`, period);
  const reportId = reportPath.split('/').pop() ?? '';
  await formPost(app, `${reportPath}/edit`, {
    version: '1',
    ...period,
    periodText: text,
    overallStatus: text,
    rag: 'green',
    ...Object.fromEntries(reportSectionKeys.map((key) => [key, rich])),
  });
  const pendingImport = await startPendingImport(app.db, {
    fileName: `${text.slice(0, 150)}.csv`,
    bytes: Buffer.from(
      csvOf([
        ['Action', 'Owner'],
        [text, text],
      ]),
    ),
    sheet: null,
    actorName: 'Test Manager',
    userId: app.user.id,
  });
  return {
    // A user named by the payload, with a role in the plan, and an API token of that name: their pages show it.
    ...(await accountRecords(app.db, plan.id, app.user.id, text)),
    // An update request in the plan and an owner's personal link: their pages show the plan's payloads too.
    ...(await roundRecords(
      app.db,
      await app.db.kysely.selectFrom('plans').selectAll().where('id', '=', plan.id).executeTakeFirstOrThrow(),
    )),
    slug: plan.slug,
    themeId: theme.id,
    actionId: action.id,
    updateId: update.id,
    ownerId: owner.id,
    reportId,
    findingId: finding.id,
    // A survey and question named by the payload, marked for the focus area: the survey, focus area and report pages.
    ...(await surveyRecords(app.db, plan.id, text, theme.id)),
    // The staff page in the payload's words, published and open to the public.
    ...(await staffPageRecords(
      app.db,
      plan.id,
      { findingId: finding.id, actionId: action.id, themeId: theme.id },
      text,
    )),
    id: pendingImport,
  };
}

/** The records of a plan made by an import, found in the database. */
async function recordsOfPlan(db: Db, slug: string): Promise<RouteRecords> {
  const plan = await db.kysely
    .selectFrom('plans')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow();
  // The first in the plan's own order, so both databases pick the same record.
  const theme = await db.kysely
    .selectFrom('themes')
    .select('id')
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .executeTakeFirst();
  const action = await db.kysely
    .selectFrom('actions')
    .select('id')
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .executeTakeFirst();
  // The first action's update: an import saves its updates together, with one timestamp, so "the earliest" would be
  // a different one on each database.
  const update = await db.kysely
    .selectFrom('updates')
    .select('id')
    .where('plan_id', '=', plan.id)
    .where('action_id', '=', action?.id ?? '')
    .orderBy('effective_on')
    .executeTakeFirst();
  const report = await db.kysely
    .selectFrom('reports')
    .select('id')
    .where('plan_id', '=', plan.id)
    .orderBy('created_at')
    .executeTakeFirst();
  const records: RouteRecords = { slug };
  if (theme) records.themeId = theme.id;
  if (action) records.actionId = action.id;
  if (update) records.updateId = update.id;
  if (report) records.reportId = report.id;
  return records;
}

// The table every import format carries: known columns, one whose header is itself a payload, and a row per payload.
const headers = [
  'Ref',
  'Theme',
  'Action',
  'Owner',
  'Progress',
  'Future planned actions',
  'Target date',
  'Status',
];
const strangeHeader = xssPayloads[2]!;
const rows = xssPayloads.map((payload, index) => [
  `R${index + 1}`,
  `Theme ${index % 4} ${xssPayloads[index % 4]}`,
  payload,
  payload.slice(0, 190),
  `${payload}\nUpdate 7/8/21: ${payload}`,
  payload,
  payload,
  'In progress',
  payload,
]);
const table = [[...headers, strangeHeader], ...rows];

function csvOf(cells: string[][]): string {
  return cells.map((row) => row.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(',')).join('\r\n');
}

function pastedOf(cells: string[][]): string {
  // One line a row and tabs between cells, as a simple table comes off the clipboard; line breaks and tabs within a
  // cell become spaces (a quoted multi-line cell is not what this test is about).
  return cells.map((row) => row.map((cell) => cell.replace(/[\t\n]/g, ' ')).join('\t')).join('\n');
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function docxOf(cells: string[][]): Promise<Buffer> {
  const namespaces = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const cell = (text: string) =>
    `<w:tc>${text
      .split('\n')
      .map((line) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(line)}</w:t></w:r></w:p>`)
      .join('')}</w:tc>`;
  const body = `<w:p><w:r><w:t>${escapeXml(xssPayloads[0]!)} action plan</w:t></w:r></w:p><w:tbl>${cells
    .map((row) => `<w:tr>${row.map(cell).join('')}</w:tr>`)
    .join('')}</w:tbl>`;
  return zipFiles({
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${namespaces}><w:body>${body}<w:sectPr/></w:body></w:document>`,
  });
}

async function xlsxOf(cells: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(xssPayloads[1]!.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
  for (const row of cells) sheet.addRow(row);
  sheet.headerFooter.oddHeader = `&C${xssPayloads[4]}`;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const reflectedQuery = [
  'q',
  'notice',
  'status',
  'owner',
  'rag',
  'overdue',
  'theme',
  'themeId',
  'sort',
  'kind',
  'page',
];

/** Enough tabs to keep the server and Chromium busy at once; the pages are many. */
const tabCount = 3;
/** Hundreds of pages on a busy machine: minutes, not the default seconds. */
const pageSweepTimeout = 600_000;

describe.runIf(browserAvailable())('cross-site scripting in Chromium', () => {
  describeEachDatabase('payloads', (current, dialect) => {
    let app: BrowserApp;
    let tabs: Page[];
    /** Every page a browser can open, from the app's own route table, so a new page is visited without listing it. */
    let routes: RouteEntry[];
    let dialogs: string[] = [];
    let problems: string[] = [];

    /**
     * Works through the pages a tab at a time, as many at once as there are tabs, judging each with `judge`: keeps what
     * ran, each offence and each server error as problems; says what each page showed, in the order of `urls`.
     */
    async function judgeEach(
      urls: string[],
      judge: (tab: Page, url: string) => Promise<Omit<Visit, 'url'>>,
    ): Promise<Visit[]> {
      const results: Visit[] = [];
      let next = 0;
      await Promise.all(
        tabs.map(async (tab) => {
          while (next < urls.length) {
            const index = next++;
            const url = urls[index]!;
            const result = await judge(tab, url);
            if (result.ran.length) problems.push(`${url}: payloads ran: ${result.ran.join(', ')}`);
            for (const offence of result.offences) problems.push(`${url}: ${offence}`);
            if (result.status >= 500) problems.push(`${url}: answered ${result.status}`);
            results[index] = { ...result, url };
          }
        }),
      );
      return results;
    }

    /** Opens each page in Chromium, keeping anything that ran or could run; says what each page showed. */
    function checkAll(urls: string[]): Promise<Visit[]> {
      return judgeEach(urls, (tab, url) => visit(tab, `${app.url}${url}`));
    }

    /**
     * Fetches each page and judges its HTML as parsed by the standard's algorithm (src/testing/markupOffences.ts),
     * by the rule the browser sweep applies to each element; says what each page showed.
     */
    function checkParsed(urls: string[]): Promise<Visit[]> {
      return judgeEach(urls, async (_tab, url) => {
        const response = await fetch(`${app.url}${url}`, { headers: { cookie: app.cookie } });
        const found = inspectHtml(await response.text(), response.url);
        return { status: response.status, ran: [], ...found };
      });
    }

    /** The pages of the records: routes with path parameters, all of which the records answer, filled. */
    function pagesOf(records: RouteRecords): string[] {
      return routes
        .filter((route) => {
          const params = route.url.match(/:[A-Za-z]+/g) ?? [];
          return params.length > 0 && params.every((param) => param.slice(1) in records);
        })
        .map((route) => fillRoute(route.url, records));
    }

    beforeAll(async () => {
      app = await startBrowserApp(current());
      const routeTable = await buildTestApp(current());
      routes = pageRoutes(routeTable);
      await routeTable.close();
      tabs = [];
      for (let n = 0; n < tabCount; n++) {
        const tab = await app.newPage({ bypassCSP: true });
        await tab.addInitScript(xssProbeScript);
        // Style sheets, fonts and icons cannot run script; leaving them out keeps hundreds of page loads quick.
        await tab.route(/\/assets\/|\.css$/, (route) => route.abort());
        tab.on('dialog', (dialog) => {
          dialogs.push(`${tab.url()}: ${dialog.type()} ${dialog.message()}`);
          void dialog.dismiss();
        });
        tabs.push(tab);
      }
    });
    beforeEach(() => {
      dialogs = [];
      problems = [];
    });
    afterAll(async () => {
      await app?.close();
    });

    it(
      `stores ${xssPayloads.length} payloads in every text and rich-text field; no page that shows them runs one`,
      async () => {
        // The first plan holds every payload in each rich-text field and the first pack in the short fields; each
        // further pack is another plan with every record, its short fields holding that pack. The first plan's
        // pages, and the pages of no record, are opened in Chromium on both databases. The further plans' pages (on
        // SQLite, where every pack is stored: what PostgreSQL stores is shown by the same code) are fetched and
        // judged as parsed by the standard's algorithm, by the same rule for each element: hundreds of page loads in
        // Chromium were the suite's longest part, and CI has a time limit. A payload can only run from markup this
        // rule finds (no page has a script of its own in it), and the browser half proves the rule sees what the
        // browser builds.
        const packsHere = dialect === 'postgres' ? packs.slice(0, 1) : packs;
        const planRecords: RouteRecords[] = [];
        for (const [n, text] of packsHere.entries())
          planRecords.push(await storePayloads(app, text, n === 0 ? allPayloads : `Pack ${n}: ${text}`, n));
        // The accessibility statement, which administrators write as plain text that becomes headings, lists and links.
        await inTransaction(current(), (trx) =>
          saveAccessibilityStatement(trx, { name: 'Test administrator' }, 'Headway', {
            text: allPayloads,
            version: 0,
          }),
        );
        // The marking takes shorter packs than the other fields: the rest go on plans of their own.
        const markingOnly: string[] = [];
        for (const marking of markingPacks.slice(packs.length)) {
          const title = `Marked ${markingOnly.length}`;
          markingOnly.push((await api<{ slug: string }>(app, '/plans', { title, marking })).slug);
        }

        // Every route with every plan's records: one that cannot be filled fails here, naming the parameter.
        const [first, ...further] = planRecords;
        const inBrowser = routes.map((route) => fillRoute(route.url, first!));
        const parsed = routes
          .filter((route) => route.url.includes(':'))
          .flatMap((route) => further.map((records) => fillRoute(route.url, records)));
        parsed.push(...markingOnly.map((slug) => fillRoute('/plans/:slug', { slug })));
        const urls = [...inBrowser, ...parsed];
        const visits = [...(await checkAll(inBrowser)), ...(await checkParsed(parsed))];
        expect(problems).toEqual([]);
        expect(dialogs).toEqual([]);
        // A page that shows no payload proves nothing: every page of a record must show its words, as text.
        const silent = visits.filter((v, index) => urls[index]!.split('/').length > 2 && !v.showsPayload);
        expect(
          silent
            .map((v) => v.url)
            // Forms for new records, the set-password page (it shows an e-mail address, which cannot hold a payload),
            // single sign-on and the organisation's logo (neither set up here, so not found) show nothing stored; nor do
            // the unsubscribe page (it names only what is switched off), the personal-links switch, and the outbox,
            // which holds no message here.
            .filter(
              (url) =>
                !/^\/(plans|owners|admin\/users)\/new$|^\/import$|^\/setup\/|^\/sign-in\/sso|^\/site\/logo$|^\/unsubscribe\/|^\/admin\/(outbox|personal-links)$/.test(
                  url,
                ),
            ),
        ).toEqual([]);
      },
      pageSweepTimeout,
    );

    // A query string or path is echoed as it came, without the database; an import reads its file the same way on
    // either and stores the text through the commands the stored-payload sweep above exercises on both databases. So
    // these two sweeps of hundreds of pages run once, on SQLite, to keep the suite within CI's time limit.
    if (dialect === 'sqlite') {
      it('judges a page parsed as Chromium judges it: each payload shown unescaped is found by both, or run by neither', async () => {
        const tab = tabs[0]!;
        const disagree: string[] = [];
        await tab.goto(`${app.url}/healthz`);
        for (const payload of xssPayloads) {
          // In the body, in a double-quoted and in a single-quoted attribute.
          const body = `<p>${payload}</p><input value="${payload}"><a title='${payload}'>a</a>`;
          const html = `<!DOCTYPE html><html lang="en"><head><title>Test</title></head><body>${body}</body></html>`;
          await tab.evaluate(() => ((window as unknown as { __hwXssRan: number[] }).__hwXssRan = []));
          const dialogsBefore = dialogs.length;
          await tab.setContent(html, { waitUntil: 'load' });
          const inBrowser = await tab.evaluate(inspectPage, elementOffences.toString());
          const parsed = inspectHtml(html, tab.url());
          const browserFinds =
            inBrowser.ran.length > 0 || inBrowser.offences.length > 0 || dialogs.length > dialogsBefore;
          if (browserFinds !== parsed.offences.length > 0)
            disagree.push(
              `${payload}: Chromium ${JSON.stringify(inBrowser.offences)} ran ${inBrowser.ran.join()}; parsed ${JSON.stringify(parsed.offences)}`,
            );
        }
        expect(disagree).toEqual([]);
      }, 120_000);

      it(
        'imports payloads from Word, Excel, CSV and pasted text; the review and every page of the new plan run none',
        async () => {
          const files: { name: string; bytes?: Buffer; pasted?: string }[] = [
            // File names are shown too (on the review, and as the new plan's title): payloads without a slash.
            { name: `${xssPayloads[2]}.docx`, bytes: await docxOf(table) },
            { name: `${xssPayloads[4]}.xlsx`, bytes: await xlsxOf(table) },
            { name: `${xssPayloads[23]}.csv`, bytes: Buffer.from(csvOf(table)) },
            { name: 'pasted text', pasted: pastedOf(table) },
          ];
          const tab = tabs[0]!;
          for (const file of files) {
            await tab.goto(`${app.url}/import`);
            if (file.pasted) await tab.getByLabel('Or paste a table').fill(file.pasted);
            else
              await tab.locator('input[type=file]').setInputFiles({
                name: file.name,
                mimeType: 'application/octet-stream',
                buffer: file.bytes!,
              });
            await tab.getByRole('button', { name: 'Read the file' }).click();
            await tab.waitForURL(/\/import\/[0-9a-f-]+$/);
            const review = new URL(tab.url()).pathname;
            const [reviewed] = await checkAll([review]);
            expect(reviewed!.showsPayload, `${file.name}: the review shows what the file says`).toBe(true);

            await tab.goto(`${app.url}${review}`);
            await tab.getByRole('button', { name: 'Save', exact: true }).click();
            await tab.waitForURL(/\/plans\/[^/?]+\?notice=/).catch(async (error: unknown) => {
              const said = await tab.locator('h1, .govuk-error-summary, [data-problem]').allTextContents();
              throw new Error(`${file.name} was not saved: ${tab.url()} says ${said.join(' / ')}`, {
                cause: error,
              });
            });
            const slug = decodeURIComponent(new URL(tab.url()).pathname.split('/')[2]!);
            const records = await recordsOfPlan(current(), slug);
            expect(records.actionId, `${file.name}: actions were imported`).toBeDefined();
            // The new plan's page in Chromium, the rest of its pages parsed, as for the stored payloads' further plans.
            const planPage = fillRoute('/plans/:slug', records);
            const visits = [
              ...(await checkAll([planPage])),
              ...(await checkParsed(pagesOf(records).filter((url) => url !== planPage))),
            ];
            // Pasted text brings no title of its own, so only the pages of what the table holds must show it.
            const ofTable = /\/(themes|actions|updates)\/[^/]+(\/edit|\/delete)?$|^\/plans\/[^/]+$/;
            expect(
              visits
                .filter((v) => !v.showsPayload && ofTable.test(v.url) && !v.url.endsWith('/new'))
                .map((v) => v.url),
              `${file.name}: pages that show the imported words`,
            ).toEqual([]);
          }
          expect(problems).toEqual([]);
          expect(dialogs).toEqual([]);
        },
        pageSweepTimeout,
      );

      it(
        'shows payloads put in the query string and path of every page as text only',
        async () => {
          const records = await makeOneOfEach(current(), {}, app.user.id);
          let used = 0;
          const nextPayload = () => xssPayloads[used++ % xssPayloads.length]!;
          // The query strings in Chromium, each page's filters being where a page echoes what it was given; each path
          // parameter in turn (an unknown id, slug or import as the page receives it, mostly the page not found)
          // fetched and parsed.
          const queried: string[] = [];
          const pathed: string[] = [];
          for (const route of routes) {
            const query = reflectedQuery
              .map((name) => `${name}=${encodeURIComponent(nextPayload())}`)
              .join('&');
            queried.push(`${fillRoute(route.url, records)}?${query}`);
            for (const param of route.url.match(/:[A-Za-z]+/g) ?? [])
              pathed.push(fillRoute(route.url, { ...records, [param.slice(1)]: nextPayload() }));
          }
          while (used < xssPayloads.length) pathed.push(`/plans/${encodeURIComponent(nextPayload())}`);
          const visits = [...(await checkAll(queried)), ...(await checkParsed(pathed))];
          expect(problems).toEqual([]);
          expect(dialogs).toEqual([]);
          // Those that echo what they were given (filters, the path of a page not found) show it as text.
          expect(visits.filter((v) => v.showsPayload).length).toBeGreaterThanOrEqual(10);
        },
        pageSweepTimeout,
      );
    }
  });
});
