// Exporting a plan to Word or Excel and importing the file gives back the same plan.
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { readSource } from '../import/read/readSource.js';
import { understandDocument } from '../import/understand/understandDocument.js';
import { loadPlanContents, type PlanContents } from '../plans/planContents.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate } from '../testing/factories.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToDocx } from './actionPlanDocx.js';
import { actionPlanToXlsx } from './actionPlanXlsx.js';

const plain = (html: string | undefined) =>
  richTextToPlain(html ?? '')
    .replace(/\s+/g, ' ')
    .trim();

async function roundTrip(contents: PlanContents, form: 'docx' | 'xlsx', findingsCoverage: string[] = []) {
  const doc = buildActionPlanDocument(contents, undefined, findingsCoverage);
  const bytes = form === 'docx' ? await actionPlanToDocx(doc) : await actionPlanToXlsx(doc);
  const { draft, warnings } = understandDocument(await readSource(`${contents.plan.slug}.${form}`, bytes));
  // The document lists the actions without a theme first: compare in the document's order.
  const order = actionsInOrder(doc).map((a) => a.title);
  const actions = [...contents.actions].sort((a, b) => order.indexOf(a.title) - order.indexOf(b.title));
  return { draft, warnings, actions };
}

function expectSamePlan(contents: PlanContents, result: Awaited<ReturnType<typeof roundTrip>>) {
  const { draft, actions } = result;
  const themeOf = new Map(contents.themes.map((t) => [t.id, t.title]));
  expect(draft.actions.map((a) => a.title)).toEqual(actions.map((a) => a.title));
  expect(draft.actions.map((a) => a.ref ?? '')).toEqual(actions.map((a) => a.ref));
  expect(draft.actions.map((a) => a.owners)).toEqual(actions.map((a) => a.owners));
  expect(draft.actions.map((a) => a.status)).toEqual(actions.map((a) => a.status));
  expect(draft.actions.map((a) => a.rag ?? null)).toEqual(actions.map((a) => a.rag));
  expect(draft.actions.map((a) => a.percentComplete ?? null)).toEqual(actions.map((a) => a.percent_complete));
  expect(draft.actions.map((a) => a.targetDate ?? '')).toEqual(actions.map((a) => a.target_text));
  expect(draft.actions.map((a) => a.theme ?? null)).toEqual(
    actions.map((a) => (a.theme_id ? themeOf.get(a.theme_id) : null)),
  );
  expect(draft.themes.map((t) => t.title).sort()).toEqual(contents.themes.map((t) => t.title).sort());
  // A plan of more than one horizon says each action's; one of a single horizon does not.
  if (contents.horizons.length > 1) {
    const horizonOf = new Map(contents.horizons.map((h) => [h.id, h.name]));
    expect(draft.actions.map((a) => a.horizon)).toEqual(
      actions.map((a) => (a.horizon_id ? horizonOf.get(a.horizon_id) : null)),
    );
  }
  const leadOf = new Map(draft.themes.map((t) => [t.title, t.lead ?? null]));
  expect(contents.themes.map((t) => leadOf.get(t.title))).toEqual(contents.themes.map((t) => t.lead));

  const before = contents.updates
    .map((u) => {
      const subject = u.action_id
        ? actions.find((a) => a.id === u.action_id)!.title
        : themeOf.get(u.theme_id!);
      return `${subject}|${u.effective_on}|${plain(u.body)}`;
    })
    .sort();
  const after = [
    ...draft.actions.flatMap((a) => a.updates.map((u) => `${a.title}|${u.effectiveOn}|${plain(u.body)}`)),
    ...draft.themes.flatMap((t) => t.updates.map((u) => `${t.title}|${u.effectiveOn}|${plain(u.body)}`)),
  ].sort();
  expect(after).toEqual(before);
}

describeEachDatabase('the action-plan document read back', (current) => {
  it("gives back the plan from .docx when the document says its findings' coverage before the table", async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const contents = await loadPlanContents(current().kysely, 'culture-action-plan', { updates: 'all' });
    const coverage = [
      '14 recommendations: 12 with actions, 5 complete',
      '1 area for improvement: 0 with actions, 0 complete',
    ];
    const plainResult = await roundTrip(contents, 'docx');
    const result = await roundTrip(contents, 'docx', coverage);
    expect(result.warnings).toEqual(plainResult.warnings);
    expectSamePlan(contents, result);
    expect(result.draft.plan).toEqual(plainResult.draft.plan);
  });

  for (const form of ['docx', 'xlsx'] as const) {
    for (const slug of ['staff-survey-2021', 'culture-action-plan']) {
      it(`gives back ${slug} from .${form}: themes, actions, owners, statuses, dates and updates`, async () => {
        await loadDemo(current(), { name: 'Test Manager' });
        const contents = await loadPlanContents(current().kysely, slug, { updates: 'all' });
        const result = await roundTrip(contents, form);
        // The staff-survey document's "Focus areas:" introduction row is read into the summary, with a note.
        expect(result.warnings.filter((w) => !w.message.includes('introduction'))).toEqual([]);
        expectSamePlan(contents, result);
      });
    }

    it(`gives back every column from .${form}: refs, RAG, percent complete, a theme's lead and updates, lists in rich text`, async () => {
      const plan = await makePlan(current(), { marking: 'OFFICIAL-SENSITIVE' });
      const theme = await makeTheme(current(), plan.id, { title: 'Wellbeing', lead: 'Dr Ann Lee' });
      const helpline = await makeAction(current(), plan.id, {
        ref: 'W1',
        title: 'Open a staff helpline',
        themeId: theme.id,
        owners: ['Ann Lee', 'HR Team'],
        status: 'in_progress',
        rag: 'amber',
        percentComplete: 40,
        progress: '<p>Provider chosen</p><ol><li>Contract signed</li><li>Line tested</li></ol>',
        targetDate: 'end of sept 21',
      });
      await makeAction(current(), plan.id, {
        ref: 'G1',
        title: 'Publish the plan',
        status: 'complete',
        rag: 'green',
      });
      await makeUpdate(
        current(),
        plan.id,
        { actionId: helpline.id },
        { effectiveOn: '2021-08-07', body: '<p>Calls open</p>' },
      );
      await makeUpdate(
        current(),
        plan.id,
        { themeId: theme.id },
        { effectiveOn: '2021-08-12', body: '<p>Survey sent</p>' },
      );
      const contents = await loadPlanContents(current().kysely, plan.slug, { updates: 'all' });
      const result = await roundTrip(contents, form);
      expect(result.warnings).toEqual([]);
      expectSamePlan(contents, result);
      // The workbook carries the marking in its printed header and footer, which the importer does not read (yet).
      if (form === 'docx') {
        expect(result.draft.plan.marking).toBe('OFFICIAL-SENSITIVE');
        expect(result.draft.actions.find((a) => a.ref === 'W1')!.progress).toContain('<ol>');
      }
    });
  }
});
