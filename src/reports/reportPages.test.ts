import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp } from '../testing/testApp.js';
import { draftThroughPage } from '../testing/reports.js';
import { dateFieldValues } from '../web/dateFields.js';
import { openZip } from '../import/read/zip.js';
import { inTransaction } from '../db/transaction.js';
import { createFinding, setActionFindings } from '../findings/findingCommands.js';

describeEachDatabase('highlight reports', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  async function setUp() {
    const db = current();
    const plan = await makePlan(db, {
      title: 'Culture plan',
      sponsor: 'DCFO Derek James',
      marking: 'OFFICIAL',
      horizons: ['Short term (by April 2024)'],
    });
    const horizonId = (
      await db.kysely
        .selectFrom('horizons')
        .select('id')
        .where('plan_id', '=', plan.id)
        .executeTakeFirstOrThrow()
    ).id;
    const trust = await makeTheme(db, plan.id, { title: 'Building trust and confidence' });
    const welfare = await makeTheme(db, plan.id, { title: 'Strengthening support' });
    const dashboard = await makeAction(db, plan.id, {
      title: 'Launch Culture Dashboard',
      themeId: trust.id,
      horizonId,
      status: 'complete',
      completedOn: '2023-12-01',
    });
    await makeAction(db, plan.id, {
      title: 'Revise complaints',
      themeId: trust.id,
      horizonId,
      status: 'in_progress',
    });
    const fireground = await makeAction(db, plan.id, {
      title: 'Review fireground welfare',
      themeId: welfare.id,
      horizonId,
      status: 'in_progress',
      targetDate: 'End of January 2024',
    });
    await makeAction(db, plan.id, {
      title: 'Leavers process',
      themeId: welfare.id,
      horizonId,
      status: 'not_started',
      targetDate: 'March 2024',
    });
    return { plan, dashboard, fireground };
  }

  const draft = (slug: string, periodStart: string, periodEnd: string) =>
    draftThroughPage(app, slug, periodStart, periodEnd);

  it('drafts a report for a period from live data, grouped by theme, with the generated lists', async () => {
    const { plan } = await setUp();
    const url = await draft(plan.slug, '2023-10-01', '2024-02-29');
    const page = await app.inject(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('DCFO Derek James');
    expect(page.body).toContain('data-period>1 October 2023 – 29 February 2024<');
    expect(page.body).toContain('Progress against short term (by April 2024)');
    expect(page.body.match(/data-deliverable/g)).toHaveLength(4);
    expect(page.body).toMatch(/rowspan="2"[^>]*>Building trust and confidence</);
    const list = (key: string) => page.body.slice(page.body.indexOf(`data-list="${key}"`)).split('</ul>')[0]!;
    expect(list('completed')).toContain('Launch Culture Dashboard');
    expect(list('overdue')).toContain('Review fireground welfare');
    expect(list('due')).toContain('Leavers process');
    expect(page.body).toContain("This is the plan's first report");
    expect(page.body.match(/data-marking>OFFICIAL</g)).toHaveLength(2);
  });

  it('edits the narrative, refuses a stale edit, publishes a frozen copy, and reports changes since it', async () => {
    const { plan, fireground } = await setUp();
    const url = await draft(plan.slug, '2023-10-01', '2024-02-29');
    const edit = (fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `${url}/edit`,
        ...form({
          ...dateFieldValues('periodStart', '2023-10-01'),
          ...dateFieldValues('periodEnd', '2024-02-29'),
          ...fields,
        }),
      });
    expect(
      (
        await edit({
          version: '1',
          overallStatus: 'On Track',
          rag: 'green',
          governance: 'A Culture Steering Group meets monthly.',
        })
      ).statusCode,
    ).toBe(303);
    const stale = await edit({ version: '1', governance: 'My words, kept.' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else saved a change');
    expect(stale.body).toContain('My words, kept.</textarea>');
    const bad = await edit({ version: '2', ...dateFieldValues('periodEnd', '2023-01-01') });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The last day of the period must be on or after the first');

    expect((await app.inject(`${url}/publish`)).body).toContain('Publishing freezes the report');
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `${url}/publish`,
          ...form({ version: '2', withEmptySections: 'yes' }),
        })
      ).statusCode,
    ).toBe(303);
    const published = await app.inject(url);
    expect(published.body).toContain('Published on');
    expect(published.body).toContain('A Culture Steering Group meets monthly.');
    expect(published.body).toContain(`href="${url}/report.pdf"`);
    const pdf = await app.inject(`${url}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain('-report-2024-02-29.pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    // Later changes to the plan do not change the published report.
    await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/actions/${fireground.id}/updates`,
      ...form({ body: 'Done', ...dateFieldValues('effectiveOn', '2024-03-10'), statusChange: 'complete' }),
    });
    const article = (html: string) => html.slice(html.indexOf('<article'), html.indexOf('</article>'));
    expect(article((await app.inject(url)).body)).toBe(article(published.body));
    // The board's PDF comes out byte for byte the same, from the snapshot, whenever it is downloaded.
    expect((await app.inject(`${url}/report.pdf`)).rawPayload.equals(pdf.rawPayload)).toBe(true);
    expect(article(published.body)).toContain('Review fireground welfare');
    expect(
      (await app.inject({ method: 'POST', url: `${url}/edit`, ...form({ version: '3' }) })).statusCode,
    ).toBe(400);

    const nextUrl = await draft(plan.slug, '2024-03-01', '2024-05-31');
    const next = await app.inject(nextUrl);
    expect(next.body).toContain('A Culture Steering Group meets monthly.');
    // Changes since the last board: the plan when the last report was published against the plan now, by theme.
    const changes = next.body.slice(next.body.indexOf('data-list="changes"')).split('</div>')[0]!;
    expect(next.body).toContain('<h2 class="govuk-heading-m">Changes since the last board</h2>');
    expect(next.body).toMatch(
      /Since the report for [^<]+, published \d+ [A-Z][a-z]+ \d{4} at \d\d:\d\d: 1 status change, 1 new update\./,
    );
    expect(changes).toContain('<h3 class="govuk-heading-s">Strengthening support</h3>');
    expect(changes).not.toContain('Building trust and confidence');
    expect(changes).toContain('Review fireground welfare: Status: In progress → Complete');
    expect(changes).toMatch(
      /Update on [^<]*Review fireground welfare, 10 March 2024[^<]*\(status: Complete\): Done/,
    );
    for (const file of ['report.docx', 'report.pdf'])
      expect((await app.inject(`${nextUrl}/${file}`)).statusCode).toBe(200);
    const nextWord = (await (
      await openZip((await app.inject(`${nextUrl}/report.docx`)).rawPayload, { maxExpandedBytes: 50_000_000 })
    ).read('word/document.xml'))!.toString();
    expect(nextWord).toContain('Changes since the last board');
    expect(nextWord).toContain('Review fireground welfare: Status: In progress → Complete');

    // Published, the section is frozen: a later change does not alter it.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `${nextUrl}/publish`,
          ...form({ version: '1', withEmptySections: 'yes' }),
        })
      ).statusCode,
    ).toBe(303);
    const nextPublished = await app.inject(nextUrl);
    await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/actions/${fireground.id}/updates`,
      ...form({
        body: 'Reopened',
        ...dateFieldValues('effectiveOn', '2024-03-20'),
        statusChange: 'in_progress',
      }),
    });
    expect(article((await app.inject(nextUrl)).body)).toBe(article(nextPublished.body));
    expect(article(nextPublished.body)).toContain('1 status change, 1 new update.');

    // A report published before the fuller comparison was kept still shows its own list.
    const row = await current()
      .kysely.selectFrom('reports')
      .select(['id', 'snapshot_json'])
      .where('id', '=', nextUrl.split('/').at(-1)!)
      .executeTakeFirstOrThrow();
    const { sinceLastBoard: _dropped, ...older } = JSON.parse(row.snapshot_json!) as Record<string, unknown>;
    await current()
      .kysely.updateTable('reports')
      .set({ snapshot_json: JSON.stringify(older) })
      .where('id', '=', row.id)
      .execute();
    const old = await app.inject(nextUrl);
    expect(old.body).toContain('Changes since the last published report');
    expect(old.body).toContain('Review fireground welfare: In progress to Complete');
    expect((await app.inject(`${nextUrl}/report.pdf`)).statusCode).toBe(200);
  });

  it('corrects a published report as a new edition and keeps the old one', async () => {
    const { plan } = await setUp();
    const url = await draft(plan.slug, '2023-10-01', '2024-02-29');
    await app.inject({
      method: 'POST',
      url: `${url}/publish`,
      ...form({ version: '1', withEmptySections: 'yes' }),
    });
    const corrected = await app.inject({ method: 'POST', url: `${url}/correct`, ...form({}) });
    expect(corrected.statusCode).toBe(303);
    const correctionUrl = (corrected.headers.location as string).replace(/\/edit$/, '');
    expect(correctionUrl).not.toBe(url);
    await app.inject({
      method: 'POST',
      url: `${correctionUrl}/edit`,
      ...form({
        version: '1',
        ...dateFieldValues('periodStart', '2023-10-01'),
        ...dateFieldValues('periodEnd', '2024-02-29'),
        summary: 'Corrected summary.',
      }),
    });
    await app.inject({
      method: 'POST',
      url: `${correctionUrl}/publish`,
      ...form({ version: '2', withEmptySections: 'yes' }),
    });
    const list = await app.inject(`/plans/${plan.slug}/reports`);
    expect(list.body).toContain('data-report="superseded"');
    expect(list.body).toContain('data-report="published"');
    expect(list.body).toContain('(correction 1)');
    expect((await app.inject(url)).body).toContain('This report was corrected');
    expect((await app.inject(correctionUrl)).body).toContain('Corrected summary.');
    // Superseding is a change to the first edition too: a new version, with its row of history.
    const firstEdition = await current()
      .kysely.selectFrom('history')
      .select('after_json')
      .where('record_id', '=', url.slice(url.lastIndexOf('/') + 1))
      .orderBy('id')
      .execute();
    expect(
      firstEdition.map((row) => {
        const after = JSON.parse(row.after_json!) as { status: string; version: number };
        return [after.status, after.version];
      }),
    ).toEqual([
      ['draft', 1],
      ['published', 2],
      ['superseded', 3],
    ]);
  });

  it('downloads the report as a Word board paper and shows a printable version', async () => {
    const { plan } = await setUp();
    const url = await draft(plan.slug, '2023-10-01', '2024-02-29');
    await app.inject({
      method: 'POST',
      url: `${url}/edit`,
      ...form({
        version: '1',
        ...dateFieldValues('periodStart', '2023-10-01'),
        ...dateFieldValues('periodEnd', '2024-02-29'),
        governance: 'A Culture Steering Group meets monthly.',
        nextSteps: 'Deliver the priorities by April.',
      }),
    });
    const word = await app.inject(`${url}/report.docx`);
    expect(word.statusCode).toBe(200);
    const zip = await openZip(word.rawPayload, { maxExpandedBytes: 50_000_000 });
    const xml = (await zip.read('word/document.xml'))!;
    for (const text of [
      'STRATEGIC SPONSOR',
      'DCFO Derek James',
      'PERIOD COVERED',
      'OVERALL PROJECT STATUS',
      'GOVERNANCE',
      'NEXT STEPS',
    ])
      expect(xml).toContain(text);
    for (const title of [
      'Launch Culture Dashboard',
      'Revise complaints',
      'Review fireground welfare',
      'Leavers process',
    ])
      expect(xml).toContain(title);
    expect(xml.match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(2);
    expect(xml).toContain('<w:tblHeader/>');
    const header = (await zip.read(zip.names.find((n) => /^word\/header\d*\.xml$/.test(n))!))!;
    expect(header).toContain('OFFICIAL');
    const print = await app.inject(`${url}/print`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toMatch(/<style nonce="[^"]+">/);
    expect(print.body).toContain('Launch Culture Dashboard');
  });

  it("includes the findings' coverage where the plan has findings, and freezes it when published", async () => {
    const { plan, dashboard, fireground } = await setUp();
    const db = current();
    const before = await app.inject(await draft(plan.slug, '2023-07-01', '2023-09-30'));
    expect(before.body).not.toContain('Findings coverage');
    const [r1, r2] = await inTransaction(db, async (trx) => [
      await createFinding(trx, testActor, plan.id, { reference: 'R1', text: 'One', kind: 'recommendation' }),
      await createFinding(trx, testActor, plan.id, { reference: 'R2', text: 'Two', kind: 'recommendation' }),
      await createFinding(trx, testActor, plan.id, {
        reference: 'AFI1',
        text: 'Three',
        kind: 'area_for_improvement',
      }),
    ]);
    await inTransaction(db, async (trx) => {
      await setActionFindings(trx, testActor, plan.id, dashboard.id, [r1!.id]);
      await setActionFindings(trx, testActor, plan.id, fireground.id, [r2!.id]);
    });
    const url = await draft(plan.slug, '2023-10-01', '2024-02-29');
    const page = await app.inject(url);
    const list = page.body.slice(page.body.indexOf('data-list="findings"')).split('</ul>')[0]!;
    expect(list).toContain('2 recommendations: 2 with actions, 1 complete');
    expect(list).toContain('1 area for improvement: 0 with actions, 0 complete');
    const word = await app.inject(`${url}/report.docx`);
    const xml = (await (
      await openZip(word.rawPayload, { maxExpandedBytes: 50_000_000 })
    ).read('word/document.xml'))!;
    expect(xml).toContain('Findings coverage');
    expect(xml).toContain('2 recommendations: 2 with actions, 1 complete');

    await app.inject({
      method: 'POST',
      url: `${url}/publish`,
      ...form({ version: '1', withEmptySections: 'yes' }),
    });
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, fireground.id, []));
    const published = await app.inject(url);
    expect(published.body).toContain('2 recommendations: 2 with actions, 1 complete');
  });

  it('answers unknown reports with 404 and refuses a period that ends before it starts', async () => {
    const { plan } = await setUp();
    expect(
      (await app.inject(`/plans/${plan.slug}/reports/00000000-0000-0000-0000-000000000000`)).statusCode,
    ).toBe(404);
    const bad = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/reports`,
      ...form({
        ...dateFieldValues('periodStart', '2024-02-01'),
        ...dateFieldValues('periodEnd', '2024-01-01'),
      }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The last day of the period must be on or after the first');
  });
});
