// What a board reads: where a draft's narrative comes from, publishing with empty sections, and the papers' words.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { savePlanDraft } from '../import/savePlanDraft.js';
import { openZip } from '../import/read/zip.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { dateFieldValues } from '../web/dateFields.js';
import { form } from '../testing/forms.js';
import { missingTools, readPdfPages, withPdfFile } from '../testing/pdfText.js';
import { buildTestApp } from '../testing/testApp.js';
import { draftThroughPage } from '../testing/reports.js';
import { parseSections } from './reportModel.js';

const noPdfText = missingTools(['pdftotext']);

describeEachDatabase('highlight reports a board can read', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const draft = (slug: string, periodStart: string, periodEnd: string) =>
    draftThroughPage(app, slug, periodStart, periodEnd);
  const sectionsOf = async (url: string) => {
    const row = await current()
      .kysely.selectFrom('reports')
      .select('sections_json')
      .where('id', '=', url.slice(url.lastIndexOf('/') + 1))
      .executeTakeFirstOrThrow();
    return parseSections(row.sections_json);
  };
  const edit = (
    url: string,
    version: number,
    { periodStart, periodEnd, ...fields }: Record<string, string>,
  ) =>
    app.inject({
      method: 'POST',
      url: `${url}/edit`,
      ...form({
        version: String(version),
        ...dateFieldValues('periodStart', periodStart),
        ...dateFieldValues('periodEnd', periodEnd),
        ...fields,
      }),
    });
  const publish = (url: string, version: number, confirm = false) =>
    app.inject({
      method: 'POST',
      url: `${url}/publish`,
      ...form({ version: String(version), ...(confirm ? { withEmptySections: 'yes' } : {}) }),
    });

  it('starts the first draft from the narrative the plan holds: its summary and what its import wrote', async () => {
    const slug = `imported-${Date.now().toString(36)}`;
    await inTransaction(current(), (trx) =>
      savePlanDraft(trx, testActor, {
        plan: {
          title: 'Imported culture plan',
          slug,
          summary: '<p>The review was published.</p>',
          horizons: [],
        },
        themes: [],
        actions: [],
        report: {
          periodText: 'October 2023 – February 2024',
          periodStart: '2023-10-01',
          periodEnd: '2024-02-29',
          overallStatus: 'On Track',
          sections: {
            summary: '<p>The review was published.</p>',
            governance: '<p>A Culture Steering Group meets monthly.</p>',
            risks: '<p>Change may strain the culture.</p>',
          },
        },
      }),
    );
    const url = await draft(slug, '2024-03-01', '2024-05-31');
    expect(await sectionsOf(url)).toEqual({
      summary: '<p>The review was published.</p>',
      governance: '<p>A Culture Steering Group meets monthly.</p>',
      risks: '<p>Change may strain the culture.</p>',
    });

    // A plan typed by hand has its summary and nothing else: the first draft says the summary.
    const typed = await makePlan(current(), { summary: 'We heard staff.\n\nWe will act.' });
    expect(await sectionsOf(await draft(typed.slug, '2024-01-01', '2024-03-31'))).toEqual({
      summary: '<p>We heard staff.</p><p>We will act.</p>',
    });
  });

  it("starts each later draft from the last published report's sections, not from a later unpublished draft", async () => {
    const plan = await makePlan(current(), { summary: 'The plan summary.' });
    const first = await draft(plan.slug, '2024-01-01', '2024-03-31');
    expect(
      (
        await edit(first, 1, {
          periodStart: '2024-01-01',
          periodEnd: '2024-03-31',
          summary: 'Published summary.',
          risks: 'Published risks.',
        })
      ).statusCode,
    ).toBe(303);
    expect((await publish(first, 2, true)).statusCode).toBe(303);
    // A draft for a later period, never published, with other words.
    const unpublished = await draft(plan.slug, '2024-04-01', '2024-06-30');
    await edit(unpublished, 1, {
      periodStart: '2024-04-01',
      periodEnd: '2024-06-30',
      summary: 'Words never published.',
    });

    const next = await draft(plan.slug, '2024-07-01', '2024-09-30');
    expect(await sectionsOf(next)).toEqual({
      summary: '<p>Published summary.</p>',
      risks: '<p>Published risks.</p>',
    });
  });

  it('names the empty sections and publishes only once that is confirmed; the published papers leave them out', async () => {
    const plan = await makePlan(current(), { title: 'Wellbeing plan', marking: 'OFFICIAL' });
    const url = await draft(plan.slug, '2024-01-01', '2024-03-31');
    const sections = {
      summary: 'Summary words.',
      progress: 'Progress words.',
      governance: 'Governance words.',
      communication: 'Communication words.',
      issues: 'Issues words.',
    };
    await edit(url, 1, { periodStart: '2024-01-01', periodEnd: '2024-03-31', ...sections });

    // The draft's own page says what is still to write.
    expect((await app.inject(url)).body).toContain('Nothing written yet.');
    const confirm = await app.inject(`${url}/publish`);
    expect(confirm.body).toContain('These sections are empty: Risks, Next steps');
    expect(confirm.body).toContain('Publish with empty sections');

    const refused = await publish(url, 2);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('There is a problem');
    expect(refused.body).toContain('These sections are empty: Risks, Next steps. Write them, or select');
    expect(refused.body).toContain('href="#withEmptySections"');
    const stillDraft = await current()
      .kysely.selectFrom('reports')
      .select(['status', 'version'])
      .where('id', '=', url.slice(url.lastIndexOf('/') + 1))
      .executeTakeFirstOrThrow();
    expect(stillDraft).toEqual({ status: 'draft', version: 2 });

    expect((await publish(url, 2, true)).statusCode).toBe(303);
    const page = await app.inject(url);
    const print = await app.inject(`${url}/print`);
    for (const html of [page.body, print.body]) {
      expect(html).toContain('Governance words.');
      expect(html).not.toContain('Nothing written yet');
      expect(html).not.toContain('data-section="risks"');
      expect(html).not.toContain('data-section="nextSteps"');
    }
    const zip = await openZip((await app.inject(`${url}/report.docx`)).rawPayload, {
      maxExpandedBytes: 50_000_000,
    });
    const xml = (await zip.read('word/document.xml'))!;
    expect(xml).toContain('Issues words.');
    expect(xml).toContain('COMMUNICATION');
    expect(xml).not.toContain('Nothing written yet');
    expect(xml).not.toContain('RISKS');
    expect(xml).not.toContain('NEXT STEPS');
    if (!noPdfText) {
      const pages = await withPdfFile((await app.inject(`${url}/report.pdf`)).rawPayload, readPdfPages);
      const text = pages.map((p) => p.text).join('\n');
      expect(text).toContain('Issues words.');
      expect(text).not.toContain('Nothing written yet');
      expect(text).not.toContain('RISKS');
      expect(text).not.toContain('NEXT STEPS');
    }

    // With every section written, nothing is asked.
    const full = await draft(plan.slug, '2024-04-01', '2024-06-30');
    await edit(full, 1, {
      periodStart: '2024-04-01',
      periodEnd: '2024-06-30',
      ...sections,
      risks: 'Risks words.',
      nextSteps: 'Next steps words.',
    });
    expect((await app.inject(`${full}/publish`)).body).not.toContain('Publish with empty sections');
    expect((await publish(full, 2)).statusCode).toBe(303);
  });

  it('does not double the title and keeps the capitals of horizon names in the page, print, Word and PDF', async () => {
    const plan = await makePlan(current(), {
      title: 'Culture Action Plan Strategic Highlight Report',
      horizons: ['Short term (by April 2024)', 'NHS Q1 priorities'],
    });
    const horizons = await current()
      .kysely.selectFrom('horizons')
      .select(['id', 'name'])
      .where('plan_id', '=', plan.id)
      .execute();
    for (const horizon of horizons)
      await makeAction(current(), plan.id, { title: `Deliver ${horizon.name}`, horizonId: horizon.id });
    const url = await draft(plan.slug, '2024-01-01', '2024-03-31');

    const page = await app.inject(url);
    expect(page.body).toContain(
      '<h1 class="govuk-heading-l">Culture Action Plan Strategic Highlight Report</h1>',
    );
    expect(page.body).toContain(
      '<title>Culture Action Plan Strategic Highlight Report for 1 January – 31 March 2024 – Headway',
    );
    const print = await app.inject(`${url}/print`);
    const zip = await openZip((await app.inject(`${url}/report.docx`)).rawPayload, {
      maxExpandedBytes: 50_000_000,
    });
    const papers = [page.body, print.body, (await zip.read('word/document.xml'))!];
    if (!noPdfText) {
      const pages = await withPdfFile((await app.inject(`${url}/report.pdf`)).rawPayload, readPdfPages);
      papers.push(pages.map((p) => p.text.replace(/\s+/g, ' ')).join('\n'));
    }
    for (const paper of papers) {
      expect(paper).toContain('Progress against short term (by April 2024)');
      expect(paper).toContain('Progress against NHS Q1 priorities');
      expect(paper).not.toMatch(/by april|nhs q1/);
      expect(paper).not.toMatch(/Highlight Report: highlight report/i);
    }

    // A plan whose title does not say it is a highlight report is given the words once.
    const other = await makePlan(current(), { title: 'Wellbeing plan' });
    const otherPage = await app.inject(await draft(other.slug, '2024-01-01', '2024-03-31'));
    expect(otherPage.body).toContain('<h1 class="govuk-heading-l">Wellbeing plan: highlight report</h1>');
  });
});
