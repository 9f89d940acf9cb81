// The findings pages and the findings on the action form, through the app as a person uses them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { dateFieldValues } from '../web/dateFields.js';
import { createFinding, setActionFindings } from './findingCommands.js';

describeEachDatabase('findings pages', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, fields: Record<string, string | string[]>) =>
    app.inject({ method: 'POST', url, ...form(fields) });

  it('shows an empty plan how to begin, and is linked from the plan page', async () => {
    const plan = await makePlan(current());
    const list = await app.inject(`/plans/${plan.slug}/findings`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('No findings yet');
    expect(list.body).toContain(`href="/plans/${plan.slug}/findings/new"`);
    expect((await app.inject(`/plans/${plan.slug}`)).body).toContain(`href="/plans/${plan.slug}/findings"`);
  });

  it('adds a finding from the form, with the date of its source as day, month and year', async () => {
    const plan = await makePlan(current());
    const added = await post(`/plans/${plan.slug}/findings`, {
      reference: 'R3',
      text: 'Explain the vision to every team',
      kind: 'recommendation',
      sourceDocument: 'Independent cultural review',
      ...dateFieldValues('sourceDate', '2021-08-07'),
      priority: 'High',
    });
    expect(added.statusCode).toBe(303);
    const page = await app.inject(String(added.headers.location));
    expect(page.body).toContain('Finding saved');
    expect(page.body).toContain('Finding R3');
    expect(page.body).toContain('Independent cultural review');
    expect(page.body).toContain('7 August 2021');
    expect(page.body).toContain('No action answers this finding yet.');
  });

  it('keeps what was typed and names each field at fault, linking the error summary to it', async () => {
    const plan = await makePlan(current());
    const refused = await post(`/plans/${plan.slug}/findings`, {
      reference: '',
      text: 'Kept as typed',
      kind: '',
      'sourceDate-day': '31',
      'sourceDate-month': '2',
      'sourceDate-year': '2021',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('There is a problem');
    expect(refused.body).toContain('href="#sourceDate-day"');
    expect(refused.body).toContain('Date of the source must be a real date');
    expect(refused.body).toContain('Kept as typed');
    const noDate = await post(`/plans/${plan.slug}/findings`, { reference: '', text: '', kind: '' });
    expect(noDate.statusCode).toBe(400);
    for (const [field, message] of [
      ['reference', 'Enter the reference'],
      ['text', 'Enter the text of the finding'],
      ['kind', 'Select the kind of finding'],
    ])
      expect(noDate.body).toContain(`href="#${field}">${message}`);
  });

  it('lists findings with their coverage and counts, filtered by kind and coverage', async () => {
    const db = current();
    const plan = await makePlan(db);
    const [r1] = await inTransaction(db, async (trx) => [
      await createFinding(trx, testActor, plan.id, {
        reference: 'R1',
        text: 'First',
        kind: 'recommendation',
      }),
      await createFinding(trx, testActor, plan.id, {
        reference: 'R2',
        text: 'Second',
        kind: 'recommendation',
      }),
      await createFinding(trx, testActor, plan.id, {
        reference: 'AFI1',
        text: 'Third',
        kind: 'area_for_improvement',
      }),
    ]);
    const done = await makeAction(db, plan.id, { ref: '1.1', status: 'complete' });
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, done.id, [r1!.id]));
    const list = await app.inject(`/plans/${plan.slug}/findings`);
    expect(list.body).toContain('2 recommendations: 1 with actions, 1 complete');
    expect(list.body).toContain('1 area for improvement: 0 with actions, 0 complete');
    const shown = (body: string) => [...body.matchAll(/data-finding="([^"]+)"/g)].map((match) => match[1]);
    expect(shown(list.body)).toEqual(['R1', 'R2', 'AFI1']);
    expect(shown((await app.inject(`/plans/${plan.slug}/findings?coverage=no_action`)).body)).toEqual([
      'R2',
      'AFI1',
    ]);
    expect(
      shown((await app.inject(`/plans/${plan.slug}/findings?coverage=no_action&kind=recommendation`)).body),
    ).toEqual(['R2']);
    const none = await app.inject(`/plans/${plan.slug}/findings?coverage=open`);
    expect(none.body).toContain('No findings match these filters.');
  });

  it('lets an action say which findings it answers, shows them on the action and the finding, and tells the history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const finding = await inTransaction(db, (trx) =>
      createFinding(trx, testActor, plan.id, {
        reference: 'R7',
        text: 'Listen to staff',
        kind: 'survey_finding',
      }),
    );
    const action = await makeAction(db, plan.id, { ref: '2.1', title: 'Hold listening events' });
    const editPage = await app.inject(`/plans/${plan.slug}/actions/${action.id}/edit`);
    expect(editPage.body).toContain('Findings this action answers');
    const saved = await post(`/plans/${plan.slug}/actions/${action.id}/edit`, {
      version: '1',
      title: 'Hold listening events',
      ref: '2.1',
      owners: '',
      themeId: '',
      horizonId: '',
      status: 'not_started',
      rag: '',
      ragReason: '',
      description: '',
      progress: '',
      futureActions: '',
      targetDate: '',
      revisedTargetDate: '',
      revisedReason: '',
      'completedOn-day': '',
      'completedOn-month': '',
      'completedOn-year': '',
      findingsShown: 'yes',
      findingIds: [finding.id],
    });
    expect(saved.statusCode).toBe(303);
    expect(String(saved.headers.location)).toContain('notice=action-saved');
    const actionPage = await app.inject(`/plans/${plan.slug}/actions/${action.id}`);
    expect(actionPage.body).toContain(`href="/plans/${plan.slug}/findings/${finding.id}"`);
    const findingPage = await app.inject(`/plans/${plan.slug}/findings/${finding.id}`);
    expect(findingPage.body).toContain('Hold listening events');
    expect(findingPage.body).toContain('Actions open');
    const stored = await db.kysely
      .selectFrom('actions')
      .select('version')
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    // Only the findings changed: the action itself was not saved again.
    expect(stored.version).toBe(1);
    const history = await app.inject(`/plans/${plan.slug}/history`);
    expect(history.body).toContain('Action 2.1 now answers finding R7');
  });

  it("refuses an action form's findings when someone else changed them since it was drawn, showing both", async () => {
    const db = current();
    const plan = await makePlan(db);
    const [r1, r2] = await inTransaction(db, async (trx) => [
      await createFinding(trx, testActor, plan.id, { reference: 'R1', text: 'One', kind: 'other' }),
      await createFinding(trx, testActor, plan.id, { reference: 'R2', text: 'Two', kind: 'other' }),
    ]);
    const action = await makeAction(db, plan.id, { title: 'Answers one' });
    const drawn = await app.inject(`/plans/${plan.slug}/actions/${action.id}/edit`);
    expect(drawn.body).toContain('name="findingsWere" value=""');
    // Someone else says the action answers R2 while the form is open.
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, action.id, [r2!.id]));
    const stale = await post(`/plans/${plan.slug}/actions/${action.id}/edit`, {
      version: '1',
      title: 'Answers one',
      status: 'not_started',
      findingsShown: 'yes',
      findingsWere: '',
      findingIds: [r1!.id],
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else saved a change while you were editing');
    expect(stale.body).toMatch(/Findings it answers<\/th>\s*<td[^>]*>R2<\/td>\s*<td[^>]*>R1<\/td>/);
    const answered = await db.kysely
      .selectFrom('action_findings')
      .select('finding_id')
      .where('action_id', '=', action.id)
      .execute();
    expect(answered).toEqual([{ finding_id: r2!.id }]);
  });

  it('refuses a finding of another plan ticked on the action form, and changes nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    await inTransaction(db, (trx) =>
      createFinding(trx, testActor, plan.id, { reference: 'R1', text: 'Ours', kind: 'other' }),
    );
    const foreign = await inTransaction(db, (trx) =>
      createFinding(trx, testActor, other.id, { reference: 'X1', text: 'Theirs', kind: 'other' }),
    );
    const added = await post(`/plans/${plan.slug}/actions`, {
      title: 'Answers the wrong plan',
      status: 'not_started',
      findingsShown: 'yes',
      findingIds: [foreign.id],
    });
    expect(added.statusCode).toBe(400);
    expect(added.body).toContain('Choose findings of this plan');
    const actions = await db.kysely
      .selectFrom('actions')
      .select('id')
      .where('plan_id', '=', plan.id)
      .execute();
    expect(actions).toEqual([]);
  });

  it('edits a finding, refuses a stale edit showing both versions, and deletes after confirmation', async () => {
    const db = current();
    const plan = await makePlan(db);
    const finding = await inTransaction(db, (trx) =>
      createFinding(trx, testActor, plan.id, { reference: 'R1', text: 'As first written', kind: 'other' }),
    );
    const fields = { reference: 'R1', kind: 'other', sourceDocument: '', priority: '' };
    const path = `/plans/${plan.slug}/findings/${finding.id}`;
    expect((await post(`${path}/edit`, { ...fields, version: '1', text: 'First edit' })).statusCode).toBe(
      303,
    );
    const stale = await post(`${path}/edit`, { ...fields, version: '1', text: 'Edit opened before' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else saved a change while you were editing');
    expect(stale.body).toContain('Edit opened before');
    const confirm = await app.inject(`${path}/delete`);
    expect(confirm.body).toContain('Are you sure you want to delete finding R1?');
    const deleted = await post(`${path}/delete`, { confirm: 'yes' });
    expect(deleted.statusCode).toBe(303);
    expect((await app.inject(path)).statusCode).toBe(404);
  });
});
