import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import { describeEachDatabase } from '../testing/databases.js';
import { readSample } from '../testing/samples.js';

const boundary = '----HeadwayTestBoundary7MA4YWxkTrZu0gW';

/** A multipart/form-data body as a browser sends it: text fields and at most one file. */
function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer }) {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

function form(fields: Record<string, string>) {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

describeEachDatabase('import pages', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({
      db: current(),
      config: readConfig({}, { actorName: 'Test Manager', importMaxBytes: 64 * 1024 }),
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const count = async (table: 'plans' | 'pending_imports') =>
    Number(
      (
        await current()
          .kysely.selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  const upload = (name: string, bytes: Buffer, fields: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/import', ...multipart(fields, { name, bytes }) });

  it('reads a Word file, shows what was understood, takes a column mapping, and saves a new plan', async () => {
    const uploaded = await upload(
      'staff-survey-action-plan.docx',
      await readSample('staff-survey-action-plan.docx'),
    );
    expect(uploaded.statusCode).toBe(303);
    const reviewUrl = uploaded.headers.location as string;
    expect(reviewUrl).toMatch(/^\/import\/[0-9a-f-]{36}$/);

    const review = await app.inject(reviewUrl);
    expect(review.statusCode).toBe(200);
    expect(review.body.match(/<tr class="govuk-table__row" data-action>/g)).toHaveLength(14);
    for (const theme of ['Return to Work Plan', 'Vision Clarity', 'Work/Home Balance'])
      expect(review.body).toContain(`data-theme="${theme}"`);
    expect(review.body).toContain('Read as: 30 June 2021');
    expect(review.body).toContain('NOT PROTECTIVELY MARKED');

    // Reading the Owner column as "Do not import" takes the owners away; reading it back restores them.
    const id = reviewUrl.split('/').pop()!;
    await app.inject({ method: 'POST', url: `/import/${id}/columns`, ...form({ 'column:owner': 'ignore' }) });
    const withoutOwners = await app.inject(reviewUrl);
    expect(withoutOwners.body).toContain('None named');
    await app.inject({ method: 'POST', url: `/import/${id}/columns`, ...form({ 'column:owner': 'owner' }) });
    expect((await app.inject(reviewUrl)).body).toContain('Luke Baldock');

    const saved = await app.inject({ method: 'POST', url: `/import/${id}/save`, ...form({ target: 'new' }) });
    expect(saved.statusCode).toBe(303);
    const planUrl = (saved.headers.location as string).split('?')[0]!;
    expect(saved.headers.location).toContain('notice=imported');
    const plan = await app.inject(planUrl);
    expect(plan.body).toContain('Staff Survey - Action Plan');
    expect((await app.inject(reviewUrl)).statusCode).toBe(404);

    const history = await current()
      .kysely.selectFrom('history')
      .select('source')
      .distinct()
      .where('plan_id', 'is not', null)
      .where('source', 'like', 'import:%')
      .execute();
    expect(history.map((h) => h.source)).toContain('import: staff-survey-action-plan.docx');

    // The same file again, merged into that plan, changes nothing.
    const again = await upload(
      'staff-survey-action-plan.docx',
      await readSample('staff-survey-action-plan.docx'),
    );
    const againId = (again.headers.location as string).split('/').pop()!;
    const slug = planUrl.split('/').pop()!;
    const merged = await app.inject({
      method: 'POST',
      url: `/import/${againId}/save`,
      ...form({ target: 'merge', into: slug }),
    });
    expect(merged.headers.location).toBe(`/plans/${slug}?notice=import-unchanged`);
    expect((await app.inject(merged.headers.location as string)).body).toContain(
      'Nothing changed: the plan already has everything in this file',
    );
  });

  it('takes pasted text and asks which plan to merge into when none is chosen', async () => {
    const text = (await readSample('culture-highlight-report.txt')).toString('utf8');
    const posted = await app.inject({ method: 'POST', url: '/import', ...multipart({ pasted: text }) });
    expect(posted.statusCode).toBe(303);
    const id = (posted.headers.location as string).split('/').pop()!;
    const review = await app.inject(`/import/${id}`);
    expect(review.body).toContain('DCFO Derek James');
    expect(review.body).toContain('October 2023 – February 2024');
    expect(review.body.match(/data-action>/g)).toHaveLength(24);
    const noPlan = await app.inject({
      method: 'POST',
      url: `/import/${id}/save`,
      ...form({ target: 'merge' }),
    });
    expect(noPlan.statusCode).toBe(400);
    expect(noPlan.body).toContain('Choose the plan to merge into');
    await app.inject({ method: 'POST', url: `/import/${id}/cancel` });
    expect((await app.inject(`/import/${id}`)).statusCode).toBe(404);
  });

  it('refuses bad files with a message and stores nothing', async () => {
    const plansBefore = await count('plans');
    const pendingBefore = await count('pending_imports');
    const cases: [string, Buffer, string][] = [
      ['report.pdf', Buffer.from('%PDF-1.7\n...'), 'it looks like a PDF'],
      ['empty.docx', Buffer.alloc(0), 'Choose a file or paste a table'],
      ['big.csv', Buffer.alloc(100 * 1024, 'a'), 'The file is larger than'],
      [
        'broken.docx',
        (await readSample('staff-survey-action-plan.docx')).subarray(0, 4000),
        'The file is damaged',
      ],
      [
        'words.txt',
        Buffer.from('Just a sentence, with no table in it.'),
        'No table of actions was recognised',
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const res = await upload(name, bytes);
      if (message === 'No table of actions was recognised') {
        // Readable but without a table: the review says so rather than refusing the file.
        expect(res.statusCode, name).toBe(303);
        const review = await app.inject(res.headers.location as string);
        expect(review.body, name).toContain(message);
        await app.inject({ method: 'POST', url: `${res.headers.location as string}/cancel` });
        continue;
      }
      expect(res.statusCode, name).toBe(400);
      expect(res.body, name).toContain(message);
      expect(res.body, name).toContain('govuk-error-message');
    }
    expect(await count('plans')).toBe(plansBefore);
    expect(await count('pending_imports')).toBe(pendingBefore);
    const nothing = await app.inject({ method: 'POST', url: '/import', ...multipart({}) });
    expect(nothing.statusCode).toBe(400);
  });
});
