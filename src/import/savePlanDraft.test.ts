import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { readSample, type SampleName } from '../testing/samples.js';
import { readPastedText } from './paste/readPastedText.js';
import { readSource } from './read/readSource.js';
import { savePlanDraft } from './savePlanDraft.js';
import { understandDocument } from './understand/understandDocument.js';

async function sampleDraft(name: SampleName) {
  const text = (await readSample(name)).toString('utf8');
  return understandDocument(readPastedText(name, text)).draft;
}

describeEachDatabase('saving an understood plan', (current) => {
  const actor = { name: 'Test Manager', source: 'import: staff-survey-action-plan.txt' };
  const historyCount = async () =>
    Number(
      (
        await current()
          .kysely.selectFrom('history')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('saves a new plan with its themes, actions and updates, recording the file as the source', async () => {
    const db = current();
    const draft = await sampleDraft('staff-survey-action-plan.txt');
    const { plan, counts } = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, draft));
    expect(counts).toMatchObject({ themesAdded: 4, actionsAdded: 14, actionsChanged: 0 });
    expect(counts.updatesAdded).toBeGreaterThanOrEqual(5);
    expect(plan.marking).toBe('NOT PROTECTIVELY MARKED');
    const sources = await db.kysely
      .selectFrom('history')
      .select('source')
      .distinct()
      .where('plan_id', '=', plan.id)
      .execute();
    expect(sources.map((s) => s.source)).toEqual(['import: staff-survey-action-plan.txt']);

    const before = await historyCount();
    const again = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, draft, plan));
    expect(again.counts).toEqual({
      themesAdded: 0,
      themesChanged: 0,
      actionsAdded: 0,
      actionsChanged: 0,
      updatesAdded: 0,
      findingsAdded: 0,
      findingLinksAdded: 0,
      report: 'none',
    });
    expect(await historyCount()).toBe(before);
  });

  it('finds nothing to change when the same plan comes again in another format', async () => {
    const db = current();
    const fromWord = understandDocument(
      await readSource('staff-survey-action-plan.docx', await readSample('staff-survey-action-plan.docx')),
    ).draft;
    const { plan } = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, fromWord));
    const fromText = await sampleDraft('staff-survey-action-plan.txt');
    const { counts } = await db.kysely
      .transaction()
      .execute((trx) => savePlanDraft(trx, actor, fromText, plan));
    expect(counts).toMatchObject({ actionsAdded: 0, actionsChanged: 0, themesAdded: 0, updatesAdded: 0 });
  });

  it('merges a changed document: matching actions change, new ones are added, the rest stay', async () => {
    const db = current();
    const draft = await sampleDraft('staff-survey-action-plan.txt');
    const { plan } = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, draft));
    draft.actions[9]!.status = 'complete';
    draft.actions.push({
      title: 'A brand new action',
      theme: null,
      horizon: null,
      updates: [],
      owners: ['Corp Comms'],
    });
    const { counts } = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, draft, plan));
    expect(counts).toMatchObject({ actionsAdded: 1, actionsChanged: 1, themesAdded: 0, updatesAdded: 0 });
    const actions = await db.kysely
      .selectFrom('actions')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .execute();
    expect(actions).toHaveLength(15);
  });

  it('keeps a highlight report as a draft for its period, once', async () => {
    const db = current();
    const draft = await sampleDraft('culture-highlight-report.txt');
    const { plan, counts } = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, draft));
    expect(counts).toMatchObject({ themesAdded: 5, actionsAdded: 24, report: 'created' });
    const reports = await db.kysely
      .selectFrom('reports')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .execute();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      status: 'draft',
      period_start: '2023-10-01',
      period_end: '2024-02-29',
      rag: 'green',
    });
    expect(Object.keys(JSON.parse(reports[0]!.sections_json))).toContain('governance');
    const again = await db.kysely.transaction().execute((trx) => savePlanDraft(trx, actor, draft, plan));
    expect(again.counts.report).toBe('unchanged');
    expect(again.counts.actionsChanged + again.counts.actionsAdded).toBe(0);
  });
});
