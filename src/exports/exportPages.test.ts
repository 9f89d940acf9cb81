import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { main } from '../cli.js';
import { loadDemo } from '../demo/loadDemo.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { inTransaction } from '../db/transaction.js';
import { createFinding, setActionFindings } from '../findings/findingCommands.js';
import { openZip } from '../import/read/zip.js';
import { testActor } from '../testing/factories.js';
import { comparable, missingTools, readPdfPages, withPdfFile } from '../testing/pdfText.js';

describeEachDatabase('plan downloads', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK'],
    ['pdf', 'application/pdf', '%PDF-'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK'],
    ['csv', 'text/csv; charset=utf-8', '\uFEFFAction'],
  ])('gives the action plan as .%s', async (format, type, start) => {
    const res = await app.inject(`/plans/staff-survey-2021/export.${format}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="staff-survey-2021.${format}"`);
    expect(res.rawPayload.toString('utf8', 0, start.length + 2)).toContain(start);
    expect((await app.inject('/plans/staff-survey-2021')).body).toContain(
      `/plans/staff-survey-2021/export.${format}`,
    );
  });

  it("says the findings' coverage before the table in the printable plan, Word and PDF, but not as it stood", async () => {
    const db = current();
    const plan = await db.kysely
      .selectFrom('plans')
      .select('id')
      .where('slug', '=', 'culture-action-plan')
      .executeTakeFirstOrThrow();
    const action = await db.kysely
      .selectFrom('actions')
      .select('id')
      .where('plan_id', '=', plan.id)
      .where('status', '!=', 'complete')
      .where('status', '!=', 'cancelled')
      .executeTakeFirstOrThrow();
    // A moment after the plan was made and before its findings: the plan may be younger than a second.
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await inTransaction(db, async (trx) => {
      const finding = await createFinding(trx, testActor, plan.id, {
        reference: 'R1',
        text: 'Explain the vision',
        kind: 'recommendation',
      });
      await setActionFindings(trx, testActor, plan.id, action.id, [finding.id]);
    });
    const line = '1 recommendation: 1 with actions, 0 complete';
    const print = await app.inject('/plans/culture-action-plan/print');
    expect(print.body).toContain('Findings coverage');
    expect(print.body).toContain(line);
    const word = await app.inject('/plans/culture-action-plan/export.docx');
    const xml = (await (
      await openZip(word.rawPayload, { maxExpandedBytes: 50_000_000 })
    ).read('word/document.xml'))!;
    expect(xml.indexOf(line)).toBeGreaterThan(-1);
    expect(xml.indexOf(line)).toBeLessThan(xml.indexOf('<w:tbl>'));
    if (!missingTools(['pdftotext'])) {
      const pdf = await app.inject('/plans/culture-action-plan/export.pdf');
      const pages = await withPdfFile(pdf.rawPayload, readPdfPages);
      const firstPage = comparable(pages[0]!.text);
      expect(firstPage).toContain(line);
    }
    const asItStood = await app.inject(`/plans/culture-action-plan/print?at=${encodeURIComponent(before)}`);
    expect(asItStood.statusCode).toBe(200);
    expect(asItStood.body).not.toContain('Findings coverage');
  });

  it('gives the whole plan as JSON to the signed-in browser, in the same shape as the API, not to be cached', async () => {
    const plan = await app.inject('/plans/staff-survey-2021');
    expect(plan.body).toContain('href="/plans/staff-survey-2021/export.json"');
    expect(plan.body).not.toContain('/api/v1/plans/staff-survey-2021/export.json');

    // The session cookie alone, as a browser following the link sends it.
    const res = await app.inject({
      url: '/plans/staff-survey-2021/export.json',
      headers: { cookie: app.signedIn.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="staff-survey-2021.json"');
    expect(res.headers['cache-control']).toBe('no-store');
    const api = await app.inject({
      url: '/api/v1/plans/staff-survey-2021/export.json',
      headers: { authorization: app.signedIn.authorization },
    });
    expect(api.statusCode).toBe(200);
    const fromPage = res.json();
    expect(fromPage.format).toBe('headway.plan');
    expect(fromPage.actions).toHaveLength(14);
    // Everything but the moment each was made.
    const { exportedAt, ...pageRest } = fromPage;
    const { exportedAt: apiExportedAt, ...apiRest } = api.json();
    expect(Date.parse(exportedAt)).toBeGreaterThanOrEqual(Date.parse(apiExportedAt) - 60_000);
    expect(pageRest).toEqual(apiRest);
  });

  it('refuses the JSON download to a signed-out browser', async () => {
    const res = await app.inject({ url: '/plans/staff-survey-2021/export.json', headers: { cookie: '' } });
    expect(res.statusCode).not.toBe(200);
    expect(res.body).not.toContain('headway.plan');
  });

  it('shows the action plan as a page to print', async () => {
    const res = await app.inject('/plans/staff-survey-2021/print');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<style nonce="[^"]+">/);
    expect(res.body).toContain('Comms piece to raise awareness of Focus Group findings');
    expect(res.body).toContain('NOT PROTECTIVELY MARKED');
    expect((await app.inject('/plans/staff-survey-2021')).body).toContain('/plans/staff-survey-2021/print');
  });

  it('answers an unknown plan with 404', async () => {
    expect((await app.inject('/plans/no-such-plan/export.docx')).statusCode).toBe(404);
  });
});

it('writes a plan to a file from the command line, and refuses unknown plans and formats', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'headway-export-'));
  const env = { DATABASE_URL: join(folder, 'h.db') };
  const quiet = [
    vi.spyOn(console, 'log').mockImplementation(() => {}),
    vi.spyOn(console, 'error').mockImplementation(() => {}),
  ];
  try {
    expect(await main(['demo'], env)).toBe(0);
    const out = join(folder, 'plan.xlsx');
    expect(await main(['export', 'staff-survey-2021', '--out', out], env)).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    expect(
      await main(['export', 'staff-survey-2021', '--format', 'json', '--out', join(folder, 'p.json')], env),
    ).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, 'p.json'), 'utf8')).format).toBe('headway.plan');
    expect(await main(['export', 'staff-survey-2021', '--out', join(folder, 'p.pdf')], env)).toBe(0);
    expect(readFileSync(join(folder, 'p.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const report = join(folder, 'report.pdf');
    expect(
      await main(
        [
          'report',
          'culture-action-plan',
          '--from',
          '2024-01-01',
          '--to',
          '2024-03-31',
          '--format',
          'pdf',
          '--out',
          report,
        ],
        env,
      ),
    ).toBe(0);
    expect(readFileSync(report).subarray(0, 5).toString()).toBe('%PDF-');
    expect(
      await main(['export', 'no-such-plan', '--format', 'csv', '--out', join(folder, 'x.csv')], env),
    ).toBe(1);
    expect(
      await main(['export', 'staff-survey-2021', '--format', 'pptx', '--out', join(folder, 'x.pptx')], env),
    ).toBe(2);
  } finally {
    for (const spy of quiet) spy.mockRestore();
    rmSync(folder, { recursive: true, force: true });
  }
});
