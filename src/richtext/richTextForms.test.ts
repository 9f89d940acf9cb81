import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { createReport } from '../reports/reportCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import type { Db } from '../db/connection.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp } from '../testing/testApp.js';
import { csrfFieldName } from '../web/csrf.js';

/** Rich text as imports store it: a line break left at the end, bold with its space inside, strong, lists, a link. */
const importedProgress =
  '<p>Fish &amp; chips for staff &lt; 5 mins…<br /></p><p><b>Update 7/8/21: </b>agreed with <strong>HR</strong></p>' +
  '<ul><li>Line tested<ul><li>evenings</li></ul></li><li>see <a href="https://example.org/plan" rel="noopener noreferrer">the plan</a></li></ul>';
const importedProgressText = [
  'Fish & chips for staff < 5 mins…',
  '',
  '**Update 7/8/21:** agreed with **HR**',
  '',
  '- Line tested',
  '  - evenings',
  '- see [the plan](https://example.org/plan)',
].join('\n');

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#92;/g, '\\')
    .replace(/&amp;/g, '&');
}

/** The fields of a page's form as a browser would post them untouched. */
function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  const body = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const [tag] of body.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (!name || name === csrfFieldName) continue;
    fields[name] = decode(/\svalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const [, name, value] of body.matchAll(
    /<textarea\b[^>]*\sname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g,
  ))
    fields[name!] = decode(value!);
  for (const [, name, options] of body.matchAll(/<select\b[^>]*\sname="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g))
    fields[name!] = decode(/<option value="([^"]*)" selected>/.exec(options!)?.[1] ?? '');
  return fields;
}

/** Text areas of a page with the text in them: never a tag. */
function textareas(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<textarea\b[^>]*\sname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)].map(
      ([, name, value]) => [name!, decode(value!)],
    ),
  );
}

async function historyOf(db: Db, recordId: string): Promise<number> {
  const rows = await db.kysely.selectFrom('history').select('id').where('record_id', '=', recordId).execute();
  return rows.length;
}

describeEachDatabase('rich text in forms', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, ...form(fields) });

  it('shows an action’s rich text without HTML, and saving the form untouched changes nothing and writes no history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, {
      title: 'Imported action',
      progress: importedProgress,
      description: '<p>Said <em>twice</em><br /><br />over</p>',
    });
    const path = `/plans/${plan.slug}/actions/${action.id}/edit`;
    const page = await app.inject(path);
    const boxes = textareas(page.body);
    expect(boxes.progress).toBe(importedProgressText);
    expect(boxes.description).toBe('Said _twice_\n\\\nover');
    for (const text of Object.values(boxes)) expect(text).not.toMatch(/<\/?[a-z]/i);
    expect(page.body).toContain('How to format text');

    const historyBefore = await historyOf(db, action.id);
    const fields = formFields(page.body, path);
    const saved = await post(path, { ...fields, progress: fields.progress!.replace(/\n/g, '\r\n') });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toContain('notice=no-changes');
    const stored = await db.kysely
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored.progress).toBe(importedProgress);
    expect(stored.version).toBe(action.version);
    expect(await historyOf(db, action.id)).toBe(historyBefore);
  });

  it('saves typed formatting as HTML, keeps the fields left as shown exactly, and writes one change', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Formatting', progress: importedProgress });
    const path = `/plans/${plan.slug}/actions/${action.id}/edit`;
    const fields = formFields((await app.inject(path)).body, path);
    const historyBefore = await historyOf(db, action.id);
    const res = await post(path, {
      ...fields,
      title: 'Formatting, renamed',
      futureActions: 'Next:\r\n- **brief** the board\r\n- _survey_ again\r\n\r\n1. one\r\n2. two',
    });
    expect(res.statusCode).toBe(303);
    const stored = await db.kysely
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored.future_actions).toBe(
      '<p>Next:</p><ul><li><b>brief</b> the board</li><li><i>survey</i> again</li></ul><ol><li>one</li><li>two</li></ol>',
    );
    expect(stored.progress).toBe(importedProgress);
    expect(await historyOf(db, action.id)).toBe(historyBefore + 1);
    const shown = await app.inject(`/plans/${plan.slug}/actions/${action.id}`);
    expect(shown.body).toContain('<li><b>brief</b> the board</li>');
  });

  it('re-shows what the user typed after a validation error, not a conversion of it', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Kept text' });
    const path = `/plans/${plan.slug}/actions/${action.id}/edit`;
    const typed = '**bold**  and *star* with <b>tags</b>\r\n-   loose bullet';
    const res = await post(path, {
      ...formFields((await app.inject(path)).body, path),
      title: '',
      progress: typed,
    });
    expect(res.statusCode).toBe(400);
    expect(textareas(res.body).progress).toBe(typed);
    expect(res.body).toContain('How to format text');
  });

  it('shows both versions of a stale edit as text and keeps the user’s text', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, {
      title: 'Contested',
      progress: '<p><b>Saved</b> first</p>',
    });
    const path = `/plans/${plan.slug}/actions/${action.id}/edit`;
    const fields = formFields((await app.inject(path)).body, path);
    expect((await post(path, { ...fields, progress: '**Saved** by someone else' })).statusCode).toBe(303);
    const res = await post(path, { ...fields, progress: 'My _careful_ wording' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toMatch(/data-saved>\*\*Saved\*\* by someone else</);
    expect(textareas(res.body).progress).toBe('My _careful_ wording');
  });

  it('edits a theme’s progress as text and saves an untouched theme without history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { title: 'Vision Clarity', progress: importedProgress });
    const path = `/plans/${plan.slug}/themes/${theme.id}/edit`;
    const page = await app.inject(path);
    expect(textareas(page.body).progress).toBe(importedProgressText);
    const fields = formFields(page.body, path);
    const historyBefore = await historyOf(db, theme.id);
    expect((await post(path, fields)).headers.location).toContain('notice=no-changes');
    expect(await historyOf(db, theme.id)).toBe(historyBefore);
    await post(path, { ...fields, futureActions: '- ++underlined++ step' });
    const stored = await db.kysely
      .selectFrom('themes')
      .selectAll()
      .where('id', '=', theme.id)
      .executeTakeFirstOrThrow();
    expect(stored.future_actions).toBe('<ul><li><u>underlined</u> step</li></ul>');
    expect(stored.progress).toBe(importedProgress);
    expect(await historyOf(db, theme.id)).toBe(historyBefore + 1);
  });

  it('posts and corrects updates written as text', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'With updates' });
    const posted = await post(`/plans/${plan.slug}/actions/${action.id}/updates`, {
      body: 'Met the team:\r\n- agreed dates\r\n- [notes](https://example.org/notes)',
      effectiveOn: '2021-08-07',
      statusChange: '',
    });
    expect(posted.statusCode).toBe(303);
    const update = await db.kysely
      .selectFrom('updates')
      .selectAll()
      .where('action_id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(update.body).toBe(
      '<p>Met the team:</p><ul><li>agreed dates</li><li><a href="https://example.org/notes" rel="noopener noreferrer">notes</a></li></ul>',
    );

    const older = await makeUpdate(db, plan.id, { actionId: action.id }, { body: importedProgress });
    const path = `/plans/${plan.slug}/updates/${older.id}/edit`;
    const page = await app.inject(path);
    expect(textareas(page.body).body).toBe(importedProgressText);
    const fields = formFields(page.body, path);
    const historyBefore = await historyOf(db, older.id);
    expect((await post(path, fields)).headers.location).toContain('notice=no-changes');
    expect(await historyOf(db, older.id)).toBe(historyBefore);
    await post(path, { ...fields, body: `${fields.body}\n- one more` });
    const corrected = await db.kysely
      .selectFrom('updates')
      .select('body')
      .where('id', '=', older.id)
      .executeTakeFirstOrThrow();
    expect(corrected.body).toContain(
      '<li>see <a href="https://example.org/plan" rel="noopener noreferrer">the plan</a></li><li>one more</li>',
    );
    expect(await historyOf(db, older.id)).toBe(historyBefore + 1);
  });

  it('edits the plan’s summary and a report’s sections as text, keeping formatting that plain text lost', async () => {
    const db = current();
    const plan = await makePlan(db, { summary: importedProgress });
    const planPath = `/plans/${plan.slug}/edit`;
    const planPage = await app.inject(planPath);
    expect(textareas(planPage.body).summary).toBe(importedProgressText);
    const planFields = formFields(planPage.body, planPath);
    const planHistory = await historyOf(db, plan.id);
    expect((await post(planPath, planFields)).headers.location).toContain('notice=no-changes');
    expect(await historyOf(db, plan.id)).toBe(planHistory);
    await post(planPath, { ...planFields, ragNote: 'Behind on **two** actions' });
    const storedPlan = await db.kysely
      .selectFrom('plans')
      .selectAll()
      .where('id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(storedPlan.rag_note).toBe('<p>Behind on <b>two</b> actions</p>');
    expect(storedPlan.summary).toBe(importedProgress);

    const report = await inTransaction(db, (trx) =>
      createReport(trx, testActor, plan.id, { periodStart: '2024-01-01', periodEnd: '2024-03-31' }),
    );
    const reportPath = `/plans/${plan.slug}/reports/${report.id}/edit`;
    const fields = formFields((await app.inject(reportPath)).body, reportPath);
    await post(reportPath, { ...fields, risks: '- **Budget** not agreed\r\n  - savings due' });
    const reportPage = await app.inject(reportPath);
    expect(textareas(reportPage.body).risks).toBe('- **Budget** not agreed\n  - savings due');
    const saved = await db.kysely
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', report.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(saved.sections_json).risks).toBe(
      '<ul><li><b>Budget</b> not agreed<ul><li>savings due</li></ul></li></ul>',
    );
    const reportHistory = await historyOf(db, report.id);
    const untouched = await post(reportPath, formFields(reportPage.body, reportPath));
    expect(untouched.statusCode).toBe(303);
    expect(await historyOf(db, report.id)).toBe(reportHistory);
  });
});
