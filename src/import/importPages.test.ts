import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { expandingDocx } from '../testing/expandingDocx.js';
import { form, multipartForm, type FilePart } from '../testing/forms.js';
import { readSample } from '../testing/samples.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

const limit = 64 * 1024;

/** A multipart post of the import form: text fields, then the files. */
function multipart(fields: Record<string, string>, ...files: FilePart[]) {
  return multipartForm(fields, files);
}

const actionRows = (html: string) => html.match(/<tr class="govuk-table__row" data-action>/g)?.length ?? 0;

describeEachDatabase('import pages', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current(), { config: { importMaxBytes: limit } });
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

  const upload = async (name: string, bytes: Buffer, fields: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/import', ...multipart(fields, { name, bytes }) });

  const uploadSample = async (name: 'staff-survey-action-plan.docx' | 'culture-highlight-report.docx') => {
    const res = await upload(name, await readSample(name));
    expect(res.statusCode, res.body).toBe(303);
    return res.headers.location as string;
  };

  const postForm = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, ...form(fields) });

  it('refuses an Office file expanding beyond the per-part limit set, naming it, and stores nothing', async () => {
    const strict = await buildTestApp(current(), {
      config: { importMaxBytes: limit, importMaxPartBytes: 1024 * 1024 },
    });
    try {
      const pendingBefore = await count('pending_imports');
      const res = await strict.inject({
        method: 'POST',
        url: '/import',
        ...multipart({}, { name: 'long.docx', bytes: await expandingDocx(1.5 * 1024 * 1024) }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(
        'long.docx: The file&#39;s part word/document.xml expands to 2 MB when opened, more than the 1 MB Headway reads from one part',
      );
      expect(await count('pending_imports')).toBe(pendingBefore);
    } finally {
      await strict.close();
    }
  });

  it('shows the upload form with the size limit, and links to it from every page', async () => {
    const page = await app.inject('/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('up to 64 KB');
    expect(page.body).toContain('name="pasted"');
    expect(page.body).toContain('name="sheet"');
    expect((await app.inject('/plans')).body).toContain('href="/import"');
  });

  it('reads a Word file, shows what was understood, takes a column mapping, and saves a new plan', async () => {
    const reviewUrl = await uploadSample('staff-survey-action-plan.docx');
    expect(reviewUrl).toMatch(/^\/import\/[0-9a-f-]{36}$/);
    const id = reviewUrl.split('/').pop()!;

    const review = await app.inject(reviewUrl);
    expect(review.statusCode).toBe(200);
    expect(actionRows(review.body)).toBe(14);
    for (const theme of [
      'Return to Work Plan',
      'Transform - Silo Culture and Communication of changes',
      'Vision Clarity',
      'Work/Home Balance',
    ])
      expect(review.body).toContain(`data-theme="${theme}"`);
    expect(review.body).toContain('4 themes, 14 actions');
    expect(review.body).toContain(
      'End of June 2021<br><span class="govuk-body-s hw-parsed">Read as: 30 June 2021',
    );
    expect(review.body).toContain('NOT PROTECTIVELY MARKED');
    expect(review.body).toContain('Lead: Stuart Phoenix');
    expect(review.body).toContain('7 August 2021');
    expect(review.body).toMatch(/<option value="ignore">Do not import<\/option>/);

    // Reading the Owner column as "Do not import" takes the owners away; going back restores them.
    const mapped = await postForm(`/import/${id}/columns`, { 'column:owner': 'ignore' });
    expect(mapped.statusCode).toBe(303);
    expect(mapped.headers.location).toBe(`${reviewUrl}#columns`);
    const withoutOwners = await app.inject(reviewUrl);
    expect(withoutOwners.body).toContain('None named');
    expect(withoutOwners.body).toMatch(/<option value="ignore" selected>Do not import<\/option>/);
    expect(withoutOwners.body).toContain('As recognised: Owner');
    await postForm(`/import/${id}/columns`, { reset: '1' });
    const restored = await app.inject(reviewUrl);
    expect(restored.body).toContain('Luke Baldock');
    expect(restored.body).not.toContain('None named');

    const saved = await postForm(`/import/${id}/save`, { target: 'new' });
    expect(saved.statusCode).toBe(303);
    const planUrl = (saved.headers.location as string).split('?')[0]!;
    const plan = await app.inject(saved.headers.location as string);
    expect(plan.body).toContain('Staff Survey - Action Plan');
    expect(plan.body).toContain('Imported: 14 actions added, 4 themes added, 7 updates added');
    expect((await app.inject(reviewUrl)).statusCode).toBe(404);

    const slug = planUrl.split('/').pop()!;
    const recorded = await current()
      .kysely.selectFrom('history')
      .innerJoin('plans', 'plans.id', 'history.plan_id')
      .select(['history.source', 'history.actor_id'])
      .distinct()
      .where('plans.slug', '=', slug)
      .execute();
    // Every change is recorded under the signed-in person who saved it, with the file as its source.
    expect(recorded).toEqual([
      { source: 'import: staff-survey-action-plan.docx', actor_id: app.signedIn.user.id },
    ]);

    // The same file again, merged into that plan, changes nothing.
    const historyBefore = await count('history');
    const againUrl = await uploadSample('staff-survey-action-plan.docx');
    const again = await app.inject(againUrl);
    // The plan of the same title is proposed first; each plan is its own radio, with no question revealed inside one.
    expect(again.body).toContain('value="existing" checked');
    expect(again.body).not.toContain(`value="merge:${slug}"`);
    expect(again.body).not.toContain('name="into"');
    const merged = await postForm(`${againUrl}/save`, { target: `merge:${slug}` });
    expect(merged.statusCode).toBe(303);
    expect(merged.headers.location).toMatch(new RegExp(`^/plans/${slug}\\?notice=`));
    expect((await app.inject(merged.headers.location as string)).body).toContain(
      'Nothing changed: the plan already has everything in this file',
    );
    expect(await count('history')).toBe(historyBefore);
  });

  it('says what an import changed from numbers in the link, never from words in it', async () => {
    const said = await app.inject('/plans?notice=imported.1.0.2.0.3.2.0.6.14');
    expect(said.body).toContain(
      'Imported: 1 action added, 2 themes added, 3 updates added, 6 findings added, 14 links from actions to findings added, a draft report added',
    );
    for (const key of [
      'imported.1.2',
      'imported.1.0.2.0.3.2.0',
      'imported.x.0.0.0.0.0.0.0.0',
      'imported.1.0.0.0.0.9.0.0.0',
      'constructor.1',
    ])
      expect((await app.inject(`/plans?notice=${key}`)).body, key).not.toContain('govuk-notification-banner');
  });

  it('takes pasted text and saves it as a new plan with its draft report', async () => {
    const text = (await readSample('culture-highlight-report.txt')).toString('utf8');
    const posted = await app.inject({ method: 'POST', url: '/import', ...multipart({ pasted: text }) });
    expect(posted.statusCode).toBe(303);
    const reviewUrl = posted.headers.location as string;
    const review = await app.inject(reviewUrl);
    expect(review.body).toContain('Pasted text');
    expect(review.body).toContain('DCFO Derek James');
    expect(review.body).toContain('October 2023 – February 2024');
    expect(review.body).toContain('data-group="Building trust and confidence"');
    expect(actionRows(review.body)).toBe(24);
    expect(review.body).toContain('data-report');

    const saved = await postForm(`${reviewUrl}/save`, { target: 'new' });
    expect(saved.statusCode).toBe(303);
    const plan = await app.inject(saved.headers.location as string);
    expect(plan.body).toContain('Culture Action Plan Strategic Highlight Report');
    expect(plan.body).toMatch(/Imported: 24 actions added, 5 themes added, a draft report added/);
    const slug = (saved.headers.location as string).split('?')[0]!.split('/').pop()!;
    const actions = await current()
      .kysely.selectFrom('actions')
      .innerJoin('plans', 'plans.id', 'actions.plan_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('plans.slug', '=', slug)
      .executeTakeFirstOrThrow();
    expect(Number(actions.n)).toBe(24);
  });

  it('asks which plan to merge into, and cancels an import', async () => {
    const reviewUrl = await uploadSample('culture-highlight-report.docx');
    const review = await app.inject(reviewUrl);
    expect(review.body).toMatch(/value="merge:staff-survey-action-plan[^"]*"/);
    expect(review.body).toContain('Merge into ‘Staff Survey - Action Plan’');
    // This file's plan was saved above: merging into it is proposed first.
    expect(review.body).toContain('value="existing" checked');
    const noPlan = await postForm(`${reviewUrl}/save`, { target: 'merge:' });
    expect(noPlan.statusCode).toBe(400);
    expect(noPlan.body).toContain('govuk-error-summary');
    expect(noPlan.body).toContain('href="#target"');
    expect(noPlan.body).toContain('Choose the plan to merge into');
    const gone = await postForm(`${reviewUrl}/save`, { target: 'merge:no-such-plan' });
    expect(gone.statusCode).toBe(400);
    expect(gone.body).toContain('That plan is no longer there');

    const cancelled = await postForm(`${reviewUrl}/cancel`, {});
    expect(cancelled.statusCode).toBe(303);
    expect(cancelled.headers.location).toBe('/import');
    expect((await app.inject(reviewUrl)).statusCode).toBe(404);
  });

  it('answers an unknown or already saved import with the not-found page', async () => {
    const unknown = '/import/00000000-0000-4000-8000-000000000000';
    const page = await app.inject(unknown);
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('This import (it may have been saved or cancelled already) was not found');
    expect((await postForm(`${unknown}/columns`, { 'column:owner': 'ignore' })).statusCode).toBe(404);
    expect((await postForm(`${unknown}/save`, { target: 'new' })).statusCode).toBe(404);

    // Save pressed twice: the second finds the import gone and saves nothing more.
    const reviewUrl = await uploadSample('culture-highlight-report.docx');
    const plansBefore = await count('plans');
    const [first, second] = await Promise.all([
      postForm(`${reviewUrl}/save`, { target: 'new' }),
      postForm(`${reviewUrl}/save`, { target: 'new' }),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([303, 404]);
    expect(await count('plans')).toBe(plansBefore + 1);
  });

  it('refuses bad files with a message naming the problem, and stores nothing', async () => {
    const plansBefore = await count('plans');
    const pendingBefore = await count('pending_imports');
    const cases: [string, Buffer, string][] = [
      ['report.pdf', Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n'), 'it looks like a PDF'],
      ['empty.docx', Buffer.alloc(0), 'Choose a file or paste a table'],
      ['big.csv', Buffer.alloc(100 * 1024, 'a'), 'The file is larger than 64 KB'],
      [
        'broken.docx',
        (await readSample('staff-survey-action-plan.docx')).subarray(0, 4000),
        'broken.docx: The file is damaged',
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const res = await upload(name, bytes, { sheet: 'Plan' });
      expect(res.statusCode, name).toBe(400);
      expect(res.body, name).toContain(message);
      expect(res.body, name).toContain('govuk-error-summary');
      expect(res.body, name).toContain('href="#file"');
      expect(res.body, name).toContain('value="Plan"');
    }

    const nothing = await app.inject({ method: 'POST', url: '/import', ...multipart({ pasted: '  ' }) });
    expect(nothing.statusCode).toBe(400);
    expect(nothing.body).toContain('Choose a file or paste a table');

    const tooMuchText = await app.inject({
      method: 'POST',
      url: '/import',
      ...multipart({ pasted: 'Action\tOwner\n'.repeat(6000) }),
    });
    expect(tooMuchText.statusCode).toBe(400);
    expect(tooMuchText.body).toContain('The file is larger than 64 KB');

    const twoFiles = await app.inject({
      method: 'POST',
      url: '/import',
      ...multipart(
        {},
        { name: 'a.txt', bytes: Buffer.from('Action\tOwner\nA\tB\n') },
        { name: 'b.txt', bytes: Buffer.from('Action\tOwner\nC\tD\n') },
      ),
    });
    expect(twoFiles.statusCode).toBe(400);
    expect(twoFiles.body).toContain('Choose one file at a time');

    expect(await count('plans')).toBe(plansBefore);
    expect(await count('pending_imports')).toBe(pendingBefore);
  });

  it('keeps the pasted text when it cannot be read, so nothing typed is lost', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/import',
      ...multipart({ pasted: '%PDF-1.4 pasted & kept' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('%PDF-1.4 pasted &amp; kept</textarea>');
  });

  it('will not save a table whose action column is left out as an empty plan', async () => {
    const res = await upload('list.csv', Buffer.from('Action,Owner\nRecruit champions,Corp Comms\n'));
    expect(res.statusCode).toBe(303);
    const reviewUrl = res.headers.location as string;
    await postForm(`${reviewUrl}/columns`, { 'column:action': 'ignore' });
    const review = await app.inject(reviewUrl);
    expect(review.body).toContain('data-no-actions');
    const plansBefore = await count('plans');
    const saved = await postForm(`${reviewUrl}/save`, { target: 'new' });
    expect(saved.statusCode).toBe(400);
    expect(saved.body).toContain(
      'The file holds no actions, themes or highlight report that Headway recognised',
    );
    expect(await count('plans')).toBe(plansBefore);
    await postForm(`${reviewUrl}/cancel`, {});
  });

  it("reads a plan's export.json and saves it as a new plan; other JSON is refused by name", async () => {
    const reviewUrl = await uploadSample('culture-highlight-report.docx');
    const first = await postForm(`${reviewUrl}/save`, { target: 'new' });
    const slug = (first.headers.location as string).split('?')[0]!.split('/').pop()!;
    const exported = await app.inject(`/api/v1/plans/${slug}/export.json`);
    expect(exported.statusCode).toBe(200);

    const res = await upload(`${slug}.json`, Buffer.from(exported.body));
    expect(res.statusCode, res.body).toBe(303);
    const review = await app.inject(res.headers.location as string);
    expect(review.statusCode).toBe(200);
    const actions = (JSON.parse(exported.body) as { actions: unknown[] }).actions.length;
    expect(actionRows(review.body)).toBe(actions);
    const saved = await postForm(`${res.headers.location as string}/save`, { target: 'new' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toMatch(new RegExp(`^/plans/${slug}-2\\?notice=`));

    const plansBefore = await count('plans');
    const refused = await upload('settings.json', Buffer.from('{"theme": "dark"}'));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(
      'settings.json: This JSON file is not a Headway plan export (the export.json of a plan): it has no &quot;format&quot;: &quot;headway.plan&quot;',
    );
    expect(await count('plans')).toBe(plansBefore);
  });

  it('clears away imports left in review for more than a day when a new one starts', async () => {
    const old = new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString();
    const recent = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    await current()
      .kysely.insertInto('pending_imports')
      .values(
        [
          ['abandoned-import', old],
          ['recent-import', recent],
        ].map(([id, created]) => ({
          id: id!,
          file_name: 'left.txt',
          content_base64: Buffer.from('Action\tOwner\nA\tB\n').toString('base64'),
          byte_size: 16,
          sheet: null,
          columns_json: '{}',
          actor: 'Someone',
          user_id: app.signedIn.user.id,
          created_at: created!,
        })),
      )
      .execute();
    expect((await app.inject('/import/abandoned-import')).statusCode).toBe(200);
    const reviewUrl = await uploadSample('culture-highlight-report.docx');
    expect((await app.inject('/import/abandoned-import')).statusCode).toBe(404);
    expect((await app.inject('/import/recent-import')).statusCode).toBe(200);
    await postForm('/import/recent-import/cancel', {});
    await postForm(`${reviewUrl}/cancel`, {});
  });
});
