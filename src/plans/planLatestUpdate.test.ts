import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeUpdate } from '../testing/factories.js';
import { buildTestApp } from '../testing/testApp.js';
import { latestUpdateSummary } from './planView.js';

describeEachDatabase("the plan page's Progress column", (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const progressCell = (html: string, title: string) => {
    const row = html.slice(html.indexOf(`>${title}</a>`));
    return row.slice(0, row.indexOf('</tr>'));
  };

  it('shows each action’s latest update with its date and first lines, unless its progress already says it', async () => {
    const db = current();
    const plan = await makePlan(db);
    const briefed = await makeAction(db, plan.id, { title: 'Brief the leads', progress: 'Started.' });
    await makeUpdate(
      db,
      plan.id,
      { actionId: briefed.id },
      { effectiveOn: '2021-07-01', body: 'Older words' },
    );
    await makeUpdate(
      db,
      plan.id,
      { actionId: briefed.id },
      {
        effectiveOn: '2021-08-07',
        body: '<p>Focus groups held across the force.</p><p>Results next month.</p>',
      },
    );
    // Posted later, but speaking for an earlier day: not the latest.
    await makeUpdate(
      db,
      plan.id,
      { actionId: briefed.id },
      { effectiveOn: '2021-06-01', body: 'Oldest words' },
    );
    const said = await makeAction(db, plan.id, {
      title: 'Imported with its updates',
      progress: '<p>Update 7/8/21: Survey closed early</p>',
    });
    await makeUpdate(
      db,
      plan.id,
      { actionId: said.id },
      { effectiveOn: '2021-08-07', body: 'Survey closed early' },
    );
    await makeAction(db, plan.id, { title: 'Not yet updated' });

    const page = await app.inject(`/plans/${plan.slug}`);
    expect(page.statusCode).toBe(200);
    const cell = progressCell(page.body, 'Brief the leads');
    expect(cell).toContain('Started.');
    expect(cell).toContain('Latest update, 7 August 2021');
    expect(cell).toContain('Focus groups held across the force.');
    expect(cell).toContain('Results next month.');
    expect(cell).not.toContain('Older words');
    expect(cell).not.toContain('Oldest words');
    expect(progressCell(page.body, 'Imported with its updates')).not.toContain('data-latest-update');
    expect(progressCell(page.body, 'Not yet updated')).not.toContain('data-latest-update');
    expect(page.body.match(/data-latest-update/g)).toHaveLength(1);
  });
});

it('gives the first two lines of an update, about 200 characters, cut at a word', () => {
  const long = `${'word '.repeat(60)}end`;
  expect(
    latestUpdateSummary({ effective_on: '2021-08-07', body: '<p>One</p><p>Two</p><p>Three</p>' }),
  ).toEqual({
    effectiveOn: '2021-08-07',
    lines: ['One', 'Two…'],
  });
  const [line] = latestUpdateSummary({ effective_on: '2021-08-07', body: `<p>${long}</p>` }).lines;
  expect(line!.length).toBeLessThanOrEqual(201);
  expect(line).toMatch(/ word…$/);
});
