// The highlight report's status chart and trend, on its page, in Word and in PDF; and a report published before the
// charts were kept still renders, without them. On both databases.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { openZip } from '../import/read/zip.js';
import { createReport } from '../reports/reportCommands.js';
import { loadReport } from '../reports/reportQueries.js';
import { describeEachDatabase } from '../testing/databases.js';
import { testActor } from '../testing/factories.js';
import { missingTools, readPdfPages, withPdfFile } from '../testing/pdfText.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { makeScriptedPlan, scriptedToday } from './dashboardFixture.js';

const missingPdfTools = missingTools(['pdftotext']);

afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('the highlight report’s charts', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  async function draftReport() {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { plan } = await makeScriptedPlan(current(), 'Culture plan');
    // The scripted plan's published report is only a date for the movers, not a model to compare with.
    await current().kysely.deleteFrom('reports').where('plan_id', '=', plan.id).execute();
    const report = await inTransaction(current(), (trx) =>
      createReport(trx, testActor, plan.id, { periodStart: '2026-03-01', periodEnd: '2026-03-31' }),
    );
    return { plan, report, url: `/plans/${plan.slug}/reports/${report.id}` };
  }

  async function documentXml(bytes: Buffer): Promise<string> {
    const zip = await openZip(bytes, { maxExpandedBytes: 64 * 1024 * 1024 });
    return (await zip.read('word/document.xml')) ?? '';
  }

  it('keeps the status by theme and the trend in the report model, with their sentences', async () => {
    const { plan, report } = await draftReport();
    const { model } = await loadReport(current().kysely, plan.slug, report.id, scriptedToday);
    expect(model.dashboard?.byTheme.map((group) => [group.label, group.total])).toEqual([
      ['Vision clarity', 2],
      ['Wellbeing', 3],
    ]);
    expect(model.dashboard?.trend.map((point) => point.overdue)).toEqual([0, 2, 1]);
    expect(model.dashboard?.trendSummary).toMatch(
      /^From 31 January 2026 to today, 20 March 2026, complete rose/,
    );
  });

  it('draws both charts with their data on the page, and as shaded tables in Word', async () => {
    const { url } = await draftReport();
    const page = await app.inject(url);
    expect(page.statusCode).toBe(200);
    for (const chart of ['report-status', 'report-trend'])
      expect(page.body).toContain(`data-chart="${chart}"`);
    expect(page.body.match(/<svg class="hw-chart/g)).toHaveLength(4);
    expect(page.body).toContain('<th scope="row" class="govuk-table__header">28 February 2026</th>');
    const print = await app.inject(`${url}/print`);
    expect(print.body).toContain('data-chart="report-trend"');

    const word = await app.inject(`${url}/report.docx`);
    expect(word.statusCode).toBe(200);
    const xml = await documentXml(word.rawPayload);
    expect(xml).toContain('Actions by status in each theme');
    expect(xml).toContain('Trend: complete, in progress and overdue at each month end');
    expect(xml).toContain('From 31 January 2026 to today');
    // Complete in green and in progress in blue, as shaded cells; not started striped.
    expect(xml).toMatch(/<w:shd [^>]*w:fill="00703C"/);
    expect(xml).toMatch(/<w:shd [^>]*w:fill="1D70B8"/);
    expect(xml).toMatch(/<w:shd [^>]*w:val="reverseDiagStripe"/);
  });

  it.skipIf(missingPdfTools)('draws both charts as vectors in the PDF, with their labels', async () => {
    const { url } = await draftReport();
    const pdf = await app.inject(`${url}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    const text = (await withPdfFile(pdf.rawPayload, readPdfPages)).map((page) => page.text).join(' ');
    for (const words of [
      'Actions by status in each theme',
      'Trend: complete, in progress and overdue at each month end',
      'Of 2 themes with actions',
      'Vision clarity',
      'In progress or ongoing',
      'Feb',
    ])
      expect(text).toContain(words);
  });

  it('still renders a report published before the charts were kept, without them', async () => {
    const { plan, report, url } = await draftReport();
    const { model } = await loadReport(current().kysely, plan.slug, report.id, scriptedToday);
    const old: Record<string, unknown> = { ...model };
    delete old.dashboard;
    await current()
      .kysely.updateTable('reports')
      .set({
        status: 'published',
        published_at: '2026-03-20T12:00:00.000Z',
        snapshot_json: JSON.stringify(old),
      })
      .where('id', '=', report.id)
      .execute();
    const page = await app.inject(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(model.title);
    expect(page.body).not.toContain('data-chart=');
    const word = await app.inject(`${url}/report.docx`);
    expect(word.statusCode).toBe(200);
    expect(await documentXml(word.rawPayload)).not.toContain('Actions by status in each theme');
    const pdf = await app.inject(`${url}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
