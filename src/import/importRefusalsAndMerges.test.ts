// Through the real import pages: what is not a plan is refused on the form, and a file of a plan that exists already
// is proposed for merging into it, with what would change, then merged through the records' own commands.
import { Document, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteAction, updateAction } from '../actions/actionCommands.js';
import { updatePlan } from '../plans/planCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { understandFile } from './importFile.js';
import { form, multipartForm } from '../testing/forms.js';
import { readSample } from '../testing/samples.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

const staffSurvey = 'staff-survey-action-plan';

/** Paragraphs of a board paper, as pasted when the prose around a plan is copied rather than its table. */
const prose = [
  'Culture Action Plan: update to the People Committee',
  'Since the last meeting we have recruited culture champions in every directorate, and the first of them have started.',
  'Owners have been asked for updates by the end of the month. Status: in progress.',
  'Recommendation: the committee is asked to note the progress made.',
];

describeEachDatabase('import refusals and merges', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
    // The import worker starts, and compiles, on its first file: here, within the hook's longer limit, not a test's.
    await understandFile({ fileName: 'start.csv', bytes: Buffer.from('Action,Owner\nA,B\n') });
  });
  afterAll(async () => {
    await app.close();
  });

  const count = async (table: 'plans' | 'pending_imports' | 'history') =>
    Number(
      (
        await current()
          .kysely.selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const upload = (name: string, bytes: Buffer, fields: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/import', ...multipartForm(fields, [{ name, bytes }]) });
  const postForm = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, ...form(fields) });
  const plan = (slug: string) =>
    current().kysely.selectFrom('plans').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
  const actionTitled = async (slug: string, prefix: string) => {
    const { id } = await plan(slug);
    const actions = await current()
      .kysely.selectFrom('actions')
      .selectAll()
      .where('plan_id', '=', id)
      .execute();
    return actions.find((a) => a.title.startsWith(prefix))!;
  };
  const lastHistoryId = async () =>
    Number(
      (
        await current()
          .kysely.selectFrom('history')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id ?? 0,
    );

  /** Uploads a sample, saves it as a new plan and gives the plan's slug. */
  const importAsNew = async (name: `${typeof staffSurvey}.docx`) => {
    const res = await upload(name, await readSample(name));
    expect(res.statusCode, res.body).toBe(303);
    const saved = await postForm(`${res.headers.location as string}/save`, { target: 'new' });
    expect(saved.statusCode).toBe(303);
    return (saved.headers.location as string).split('?')[0]!.split('/').pop()!;
  };

  it('refuses pasted prose without a table on the form, keeping the text, and stores nothing', async () => {
    const plansBefore = await count('plans');
    const pendingBefore = await count('pending_imports');
    const res = await app.inject({
      method: 'POST',
      url: '/import',
      ...multipartForm({ pasted: prose.join('\n\n') }, []),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#file"');
    expect(res.body).toContain(
      'The pasted text has no table of actions. Paste the rows of the plan&#39;s table, with its header row',
    );
    expect(res.body).not.toContain('govuk-notification-banner');
    expect(res.body).toContain('recruited culture champions in every directorate');
    expect(await count('plans')).toBe(plansBefore);
    expect(await count('pending_imports')).toBe(pendingBefore);
  });

  it('refuses a Word file of prose and an empty sheet of a workbook, naming the file, and stores nothing', async () => {
    const plansBefore = await count('plans');
    const pendingBefore = await count('pending_imports');
    const paper = await Packer.toBuffer(
      new Document({ sections: [{ children: prose.map((line) => new Paragraph(line)) }] }),
    );
    const word = await upload('board-paper.docx', paper);
    expect(word.statusCode).toBe(400);
    expect(word.body).toContain('govuk-error-summary');
    expect(word.body).toContain(
      'board-paper.docx: The file has no table of actions. Choose the file that holds the plan&#39;s table, with its header row',
    );

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readSample(`${staffSurvey}.xlsx`)) as unknown as ArrayBuffer);
    workbook.addWorksheet('Notes');
    const withEmptySheet = Buffer.from(await workbook.xlsx.writeBuffer());
    const sheet = await upload(`${staffSurvey}.xlsx`, withEmptySheet, { sheet: 'Notes' });
    expect(sheet.statusCode).toBe(400);
    expect(sheet.body).toContain(
      `${staffSurvey}.xlsx: Sheet “Notes” has no table of actions. Name the sheet that holds the plan&#39;s table (the workbook&#39;s sheets are Sheet1, Notes)`,
    );
    expect(await count('plans')).toBe(plansBefore);
    expect(await count('pending_imports')).toBe(pendingBefore);

    // The same workbook's first sheet is a plan, and goes to review.
    expect((await upload(`${staffSurvey}.xlsx`, withEmptySheet)).statusCode).toBe(303);
  });

  it('proposes merging a file into the plan of the same title, says what changes field by field, and merges it through the commands', async () => {
    const first = await upload(`${staffSurvey}.docx`, await readSample(`${staffSurvey}.docx`));
    expect((await app.inject(first.headers.location as string)).body).not.toContain('data-merge-proposal');
    await postForm(`${first.headers.location as string}/cancel`, {});
    const slug = await importAsNew(`${staffSurvey}.docx`);
    const actor = { name: 'Plan Manager' };
    const { id: planId, version } = await plan(slug);
    const moved = await actionTitled(slug, 'Update July PAB');
    const spaced = await actionTitled(slug, 'Hold focus groups with Directorates');
    const removed = await actionTitled(slug, 'Comms piece to raise awareness');
    await current()
      .kysely.transaction()
      .execute(async (trx) => {
        // The plan's title differs from the file's only in case and spacing.
        await updatePlan(trx, actor, planId, version, { title: 'staff survey  -  ACTION plan' });
        await updateAction(trx, actor, planId, moved.id, moved.version, {
          status: 'in_progress',
          targetDate: 'June 2024',
        });
        // The same words, spaced and broken otherwise: no change.
        await updateAction(trx, actor, planId, spaced.id, spaced.version, {
          progress: spaced.progress.replace(/<\/p><p>/g, '</p>\n\n<p>  ').replace(/ /g, '  '),
        });
        await deleteAction(trx, actor, planId, removed.id);
      });
    expect((await actionTitled(slug, 'Hold focus groups with Directorates')).progress).not.toBe(
      spaced.progress,
    );

    const res = await upload(`${staffSurvey}.docx`, await readSample(`${staffSurvey}.docx`));
    const reviewUrl = res.headers.location as string;
    const review = await app.inject(reviewUrl);
    expect(review.body).toContain('data-merge-proposal');
    expect(review.body).toMatch(
      /<input class="govuk-radios__input" id="target" name="target" type="radio" value="existing" checked>/,
    );
    expect(review.body).toContain('Merge into the existing plan ‘staff survey  -  ACTION plan’');
    expect(review.body).toContain('Save as a new plan');
    const changes = review.body.match(/<ul [^>]*data-merge-changes>([\s\S]*?)<\/ul>/)?.[1] ?? '';
    expect(changes).toContain(
      'Action ‘Update July PAB with progress and Action Plan updates’: Status In progress → Ongoing; Target date ‘June 2024’ → ‘Sep-21’',
    );
    expect(changes).not.toContain('Hold focus groups');
    expect(changes.match(/<li>/g)).toHaveLength(1);
    const added = review.body.match(/<ul [^>]*data-merge-added>([\s\S]*?)<\/ul>/)?.[1] ?? '';
    expect(added).toContain(`<li>Action ‘${removed.title}’</li>`);
    expect(review.body).toContain('1 action added:');

    const historyBefore = await lastHistoryId();
    const plansBefore = await count('plans');
    const merged = await postForm(`${reviewUrl}/save`, { target: 'existing' });
    expect(merged.statusCode).toBe(303);
    expect(merged.headers.location).toMatch(new RegExp(`^/plans/${slug}\\?notice=`));
    expect((await app.inject(merged.headers.location as string)).body).toContain(
      'Imported: 1 action added, 1 action changed',
    );
    expect(await count('plans')).toBe(plansBefore);
    const after = await actionTitled(slug, 'Update July PAB');
    expect(after).toMatchObject({ status: 'ongoing', target_text: 'Sep-21', version: moved.version + 2 });
    expect((await actionTitled(slug, 'Hold focus groups with Directorates')).version).toBe(
      spaced.version + 1,
    );
    const written = await current()
      .kysely.selectFrom('history')
      .select(['record_type', 'record_id', 'source', 'actor_id'])
      .where('plan_id', '=', planId)
      .where('id', '>', historyBefore)
      .execute();
    // One change to the moved action, the re-added action; all under the person, with the file as the source.
    expect(written.filter((h) => h.record_type === 'action')).toHaveLength(2);
    expect(written.some((h) => h.record_id === spaced.id)).toBe(false);
    expect(new Set(written.map((h) => h.source))).toEqual(new Set([`import: ${staffSurvey}.docx`]));
    expect(new Set(written.map((h) => h.actor_id))).toEqual(new Set([app.signedIn.user.id]));
  });

  it('finds nothing to merge when the same plan comes as a workbook, whose cells break lines where Word has paragraphs', async () => {
    const slug = await importAsNew(`${staffSurvey}.docx`);
    const res = await upload(`${staffSurvey}.xlsx`, await readSample(`${staffSurvey}.xlsx`));
    const reviewUrl = res.headers.location as string;
    const review = await app.inject(reviewUrl);
    // Two plans of that title now: the one changed last is proposed.
    expect(review.body).toContain('Merge into the existing plan ‘Staff Survey - Action Plan’');
    expect(review.body).toContain('data-merge-nothing');
    expect(review.body).not.toContain('data-merge-changes');
    const historyBefore = await count('history');
    const saved = await postForm(`${reviewUrl}/save`, { target: 'existing' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toMatch(/^\/plans\/[^?]+\?notice=/);
    expect((await app.inject(saved.headers.location as string)).body).toContain(
      'Nothing changed: the plan already has everything in this file',
    );
    expect(await count('history')).toBe(historyBefore);
    expect(saved.headers.location).toMatch(new RegExp(`^/plans/${slug}\\?notice=`));
  });

  it('saves as a new plan when asked, though a plan of that title exists', async () => {
    const res = await upload(`${staffSurvey}.docx`, await readSample(`${staffSurvey}.docx`));
    expect((await app.inject(res.headers.location as string)).body).toContain('data-merge-proposal');
    const plansBefore = await count('plans');
    const saved = await postForm(`${res.headers.location as string}/save`, { target: 'new' });
    expect(saved.statusCode).toBe(303);
    expect(await count('plans')).toBe(plansBefore + 1);
  });

  it('refuses to merge into the plan of the same title once it has been renamed, and saves nothing', async () => {
    const culture = 'culture-highlight-report.docx';
    const first = await upload(culture, await readSample(culture));
    const saved = await postForm(`${first.headers.location as string}/save`, { target: 'new' });
    const slug = (saved.headers.location as string).split('?')[0]!.split('/').pop()!;
    const again = await upload(culture, await readSample(culture));
    const reviewUrl = again.headers.location as string;
    expect((await app.inject(reviewUrl)).body).toContain(
      'Merge into the existing plan ‘Culture Action Plan Strategic Highlight Report’',
    );
    const { id, version } = await plan(slug);
    await current()
      .kysely.transaction()
      .execute((trx) =>
        updatePlan(trx, { name: 'Plan Manager' }, id, version, { title: 'Culture plan 2024' }),
      );
    const historyBefore = await lastHistoryId();
    const refused = await postForm(`${reviewUrl}/save`, { target: 'existing' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('govuk-error-summary');
    expect(refused.body).toContain('href="#target"');
    expect(refused.body).toContain(
      'There is no plan called ‘Culture Action Plan Strategic Highlight Report’ to merge into any more; save it as a new plan, or choose another',
    );
    expect(refused.body).not.toContain('data-merge-proposal');
    expect(await lastHistoryId()).toBe(historyBefore);
    // The import is still there to save another way.
    expect((await postForm(`${reviewUrl}/save`, { target: `merge:${slug}` })).statusCode).toBe(303);
  });
});
