import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan } from '../testing/factories.js';
import { createViews } from '../web/views.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';

const views = createViews();
/** Text as Nunjucks escapes it into the page. */
const escaped = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
const render = (doc: ReturnType<typeof buildActionPlanDocument>) =>
  views.render('exports/views/actionPlanPrint.njk', { doc });

describeEachDatabase('the action-plan document as a printable page', (current) => {
  it('shows the same table as the Word file, with the marking above and below', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const doc = buildActionPlanDocument(
      await loadPlanContents(current().kysely, 'staff-survey-2021', { updates: 'all' }),
      '2026-11-23',
    );
    const html = render(doc);
    expect(html.match(/<p class="marking">NOT PROTECTIVELY MARKED<\/p>/g)).toHaveLength(2);
    expect(html).toContain('Generated on 23 November 2026');
    const headers = [...html.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headers).toEqual(doc.columns);
    expect(html.match(/data-action>/g)).toHaveLength(14);
    for (const action of actionsInOrder(doc)) expect(html).toContain(escaped(action.title));
    expect(html).toContain('Rolling Updates:');
    expect(html.match(/data-focus-area>/g)).toHaveLength(doc.focusAreas.length);
    expect(html).toContain('<b>Update 7/8/21:</b>');
  });

  it('merges each theme down its actions and escapes what people typed', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const culture = buildActionPlanDocument(
      await loadPlanContents(current().kysely, 'culture-action-plan', { updates: 'all' }),
    );
    const html = render(culture);
    expect(html.match(/<th scope="rowgroup"/g)).toHaveLength(culture.groups.length);
    expect(html).toContain(
      'rowspan="3" class="govuk-table__header" data-theme>Building trust and confidence',
    );
    expect(html).not.toContain('class="marking"');

    const plan = await makePlan(current());
    await makeAction(current(), plan.id, { title: '<script>alert(1)</script>' });
    const hostile = render(
      buildActionPlanDocument(await loadPlanContents(current().kysely, plan.slug, { updates: 'all' })),
    );
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
