import { Document, Packer, Paragraph, Table, TableCell, TableRow, VerticalMergeType } from 'docx';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { testActor } from '../testing/factories.js';
import { form, multipartForm } from '../testing/forms.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { readSource } from './read/readSource.js';
import { savePlanDraft } from './savePlanDraft.js';
import { understandDocument } from './understand/understandDocument.js';

/**
 * An inspection's action plan as a force keeps it in Word: each area for improvement merged down over the actions that
 * answer it, a BRAG column, original and revised due dates and a percent complete.
 */
async function inspectionPlanDocx(): Promise<Buffer> {
  const text = (words: string) => new Paragraph(words);
  const plain = (words: string) => new TableCell({ children: [text(words)] });
  const merged = (words: string | null) =>
    new TableCell({
      children: [text(words ?? '')],
      verticalMerge: words === null ? VerticalMergeType.CONTINUE : VerticalMergeType.RESTART,
    });
  const header = [
    'No.',
    'Area for improvement',
    'Action to be taken',
    'Lead',
    'Original due date',
    'Revised due date',
    'BRAG',
    '% complete',
  ];
  const rows: [string, string | null, string, string, string, string, string, string][] = [
    [
      '1',
      'The force should improve its supervision of investigations',
      'Review caseloads',
      'DCI Khan',
      'June 2023',
      '',
      'Blue',
      '100%',
    ],
    ['1.1', null, 'Train supervisors', 'Ch Insp Lee', 'July 2023', 'October 2023', 'A', '60'],
    ['1.2', null, 'Dip-sample files monthly', 'DCI Khan', 'Ongoing', '', 'On track', 'abc'],
    [
      '2',
      'The force should make sure it records crime accurately',
      'Audit crime recording',
      'FCR',
      '31/03/2024',
      '',
      'G',
      '0.25',
    ],
    ['3', 'The force should understand its demand', '', '', '', '', '', ''],
  ];
  const table = new Table({
    rows: [
      new TableRow({ tableHeader: true, children: header.map(plain) }),
      ...rows.map(
        ([ref, finding, ...rest]) =>
          new TableRow({ children: [plain(ref), merged(finding), ...rest.map(plain)] }),
      ),
    ],
  });
  const doc = new Document({
    sections: [{ children: [new Paragraph('PEEL inspection 2023: action plan'), table] }],
  });
  return Packer.toBuffer(doc);
}

/** The same kind of tracker as kept in Excel: recommendations in merged cells, sub-actions numbered 1a, 1b. */
async function reviewTrackerXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Tracker');
  sheet.getCell('A1').value = 'Independent culture review: recommendations tracker';
  sheet.getRow(3).values = [
    'Rec No',
    'Recommendation',
    'Planned action',
    'Owner',
    'RAG',
    'Progress %',
    'Comments',
  ];
  sheet.getRow(4).values = [
    '1',
    'Leaders should be visible',
    'Hold roadshows',
    'ACC',
    'Green',
    0.4,
    'Two held',
  ];
  sheet.getRow(5).values = ['1a', null, 'Start a blog', 'Corp Comms', 'Complete', 1, ''];
  sheet.getRow(6).values = ['1b', null, 'Answer questions monthly', 'ACC', 'R', '', 'Paused'];
  sheet.getRow(7).values = ['2', 'Values should be lived', 'Publish the values', 'HR', 'Not started', '', ''];
  sheet.mergeCells('B4:B6');
  sheet.getCell('F4').numFmt = '0%';
  sheet.getCell('F5').numFmt = '0%';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('reading trackers that hold findings from Word and Excel', () => {
  it('links the actions under a finding merged down in a Word table, with BRAG, dates and percent complete', async () => {
    const doc = await readSource('peel-2023.docx', await inspectionPlanDocx());
    const { draft, warnings } = understandDocument(doc);
    expect(draft.findings?.map((f) => [f.reference, f.kind, f.sourceDocument])).toEqual([
      ['1', 'area_for_improvement', 'PEEL inspection 2023: action plan'],
      ['2', 'area_for_improvement', 'PEEL inspection 2023: action plan'],
      ['3', 'area_for_improvement', 'PEEL inspection 2023: action plan'],
    ]);
    expect(
      draft.actions.map((a) => [
        a.ref,
        a.findings,
        a.status,
        a.rag,
        a.percentComplete,
        a.targetDate,
        a.revisedTargetDate,
      ]),
    ).toEqual([
      ['1', ['1'], 'complete', null, 100, 'June 2023', ''],
      ['1.1', ['1'], 'not_started', 'amber', 60, 'July 2023', 'October 2023'],
      ['1.2', ['1'], 'in_progress', null, null, 'Ongoing', ''],
      ['2', ['2'], 'not_started', 'green', 25, '31/03/2024', ''],
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      'Percent complete "abc" is not a whole number from 0 to 100; it was left unset and kept in the progress',
      'Finding 3 has no action in the document; it is kept as a finding that no action answers yet',
    ]);
  });

  it('links the actions under a finding in merged Excel cells, reading percentages and comments', async () => {
    const doc = await readSource('culture-review-tracker.xlsx', await reviewTrackerXlsx());
    const { draft } = understandDocument(doc);
    expect(draft.findings?.map((f) => [f.reference, f.text, f.kind])).toEqual([
      ['1', 'Leaders should be visible', 'recommendation'],
      ['2', 'Values should be lived', 'recommendation'],
    ]);
    expect(draft.actions.map((a) => [a.ref, a.findings, a.status, a.rag, a.percentComplete])).toEqual([
      ['1', ['1'], 'not_started', 'green', 40],
      ['1a', ['1'], 'complete', null, 100],
      ['1b', ['1'], 'not_started', 'red', null],
      ['2', ['2'], 'not_started', null, null],
    ]);
    expect(draft.actions[0]!.progress).toContain('Two held');
    expect(draft.actions[2]!.progress).toContain('Paused');
  });
});

describeEachDatabase('importing a tracker that holds findings', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows the findings and the actions answering each on the review page, then saves them linked', async () => {
    const uploaded = await app.inject({
      method: 'POST',
      url: '/import',
      ...multipartForm({}, [{ name: 'peel-2023.docx', bytes: await inspectionPlanDocx() }]),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const reviewUrl = uploaded.headers.location as string;
    const review = await app.inject(reviewUrl);
    expect(review.body).toContain('Findings and the actions that answer them');
    expect(review.body).toMatch(/data-findings-counts>3 areas for improvement, 4 actions\.</);
    const findingRow = (reference: string) =>
      new RegExp(`<tr class="govuk-table__row" data-finding="${reference}">([\\s\\S]*?)</tr>`).exec(
        review.body,
      )?.[1] ?? '';
    expect(findingRow('1')).toContain('The force should improve its supervision of investigations');
    expect(findingRow('1').match(/data-answered-by/g)).toHaveLength(3);
    expect(findingRow('1')).toContain('1.1 Train supervisors');
    expect(findingRow('2')).toContain('2 Audit crime recording');
    expect(findingRow('3')).toContain('No action yet');
    expect(review.body).toContain('Finding 3 has no action in the document');
    expect(review.body).toMatch(/data-percent-complete>60% complete</);

    const saved = await app.inject({ method: 'POST', url: `${reviewUrl}/save`, ...form({ target: 'new' }) });
    expect(saved.statusCode).toBe(303);
    const planPage = await app.inject(saved.headers.location as string);
    expect(planPage.body).toContain('3 findings added, 4 links from actions to findings added');

    const db = current().kysely;
    const plan = await db
      .selectFrom('plans')
      .select('id')
      .where('title', '=', 'PEEL inspection 2023: action plan')
      .executeTakeFirstOrThrow();
    const links = await db
      .selectFrom('action_findings')
      .innerJoin('actions', 'actions.id', 'action_findings.action_id')
      .innerJoin('findings', 'findings.id', 'action_findings.finding_id')
      .select(['actions.ref', 'findings.reference'])
      .where('findings.plan_id', '=', plan.id)
      .orderBy('actions.position')
      .execute();
    expect(links.map((l) => [l.ref, l.reference])).toEqual([
      ['1', '1'],
      ['1.1', '1'],
      ['1.2', '1'],
      ['2', '2'],
    ]);
    const findings = await db
      .selectFrom('findings')
      .select(['reference', 'kind', 'source_document'])
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .execute();
    expect(findings).toEqual([
      { reference: '1', kind: 'area_for_improvement', source_document: 'PEEL inspection 2023: action plan' },
      { reference: '2', kind: 'area_for_improvement', source_document: 'PEEL inspection 2023: action plan' },
      { reference: '3', kind: 'area_for_improvement', source_document: 'PEEL inspection 2023: action plan' },
    ]);
    const trained = await db
      .selectFrom('actions')
      .select(['percent_complete', 'target_text', 'revised_target_text', 'status'])
      .where('plan_id', '=', plan.id)
      .where('ref', '=', '1.1')
      .executeTakeFirstOrThrow();
    expect(trained).toEqual({
      percent_complete: 60,
      target_text: 'July 2023',
      revised_target_text: 'October 2023',
      status: 'not_started',
    });
    const history = await db
      .selectFrom('history')
      .select(['record_type', 'source'])
      .where('plan_id', '=', plan.id)
      .where('record_type', 'in', ['finding', 'action_finding'])
      .execute();
    expect(history.filter((h) => h.record_type === 'finding')).toHaveLength(3);
    expect(history.filter((h) => h.record_type === 'action_finding')).toHaveLength(4);
    expect(new Set(history.map((h) => h.source))).toEqual(new Set(['import: peel-2023.docx']));
  });

  it('merges the same tracker again without adding findings or links twice', async () => {
    const db = current();
    const doc = await readSource('culture-review-tracker.xlsx', await reviewTrackerXlsx());
    const { draft } = understandDocument(doc);
    const first = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, testActor, draft));
    expect(first.counts).toMatchObject({ findingsAdded: 2, findingLinksAdded: 4 });
    const again = await db.kysely
      .transaction()
      .execute((trx) => savePlanDraft(trx, testActor, draft, first.plan));
    expect(again.counts).toMatchObject({ findingsAdded: 0, findingLinksAdded: 0 });
  });

  it('saves nothing of a tracker when one of its actions cannot be saved', async () => {
    const db = current();
    const { draft } = understandDocument(await readSource('peel-2023.docx', await inspectionPlanDocx()));
    draft.plan.title = 'Refused tracker';
    draft.actions[1]!.percentComplete = 140;
    await expect(
      db.kysely.transaction().execute((trx) => savePlanDraft(trx, testActor, draft)),
    ).rejects.toThrow(/percent complete/i);
    const plans = await db.kysely
      .selectFrom('plans')
      .select('id')
      .where('title', '=', 'Refused tracker')
      .execute();
    expect(plans).toEqual([]);
  });

  it('names a finding that cannot be saved, and saves nothing', async () => {
    const db = current();
    const { draft } = understandDocument(await readSource('peel-2023.docx', await inspectionPlanDocx()));
    draft.plan.title = 'Refused findings';
    draft.findings![1]!.text = 'x'.repeat(10_001);
    await expect(
      db.kysely.transaction().execute((trx) => savePlanDraft(trx, testActor, draft)),
    ).rejects.toThrow(/^Finding 2: The text of the finding must be 10000 characters or fewer$/);
    const plans = await db.kysely
      .selectFrom('plans')
      .select('id')
      .where('title', '=', 'Refused findings')
      .execute();
    expect(plans).toEqual([]);
  });
});
