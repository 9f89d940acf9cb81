import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { deleteAction } from '../actions/actionCommands.js';
import { deleteTheme } from '../themes/themeCommands.js';
import { createFinding, deleteFinding, setActionFindings } from '../findings/findingCommands.js';
import { historyPage } from '../history/historyQueries.js';
import { setPlanRole, updateUserDetails } from '../people/userCommands.js';
import { createWave, saveScores, setQuestionTheme } from '../surveys/surveyCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp, signedInUser, type SignedInAs, type TestApp } from '../testing/testApp.js';
import { readConfig } from '../config.js';
import { buildStaffPageContent } from './staffPageContent.js';
import {
  latestPublication,
  publishStaffPage,
  saveStaffMark,
  saveStaffPageIntro,
  setStaffPageReaders,
  staffPageOf,
  type StaffMarkInput,
  type StaffSubject,
} from './staffPageCommands.js';

function mark(db: Db, planId: string, subject: StaffSubject, version: number, input: StaffMarkInput) {
  return inTransaction(db, (trx) => saveStaffMark(trx, testActor, planId, subject, version, input));
}

function publish(db: Db, planId: string) {
  return inTransaction(db, (trx) => publishStaffPage(trx, testActor, planId));
}

function finding(db: Db, planId: string, reference: string, text: string) {
  return inTransaction(db, (trx) =>
    createFinding(trx, testActor, planId, { reference, text, kind: 'survey_finding' }),
  );
}

/** Two waves scoring one question for the focus area: "Vision clarity: 54% → 61%, +7 points". */
async function surveyFor(db: Db, planId: string, themeId: string, question = 'Vision clarity') {
  await inTransaction(db, async (trx) => {
    const first = await createWave(trx, testActor, planId, { name: 'Survey 2023', heldOn: '2023-03-31' });
    await saveScores(trx, testActor, planId, first.id, 1, [{ question, score: 54 }]);
    const second = await createWave(trx, testActor, planId, { name: 'Survey 2024', heldOn: '2024-03-29' });
    await saveScores(trx, testActor, planId, second.id, 1, [{ question, score: 61 }]);
    const q = await trx
      .selectFrom('survey_questions')
      .select(['id', 'version'])
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    await setQuestionTheme(trx, testActor, planId, q.id, q.version, themeId);
  });
}

describeEachDatabase('the staff page: You said, we did', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows by focus area only what was chosen, in the words written for staff, with the survey’s change', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Culture plan' });
    const vision = await makeTheme(db, plan.id, { title: 'Vision clarity' });
    const wellbeing = await makeTheme(db, plan.id, { title: 'Wellbeing' });
    const said = await finding(
      db,
      plan.id,
      'S1',
      'Vision clarity scored lowest of all drivers (internal wording)',
    );
    const unsaid = await finding(db, plan.id, 'S2', 'Confidential: one team scored 12%');
    const chart = await makeAction(db, plan.id, {
      title: 'Publish an organisation chart',
      themeId: vision.id,
      owners: ['Corp Comms'],
      status: 'complete',
    });
    const hidden = await makeAction(db, plan.id, { title: 'Restructure team X', themeId: vision.id });
    const welfare = await makeAction(db, plan.id, {
      title: 'Welfare checks',
      themeId: wellbeing.id,
      owners: ['Dr Secret'],
    });
    await makeUpdate(
      db,
      plan.id,
      { actionId: chart.id },
      { body: '<p>Chart <strong>live</strong> on the intranet</p>', effectiveOn: '2024-02-01' },
    );
    await makeUpdate(
      db,
      plan.id,
      { actionId: welfare.id },
      { body: 'Sensitive case notes', effectiveOn: '2024-02-02' },
    );
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, chart.id, [said.id]));
    await surveyFor(db, plan.id, vision.id);

    expect((await buildStaffPageContent(db.kysely, plan.id)).areas).toEqual([]);
    await expect(publish(db, plan.id)).rejects.toThrow(InvalidInputError);

    await mark(db, plan.id, { kind: 'finding', id: said.id }, 0, {
      shown: true,
      summary: 'You told us you did not know who leads what.',
      themeId: vision.id,
    });
    await mark(db, plan.id, { kind: 'action', id: chart.id }, 0, {
      shown: true,
      summary: 'We published a chart of who leads each area.',
      showOwners: true,
      showUpdate: true,
    });
    await mark(db, plan.id, { kind: 'action', id: welfare.id }, 0, {
      shown: true,
      summary: 'We started welfare checks.',
    });
    const content = await buildStaffPageContent(db.kysely, plan.id);
    expect(content).toEqual({
      planTitle: 'Culture plan',
      intro: '',
      areas: [
        {
          title: 'Vision clarity',
          said: ['You told us you did not know who leads what.'],
          did: [
            {
              summary: 'We published a chart of who leads each area.',
              status: 'complete',
              owners: ['Corp Comms'],
              update: { on: '2024-02-01', text: 'Chart live on the intranet' },
            },
          ],
          survey: ['Vision clarity: 54% → 61%, +7 points'],
        },
        {
          title: 'Wellbeing',
          said: [],
          did: [{ summary: 'We started welfare checks.', status: 'not_started', owners: null, update: null }],
          survey: [],
        },
      ],
    });
    const text = JSON.stringify(content);
    for (const secret of [
      'internal wording',
      'Confidential',
      'Restructure',
      'Dr Secret',
      'Sensitive case notes',
    ])
      expect(text).not.toContain(secret);
    void unsaid;

    // Taken off, the words are kept for next time and the area goes when nothing is left in it.
    const off = await mark(db, plan.id, { kind: 'action', id: welfare.id }, 1, {
      shown: false,
      summary: 'We started welfare checks.',
    });
    expect(off).toMatchObject({ shown: 0, summary: 'We started welfare checks.', version: 2 });
    expect((await buildStaffPageContent(db.kysely, plan.id)).areas.map((a) => a.title)).toEqual([
      'Vision clarity',
    ]);

    // An action may be shown under another focus area than its own: a plan's actions often sit outside those they serve.
    await mark(db, plan.id, { kind: 'action', id: hidden.id }, 0, {
      shown: true,
      summary: 'We check in on welfare weekly.',
      themeId: wellbeing.id,
    });
    const moved = await buildStaffPageContent(db.kysely, plan.id);
    expect(moved.areas.map((a) => [a.title, a.did.map((d) => d.summary)])).toEqual([
      ['Vision clarity', ['We published a chart of who leads each area.']],
      ['Wellbeing', ['We check in on welfare weekly.']],
    ]);
  });

  it('refuses what it cannot show, stale edits and another plan’s records, changing nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    const otherTheme = await makeTheme(db, other.id);
    const action = await makeAction(db, plan.id);
    const otherAction = await makeAction(db, other.id);
    const f = await finding(db, plan.id, 'R1', 'A finding');

    const noWords = mark(db, plan.id, { kind: 'action', id: action.id }, 0, { shown: true, summary: '  ' });
    await expect(noWords).rejects.toMatchObject({ fieldErrors: { summary: 'Enter what was done' } });
    const long = mark(db, plan.id, { kind: 'finding', id: f.id }, 0, {
      shown: true,
      summary: 'x'.repeat(2001),
    });
    await expect(long).rejects.toMatchObject({
      fieldErrors: { summary: 'What staff said must be 2000 characters or fewer' },
    });
    const wrongTheme = mark(db, plan.id, { kind: 'finding', id: f.id }, 0, {
      shown: true,
      summary: 'Words',
      themeId: otherTheme.id,
    });
    await expect(wrongTheme).rejects.toMatchObject({
      fieldErrors: { themeId: 'Choose a focus area of this plan' },
    });
    await expect(
      mark(db, plan.id, { kind: 'action', id: otherAction.id }, 0, { shown: true, summary: 'Words' }),
    ).rejects.toThrow(NotFoundError);
    expect(
      await db.kysely.selectFrom('staff_marks').selectAll().where('plan_id', '=', plan.id).execute(),
    ).toEqual([]);

    await mark(db, plan.id, { kind: 'action', id: action.id }, 0, { shown: true, summary: 'First' });
    await expect(
      mark(db, plan.id, { kind: 'action', id: action.id }, 0, {
        shown: true,
        summary: 'Second, from a stale form',
      }),
    ).rejects.toThrow(ConflictError);
    await inTransaction(db, (trx) => saveStaffPageIntro(trx, testActor, plan.id, 0, 'Hello'));
    await expect(
      inTransaction(db, (trx) => saveStaffPageIntro(trx, testActor, plan.id, 0, 'Stale')),
    ).rejects.toThrow(ConflictError);
    await expect(
      inTransaction(db, (trx) => setStaffPageReaders(trx, testActor, plan.id, 1, 'everyone')),
    ).rejects.toMatchObject({
      fieldErrors: { readers: 'Who can read the staff page must be one of: plan, signed-in, public' },
    });
    expect(await staffPageOf(db.kysely, plan.id)).toMatchObject({
      intro: 'Hello',
      readers: 'plan',
      version: 1,
    });
  });

  it('publishes a frozen copy, keeps the draft beside it, and tells the history in words', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { title: 'Communication' });
    const action = await makeAction(db, plan.id, { title: 'Monthly briefings', themeId: theme.id });
    await mark(db, plan.id, { kind: 'action', id: action.id }, 0, {
      shown: true,
      summary: 'We brief you monthly.',
    });
    const first = await publish(db, plan.id);
    await mark(db, plan.id, { kind: 'action', id: action.id }, 1, {
      shown: true,
      summary: 'We brief you weekly now.',
    });
    const stored = await latestPublication(db.kysely, plan.id);
    expect(stored?.id).toBe(first.id);
    expect(stored?.content.areas[0]?.did[0]?.summary).toBe('We brief you monthly.');

    const page = await app.inject(`/plans/${plan.slug}/staff-page`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('The draft differs from the published page');
    expect(page.body).toContain('We brief you weekly now.');
    expect(page.body).toContain('We brief you monthly.');

    const history = await historyPage(
      db.kysely,
      { planId: plan.id },
      { kinds: [], from: null, until: null },
      null,
    );
    const said = history.entries.flatMap((entry) =>
      entry.lines.map((line) => `${entry.subject}: ${line.text}`),
    );
    expect(said).toContain(
      'Staff page: Staff page published: 0 of what staff said and 1 of what was done, in 1 focus areas',
    );
    expect(said.some((line) => line.endsWith('Words for the staff page changed'))).toBe(true);
    expect(said.some((line) => line.endsWith('Put on the staff page'))).toBe(true);
  });

  it('removes the entry of a deleted action or finding with a row of history; the published copy keeps its words', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { title: 'Communication' });
    const action = await makeAction(db, plan.id, { title: 'Monthly briefings', themeId: theme.id });
    const said = await finding(db, plan.id, 'S1', 'Nobody tells us anything');
    await mark(db, plan.id, { kind: 'action', id: action.id }, 0, { shown: true, summary: 'We brief you.' });
    await mark(db, plan.id, { kind: 'finding', id: said.id }, 0, {
      shown: true,
      summary: 'You said nobody tells you.',
      themeId: theme.id,
    });
    await publish(db, plan.id);
    await inTransaction(db, (trx) => deleteAction(trx, testActor, plan.id, action.id));
    await inTransaction(db, (trx) => deleteFinding(trx, testActor, plan.id, said.id));

    expect(
      await db.kysely.selectFrom('staff_marks').select('id').where('plan_id', '=', plan.id).execute(),
    ).toEqual([]);
    const removed = await db.kysely
      .selectFrom('history')
      .select(['subject_id', 'change'])
      .where('plan_id', '=', plan.id)
      .where('record_type', '=', 'staff_mark')
      .where('change', '=', 'delete')
      .execute();
    expect(removed.map((row) => row.subject_id).sort()).toEqual([action.id, said.id].sort());
    const history = await historyPage(
      db.kysely,
      { planId: plan.id },
      { kinds: [], from: null, until: null },
      null,
    );
    expect(history.entries.flatMap((entry) => entry.lines.map((line) => line.text))).toContain(
      'Its staff page entry removed with it',
    );
    const published = (await latestPublication(db.kysely, plan.id))!.content;
    expect(published.areas[0]?.said).toEqual(['You said nobody tells you.']);
    expect(published.areas[0]?.did[0]?.summary).toBe('We brief you.');
    expect((await buildStaffPageContent(db.kysely, plan.id)).areas).toEqual([]);
  });

  it('moves the entries shown under a deleted focus area out of it, each with a row of history, keeping their words', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { title: 'Communication' });
    const action = await makeAction(db, plan.id, { title: 'Monthly briefings' });
    const said = await finding(db, plan.id, 'S1', 'Nobody tells us anything');
    await mark(db, plan.id, { kind: 'action', id: action.id }, 0, {
      shown: true,
      summary: 'We brief you.',
      themeId: theme.id,
      showOwners: true,
    });
    await mark(db, plan.id, { kind: 'finding', id: said.id }, 0, {
      shown: true,
      summary: 'You said nobody tells you.',
      themeId: theme.id,
    });
    await inTransaction(db, (trx) => deleteTheme(trx, testActor, plan.id, theme.id));
    const marks = await db.kysely
      .selectFrom('staff_marks')
      .select(['theme_id', 'summary', 'shown', 'show_owners', 'version'])
      .where('plan_id', '=', plan.id)
      .orderBy('summary')
      .execute();
    expect(marks).toEqual([
      { theme_id: null, summary: 'We brief you.', shown: 1, show_owners: 1, version: 2 },
      { theme_id: null, summary: 'You said nobody tells you.', shown: 1, show_owners: 0, version: 2 },
    ]);
    const moved = await db.kysely
      .selectFrom('history')
      .select('subject_id')
      .where('plan_id', '=', plan.id)
      .where('record_type', '=', 'staff_mark')
      .where('change', '=', 'update')
      .execute();
    expect(moved.map((row) => row.subject_id).sort()).toEqual([action.id, said.id].sort());
  });

  it('runs from the pages: choose, word, publish, print, download for the intranet, and open to the public', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Survey response plan' });
    const theme = await makeTheme(db, plan.id, { title: 'Procedural justice' });
    const action = await makeAction(db, plan.id, { title: 'Explain decisions', themeId: theme.id });
    const f = await finding(db, plan.id, 'S1', 'Procedural justice scored low');
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, action.id, [f.id]));

    const manage = await app.inject(`/plans/${plan.slug}/staff-page`);
    expect(manage.statusCode).toBe(200);
    expect(manage.body).toContain('Not published yet');
    expect(manage.body).toContain('Nothing is chosen for the staff page yet');

    const emptyPublish = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/staff-page/publish`,
      ...form({}),
    });
    expect(emptyPublish.statusCode).toBe(400);
    expect(emptyPublish.body).toContain('Nothing is chosen for the staff page yet: choose what staff said');

    // The finding's form starts from its own words and the focus area of the action answering it.
    const findingForm = await app.inject(`/plans/${plan.slug}/staff-page/findings/${f.id}`);
    expect(findingForm.statusCode).toBe(200);
    expect(findingForm.body).toContain('Procedural justice scored low</textarea>');
    expect(findingForm.body).toMatch(new RegExp(`<option value="${theme.id}" selected>`));

    const missingWords = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/staff-page/actions/${action.id}`,
      ...form({ version: '0', shown: 'yes', summary: '' }),
    });
    expect(missingWords.statusCode).toBe(400);
    expect(missingWords.body).toContain('Enter what was done');

    for (const [url, fields] of [
      [
        `/plans/${plan.slug}/staff-page/findings/${f.id}`,
        { version: '0', shown: 'yes', summary: 'You said decisions were not explained.', themeId: theme.id },
      ],
      [
        `/plans/${plan.slug}/staff-page/actions/${action.id}`,
        {
          version: '0',
          shown: 'yes',
          summary: 'Managers now explain each decision <b>in writing</b>.',
          extras: 'owners',
        },
      ],
      [
        `/plans/${plan.slug}/staff-page/intro`,
        { version: '0', intro: 'Thank you to the 412 of you who answered.' },
      ],
    ] as const) {
      const saved = await app.inject({ method: 'POST', url, ...form(fields) });
      expect(saved.statusCode, url).toBe(303);
    }
    const staleIntro = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/staff-page/intro`,
      ...form({ version: '0', intro: 'Mine' }),
    });
    expect(staleIntro.statusCode).toBe(409);
    expect(staleIntro.body).toContain('Someone else saved a change while you were editing');
    expect(staleIntro.body).toContain('Mine</textarea>');

    const notYet = await app.inject(`/plans/${plan.slug}/you-said-we-did`);
    expect(notYet.statusCode).toBe(404);
    expect(notYet.body).toContain('This staff page has not been published yet');

    const published = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/staff-page/publish`,
      ...form({}),
    });
    expect(published.statusCode).toBe(303);
    const read = await app.inject(`/plans/${plan.slug}/you-said-we-did`);
    expect(read.statusCode).toBe(200);
    expect(read.body).toContain('Thank you to the 412 of you who answered.');
    expect(read.body).toContain('You said decisions were not explained.');
    // What a manager typed is text, never markup.
    expect(read.body).toContain('Managers now explain each decision &lt;b&gt;in writing&lt;/b&gt;.');
    expect(read.body).toContain('Status:</strong> Not started');

    const print = await app.inject(`/plans/${plan.slug}/you-said-we-did/print`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('<h1>You said, we did</h1>');
    expect(print.body).toContain('@page { size: A4 portrait');

    const fragment = await app.inject(`/plans/${plan.slug}/staff-page/fragment.html`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.headers['content-disposition']).toBe(
      `attachment; filename="you-said-we-did-${plan.slug}.html"`,
    );
    expect(fragment.body).toMatch(/^<!-- "You said, we did" for Survey response plan/);
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).not.toContain('<script');
    expect(fragment.body).toContain('You said decisions were not explained.');

    // Public only when an administrator opens it, and then not indexed.
    const key = (await staffPageOf(db.kysely, plan.id)).public_key;
    expect(key.length).toBeGreaterThanOrEqual(40);
    const closed = await app.inject({ url: `/you-said-we-did/${key}`, headers: { cookie: '' } });
    expect(closed.statusCode).toBe(404);
    const opened = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/staff-page/readers`,
      ...form({ version: '1', readers: 'public' }),
    });
    expect(opened.statusCode).toBe(303);
    const open = await app.inject({ url: `/you-said-we-did/${key}`, headers: { cookie: '' } });
    expect(open.statusCode).toBe(200);
    expect(open.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(open.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(open.body).toContain('You said decisions were not explained.');
    const guessed = await app.inject({
      url: `/you-said-we-did/${key.slice(0, -1)}x`,
      headers: { cookie: '' },
    });
    expect(guessed.statusCode).toBe(404);
    expect((await app.inject(`/plans/${plan.slug}/staff-page`)).body).toContain(`/you-said-we-did/${key}`);
  });
});

/**
 * Every way the staff page can be read, by everyone, for each choice of readers: what is not chosen, chosen but not
 * yet published, or in another plan never appears, and only those allowed get the page at all.
 */
describeEachDatabase('who can read the staff page', (current) => {
  let app: TestApp;
  const marker = {
    published: 'PUBLISHED-WORDS-7f3',
    draft: 'DRAFT-ONLY-WORDS-9k2',
    unmarkedFinding: 'UNMARKED-FINDING-4q1',
    unmarkedAction: 'UNMARKED-ACTION-2z8',
    owner: 'HIDDEN-OWNER-5m6',
    update: 'HIDDEN-UPDATE-8v3',
    otherPlan: 'OTHER-PLAN-WORDS-1c4',
  };
  const forbidden = [
    marker.draft,
    marker.unmarkedFinding,
    marker.unmarkedAction,
    marker.owner,
    marker.update,
    marker.otherPlan,
  ];
  let slug = '';
  let planId = '';
  let key = '';
  const people: Record<string, SignedInAs | null> = {};

  beforeAll(async () => {
    const db = current();
    app = await buildTestApp(db);
    const config = readConfig({});
    const plan = await makePlan(db, { title: 'Readers plan' });
    planId = plan.id;
    slug = plan.slug;
    const theme = await makeTheme(db, plan.id, { title: 'Trust' });
    const shown = await makeAction(db, plan.id, {
      title: 'Shown action',
      themeId: theme.id,
      owners: [marker.owner],
    });
    await makeUpdate(db, plan.id, { actionId: shown.id }, { body: marker.update });
    await makeAction(db, plan.id, { title: marker.unmarkedAction, themeId: theme.id });
    await finding(db, plan.id, 'U1', marker.unmarkedFinding);
    const later = await finding(db, plan.id, 'D1', 'Later');
    await mark(db, plan.id, { kind: 'action', id: shown.id }, 0, { shown: true, summary: marker.published });
    await publish(db, plan.id);
    await mark(db, plan.id, { kind: 'finding', id: later.id }, 0, {
      shown: true,
      summary: marker.draft,
      themeId: theme.id,
    });
    key = (await staffPageOf(db.kysely, plan.id)).public_key || '';

    const other = await makePlan(db, { title: 'Other plan' });
    const otherAction = await makeAction(db, other.id);
    await mark(db, other.id, { kind: 'action', id: otherAction.id }, 0, {
      shown: true,
      summary: marker.otherPlan,
    });
    await publish(db, other.id);
    await inTransaction(db, (trx) => setStaffPageReaders(trx, testActor, other.id, 0, 'signed-in'));

    people.admin = app.signedIn;
    for (const role of ['manager', 'contributor', 'viewer'] as const) {
      const person = await signedInUser(db, config, 'viewer', `Plan ${role}`);
      await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, person.user.id, role));
      people[role] = person;
    }
    people.noPlans = await signedInUser(db, config, 'manager', 'Manager of nothing');
    people.staff = await signedInUser(db, config, 'staff', 'Staff member');
    // An owner of an action in the plan, with no role in it, reads the plan; a staff account linked to an owner does not.
    await makeAction(db, plan.id, {
      title: 'Owned action',
      themeId: theme.id,
      owners: ['Olu Owner', 'Sol Staff'],
    });
    for (const [who, role, ownerName] of [
      ['owner', 'contributor', 'Olu Owner'],
      ['staffOwner', 'staff', 'Sol Staff'],
    ] as const) {
      const person = await signedInUser(db, config, role, `Signed in ${who}`);
      const owner = await db.kysely
        .selectFrom('owners')
        .select('id')
        .where('name', '=', ownerName)
        .executeTakeFirstOrThrow();
      await inTransaction(db, (trx) =>
        updateUserDetails(trx, testActor, person.user.id, { ownerId: owner.id }),
      );
      people[who] = person;
    }
    people.signedOut = null;
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (who: SignedInAs | null, url: string) =>
    app.inject({ url, headers: { cookie: who ? who.cookie : '' } });

  // Who gets the signed-in page (/plans/:slug/you-said-we-did and its print) under each choice of readers.
  const readsPage: Record<string, string[]> = {
    plan: ['admin', 'manager', 'contributor', 'viewer', 'owner'],
    'signed-in': ['admin', 'manager', 'contributor', 'viewer', 'owner', 'noPlans', 'staff', 'staffOwner'],
    public: ['admin', 'manager', 'contributor', 'viewer', 'owner', 'noPlans', 'staff', 'staffOwner'],
  };

  for (const readers of ['plan', 'signed-in', 'public'] as const)
    it(`with the page open to ${readers}, shows only what was published, to those allowed`, async () => {
      const db = current();
      const version = (await staffPageOf(db.kysely, planId)).version;
      if ((await staffPageOf(db.kysely, planId)).readers !== readers)
        await inTransaction(db, (trx) => setStaffPageReaders(trx, testActor, planId, version, readers));
      key ||= (await staffPageOf(db.kysely, planId)).public_key;
      for (const [who, person] of Object.entries(people)) {
        const responses = {
          page: await get(person, `/plans/${slug}/you-said-we-did`),
          print: await get(person, `/plans/${slug}/you-said-we-did/print`),
          list: await get(person, '/you-said-we-did'),
          publicAddress: await get(person, `/you-said-we-did/${key}`),
          fragment: await get(person, `/plans/${slug}/staff-page/fragment.html`),
          manage: await get(person, `/plans/${slug}/staff-page`),
        };
        const allowed = readsPage[readers]!.includes(who);
        for (const name of ['page', 'print'] as const) {
          const expected = allowed ? 200 : who === 'signedOut' ? 303 : 404;
          expect(responses[name].statusCode, `${who} ${name} (${readers})`).toBe(expected);
        }
        expect(responses.publicAddress.statusCode, `${who} public (${readers})`).toBe(
          readers === 'public' ? 200 : 404,
        );
        expect(responses.fragment.statusCode, `${who} fragment`).toBe(
          who === 'admin' || who === 'manager'
            ? 200
            : who === 'signedOut'
              ? 303
              : ['staff', 'staffOwner', 'noPlans'].includes(who)
                ? 404
                : 403,
        );
        expect(responses.list.statusCode, `${who} list`).toBe(who === 'signedOut' ? 303 : 200);
        const listed = responses.list.body.includes(`/plans/${slug}/you-said-we-did`);
        expect(listed, `${who} list shows the plan (${readers})`).toBe(allowed);
        // The other plan's page is open to anyone signed in: listed for all, yet its words are on its own page only.
        if (who !== 'signedOut') expect(responses.list.body).toContain('Other plan');
        for (const [name, response] of Object.entries(responses)) {
          if (name === 'manage') continue;
          for (const secret of forbidden)
            expect(response.body, `${who} ${name} (${readers}) shows ${secret}`).not.toContain(secret);
          if (response.statusCode === 200 && name !== 'list')
            expect(response.body, `${who} ${name}`).toContain(marker.published);
        }
      }
    });

  it('gives a staff account the staff pages and its account, and nothing else', async () => {
    const staff = people.staff!;
    const home = await get(staff, '/');
    expect(home.statusCode).toBe(302);
    expect(home.headers.location).toBe('/you-said-we-did');
    for (const url of ['/plans', '/my-work', '/dashboard', '/owners', '/search?q=plan']) {
      const refused = await get(staff, url);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body, url).toContain('A staff account can read only the staff pages');
      expect(refused.body, url).toContain(
        '<a class="govuk-link" href="/you-said-we-did">Go to You said, we did</a>',
      );
    }
    for (const url of [`/plans/${slug}`, `/plans/${slug}/findings`, `/plans/${slug}/staff-page`])
      expect((await get(staff, url)).statusCode, url).toBe(404);
    const account = await get(staff, '/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Your account reads the staff pages');
    expect(account.body).not.toContain('API tokens');
    const list = await get(staff, '/you-said-we-did');
    expect(list.body).toContain('href="/you-said-we-did"');
    expect(list.body).not.toContain('href="/plans"');
    // Nor does it offer the API, which refuses a staff account; someone with plans is offered it.
    expect(list.body).not.toContain('href="/api/docs"');
    expect((await get(people.manager!, '/you-said-we-did')).body).toContain('href="/api/docs"');
    const api = await app.inject({ url: '/api/v1/plans', headers: { authorization: staff.authorization } });
    expect(api.statusCode).toBe(403);
    // A staff account cannot be given a plan, so it cannot read one by the back door.
    await expect(
      inTransaction(current(), (trx) => setPlanRole(trx, testActor, planId, staff.user.id, 'viewer')),
    ).rejects.toMatchObject({ fieldErrors: { role: expect.stringContaining('has a staff account') } });
  });

  it('lets only an administrator choose who reads it', async () => {
    const manager = people.manager!;
    const before = await staffPageOf(current().kysely, planId);
    const posted = form({ version: String(before.version), readers: 'public' });
    const refused = await app.inject({
      method: 'POST',
      url: `/plans/${slug}/staff-page/readers`,
      payload: posted.payload,
      headers: { ...posted.headers, cookie: `${manager.cookie}; ${posted.headers.cookie ?? ''}` },
    });
    expect(refused.statusCode).toBe(403);
    expect((await staffPageOf(current().kysely, planId)).version).toBe(before.version);
  });
});
