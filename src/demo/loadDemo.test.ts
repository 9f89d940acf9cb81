import { expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { planCoverage } from '../findings/coverage.js';
import { loadPlanContents } from '../plans/planContents.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { changesByTheme, planSurveys, surveyChangeLines } from '../surveys/surveyQueries.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildStaffPageContent } from '../staff/staffPageContent.js';
import { latestPublication, staffPageOf } from '../staff/staffPageCommands.js';
import { loadDemo } from './loadDemo.js';

const actor = { name: 'Headway demo' };

async function rowCounts(db: Db) {
  const tables = [
    'plans',
    'horizons',
    'themes',
    'actions',
    'action_owners',
    'owners',
    'updates',
    'findings',
    'action_findings',
    'survey_waves',
    'survey_questions',
    'survey_scores',
    'staff_marks',
    'staff_page_publications',
    'history',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describeEachDatabase('loading the sample plans', (current) => {
  // Every test reads the same load, made once on this block's fresh database.
  let firstLoad: ReturnType<typeof loadDemo> | undefined;
  const loaded = () => (firstLoad ??= loadDemo(current(), actor));

  it('creates both sample plans on an empty database', async () => {
    expect(await loaded()).toEqual({ created: ['staff-survey-2021', 'culture-action-plan'], skipped: [] });
  });

  it('loads the 14 staff-survey actions in document order, 7 complete and 7 ongoing, each with one owner', async () => {
    await loaded();
    const { plan, actions, themes } = await loadPlanContents(current().kysely, 'staff-survey-2021', {
      updates: 'all',
    });
    expect(plan.title).toBe('Staff Survey - Action Plan');
    expect(actions).toHaveLength(14);
    expect(actions[0]!.title).toBe('Arrange date for Durham University to brief COT on the survey results');
    expect(actions[0]!.progress).toContain('Prodedural justice');
    expect(actions[13]!.title).toBe('Schedule comms piece on "You said, we did" for progress so far');
    expect(countBy(actions, (a) => a.status)).toEqual({ complete: 7, ongoing: 7 });
    expect(actions.every((a) => a.owners.length === 1)).toBe(true);
    expect(new Set(actions.flatMap((a) => a.owners))).toEqual(
      new Set(['Luke Baldock', 'Corp Comms', 'Commissioner Dyson']),
    );
    expect(actions.every((a) => a.theme_id === null)).toBe(true);
    expect(themes.some((t) => t.title === 'Rolling updates for each focus area below:')).toBe(false);
  });

  it('keeps the staff survey marking and the target dates in the force’s own words', async () => {
    await loaded();
    const { plan, actions } = await loadPlanContents(current().kysely, 'staff-survey-2021', {
      updates: 'all',
    });
    expect(plan.marking).toBe('NOT PROTECTIVELY MARKED');
    expect(plan.sponsor).toBe('Commissioner Dyson');
    const underRepresented = actions.find((a) => a.title.startsWith('Hold dedicated Focus Group'));
    expect(underRepresented?.target_text).toBe('end of sept 21');
    expect(actions.map((a) => a.target_text)).toContain('Sep-21');
    expect(actions.map((a) => a.target_text)).toContain('end of sept - 21');
  });

  it('gives the staff survey its four focus areas, with their leads and dated updates', async () => {
    await loaded();
    const { themes, updates } = await loadPlanContents(current().kysely, 'staff-survey-2021', {
      updates: 'all',
    });
    expect(themes.map((t) => [t.title, t.lead, t.status])).toEqual([
      ['Return to Work Plan', 'All directorate leads', 'ongoing'],
      ['Transform - Silo Culture and Communication of changes', 'Ch Supt Oliver Shaw', 'ongoing'],
      ['Vision Clarity', 'Stuart Phoenix', 'ongoing'],
      ['Work/Home Balance', 'Ch Supt Steve Heatley', 'ongoing'],
    ]);
    const onTheme = (title: string) => {
      const theme = themes.find((t) => t.title === title)!;
      return updates.filter((u) => u.theme_id === theme.id).map((u) => [u.effective_on, u.author]);
    };
    expect(onTheme('Return to Work Plan')).toEqual([['2021-08-07', 'All directorate leads']]);
    expect(onTheme('Transform - Silo Culture and Communication of changes')).toEqual([
      ['2021-08-12', 'Ch Supt Oliver Shaw'],
    ]);
    expect(onTheme('Vision Clarity')).toEqual([['2021-08-07', 'Stuart Phoenix']]);
    expect(onTheme('Work/Home Balance')).toEqual([['2021-08-07', 'Ch Supt Steve Heatley']]);

    const transform = themes[1]!;
    const transformUpdate = updates.find((u) => u.theme_id === transform.id)!;
    expect(transformUpdate.body.match(/<li>/g)).toHaveLength(4);
    expect(richTextToPlain(transform.future_actions)).not.toContain('Update 12.8.21');
    expect(richTextToPlain(themes[2]!.future_actions)).not.toContain('Vision was articulated');
  });

  it('posts the staff survey’s dated entries of 7/8/21 as updates on their actions, keeping the cells as written', async () => {
    await loaded();
    const { actions, updates } = await loadPlanContents(current().kysely, 'staff-survey-2021', {
      updates: 'all',
    });
    const onActions = updates.filter((u) => u.action_id !== null);
    const titles = onActions.map((u) => actions.find((a) => a.id === u.action_id)!.title);
    expect(titles.sort()).toEqual([
      'Formulate key focus areas from the Focus Groups and share with key stakeholders',
      'Hold dedicated Focus Group for under-represented staff after consultation with E&I and staff networks',
      'Hold focus groups with Directorates to expand on the findings',
    ]);
    expect(onActions.every((u) => u.effective_on === '2021-08-07' && u.author === 'Luke Baldock')).toBe(true);
    const formulate = actions.find((a) => a.title.startsWith('Formulate key focus areas'))!;
    expect(richTextToPlain(formulate.future_actions)).toContain('Update 7/8/21 communications have gone out');
  });

  it('gives the staff survey the two areas its data named and the four the focus groups outlined, each answered by actions', async () => {
    await loaded();
    const { plan, actions } = await loadPlanContents(current().kysely, 'staff-survey-2021', {
      updates: 'all',
    });
    const coverage = await planCoverage(current().kysely, plan.id);
    expect(
      coverage.findings.map(({ finding }) => [
        finding.reference,
        finding.kind,
        finding.source_document,
        finding.source_date,
      ]),
    ).toEqual([
      ['S1', 'survey_finding', 'Durham University staff survey results', '2020-11-24'],
      ['S2', 'survey_finding', 'Durham University staff survey results', '2020-11-24'],
      ['FG1', 'focus_group_theme', 'Directorate focus groups', '2021-04-29'],
      ['FG2', 'focus_group_theme', 'Directorate focus groups', '2021-04-29'],
      ['FG3', 'focus_group_theme', 'Directorate focus groups', '2021-04-29'],
      ['FG4', 'focus_group_theme', 'Directorate focus groups', '2021-04-29'],
    ]);
    const [vision, justice, returnToWork, transform, visionTheme, workAndHome] = coverage.findings.map(
      (f) => f.finding.text,
    );
    expect(vision).toMatch(/^Vision Clarity/);
    expect(justice).toMatch(/^Procedural justice/);
    expect(returnToWork).toBe(
      'Ensure return to work plan following covid is effectively managed with communication central to success',
    );
    expect(transform).toMatch(/^Transform - Ensure timely communication of upcoming changes/);
    expect(visionTheme).toContain('Consider an organisational management chart');
    expect(workAndHome).toMatch(/^Separation of Work and Home/);

    // Every finding has an action still open; none is answered by a theme, which answers nothing.
    expect(coverage.counts).toEqual({ total: 6, noAction: 0, open: 6, complete: 0, withActions: 6 });
    expect(coverage.byKind.map((k) => k.sentence)).toEqual([
      '2 survey findings: 2 with actions, 0 complete',
      '4 focus-group themes: 4 with actions, 0 complete',
    ]);
    const answering = (reference: string) =>
      coverage.findings.find((f) => f.finding.reference === reference)!.actions.map((a) => a.title);
    expect(answering('S2')).toEqual(['Hold focus groups with Directorates to expand on the findings']);
    expect(answering('S1')).toEqual([
      'Hold focus groups with Directorates to expand on the findings',
      'Identify suitable leads for each area of focus to put plans into action',
    ]);
    for (const reference of ['FG1', 'FG2', 'FG3', 'FG4'])
      expect(answering(reference)).toEqual([
        'Identify suitable leads for each area of focus to put plans into action',
        'Share areas of focus with Directorate Heads to ensure management teams are working towards the areas of focus',
        'Schedule comms piece on "You said, we did" for progress so far',
      ]);
    expect(actions.find((a) => a.title.startsWith('Identify suitable leads'))!.status).toBe('complete');
  });

  it('gives the staff survey two waves, each question marked for its focus area, with vision clarity rising', async () => {
    await loaded();
    const { plan, themes } = await loadPlanContents(current().kysely, 'staff-survey-2021', {
      updates: 'all',
    });
    const surveys = await planSurveys(current().kysely, plan.id);
    expect(surveys.waves.map((w) => [w.name, w.held_on, w.responses, Number(w.response_rate)])).toEqual([
      ['Staff survey 2020', '2020-11-24', 742, 52],
      ['Staff survey 2022', '2022-11-22', 861, 60],
    ]);
    expect(surveys.questions).toHaveLength(6);
    expect(surveys.questions.every((q) => q.scores.every((score) => score !== null))).toBe(true);
    const question = (text: string) => surveys.questions.find((q) => q.question.text === text)!;
    expect(question('Vision clarity').change?.sentence).toBe('Vision clarity: 54% → 61%, +7 points');
    expect(question('Procedural justice').change?.sentence).toBe('Procedural justice: 49% → 53%, +4 points');
    // The plan has no focus area for procedural justice, so that question is marked for none.
    expect(question('Procedural justice').question.theme_id).toBeNull();

    const byTheme = changesByTheme(surveys);
    const themeOf = (title: string) => themes.find((t) => t.title === title)!.id;
    expect(byTheme.get(themeOf('Vision Clarity'))!.map((q) => q.question.text)).toEqual(['Vision clarity']);
    expect(byTheme.has(themeOf('Return to Work Plan'))).toBe(false);
    expect(surveyChangeLines(surveys, themes)).toEqual([
      'Changes are communicated in good time: 41% → 48%, +7 points (Transform - Silo Culture and Communication of changes)',
      'Teams work well together across the Force: 47% → 52%, +5 points (Transform - Silo Culture and Communication of changes)',
      'Vision clarity: 54% → 61%, +7 points (Vision Clarity)',
      'I can switch off from work in my own time: 63% → 59%, −4 points (Work/Home Balance)',
    ]);
  });

  it('files the 18 culture deliverables under their five themes: 11 complete, 5 in progress, 2 not started', async () => {
    await loaded();
    const { plan, horizons, themes, actions } = await loadPlanContents(
      current().kysely,
      'culture-action-plan',
      {
        updates: 'all',
      },
    );
    expect(horizons.map((h) => h.name)).toEqual(['Short term (by April 2024)', 'Medium term']);
    expect(themes.map((t) => t.title)).toEqual([
      'Building trust and confidence',
      'Strengthening support, welfare and facilities',
      'Clear cultural expectations',
      'Strengthening leadership and engagement',
      'Governance',
    ]);
    const shortTerm = actions.filter((a) => a.horizon_id === horizons[0]!.id);
    expect(shortTerm).toHaveLength(18);
    expect(shortTerm.map((a) => a.ref)).toEqual(Array.from({ length: 18 }, (_, i) => `ST${i + 1}`));
    expect(countBy(shortTerm, (a) => a.status)).toEqual({ complete: 11, in_progress: 5, not_started: 2 });
    expect(shortTerm.every((a) => a.owners.length === 0 && a.theme_id !== null)).toBe(true);

    const themeOf = (start: string) =>
      themes.find((t) => t.id === actions.find((a) => a.title.startsWith(start))!.theme_id)!.title;
    expect(themeOf('Introduce structural changes within Learning and Development and HR')).toBe(
      'Strengthening leadership and engagement',
    );
    expect(themeOf('Increase the resources in HR')).toBe('Strengthening leadership and engagement');
    expect(themeOf('Establish the Culture Development Committee')).toBe('Governance');
    expect(countBy(shortTerm, (a) => themes.find((t) => t.id === a.theme_id)!.title)).toEqual({
      'Building trust and confidence': 3,
      'Strengthening support, welfare and facilities': 5,
      'Clear cultural expectations': 4,
      'Strengthening leadership and engagement': 5,
      Governance: 1,
    });
    expect(plan.marking).toBe('');
  });

  it('lists the six culture medium-term priorities in progress, without a theme', async () => {
    await loaded();
    const { horizons, actions } = await loadPlanContents(current().kysely, 'culture-action-plan', {
      updates: 'all',
    });
    const mediumTerm = actions.filter((a) => a.horizon_id === horizons[1]!.id);
    expect(mediumTerm.map((a) => [a.ref, a.status, a.theme_id])).toEqual(
      Array.from({ length: 6 }, (_, i) => [`MT${i + 1}`, 'in_progress', null]),
    );
    expect(mediumTerm[0]!.title).toBe("Continuing the delivery of 'Not on my Watch' awareness training");
  });

  it('keeps the culture plan’s sponsor, overall status and summary', async () => {
    await loaded();
    const { plan } = await loadPlanContents(current().kysely, 'culture-action-plan', { updates: 'all' });
    expect(plan.title).toBe('Culture Action Plan Strategic Highlight Report');
    expect(plan.sponsor).toBe('DCFO Derek James');
    expect(plan.rag).toBe('green');
    expect(richTextToPlain(plan.rag_note)).toBe('On Track');
    expect(plan.summary.match(/<p>/g)).toHaveLength(2);
    expect(plan.summary).toContain('Good progress is being made against the action plan');
  });

  it('publishes the staff survey’s staff page, open to everyone signed in, with what staff said and what was done', async () => {
    await loaded();
    const { plan } = await loadPlanContents(current().kysely, 'staff-survey-2021', { updates: 'all' });
    expect(await staffPageOf(current().kysely, plan.id)).toMatchObject({ readers: 'signed-in' });
    const published = await latestPublication(current().kysely, plan.id);
    expect(published?.content.intro).toMatch(/^Thank you to everyone who took part/);
    expect(
      published?.content.areas.map((area) => [area.title, area.said.length, area.did.length, area.survey]),
    ).toEqual([
      ['Return to Work Plan', 1, 1, []],
      [
        'Transform - Silo Culture and Communication of changes',
        1,
        0,
        [
          'Changes are communicated in good time: 41% → 48%, +7 points',
          'Teams work well together across the Force: 47% → 52%, +5 points',
        ],
      ],
      ['Vision Clarity', 2, 1, ['Vision clarity: 54% → 61%, +7 points']],
      ['Work/Home Balance', 1, 0, ['I can switch off from work in my own time: 63% → 59%, −4 points']],
      ['Across the plan', 0, 1, []],
    ]);
    // Named where chosen, and the draft is what was published.
    expect(published?.content.areas[2]?.did[0]?.owners).toEqual(['Luke Baldock']);
    expect(await buildStaffPageContent(current().kysely, plan.id)).toEqual(published?.content);
  });

  it('changes nothing when run a second time, skipping both plans', async () => {
    await loaded();
    const before = await rowCounts(current());
    expect(before).toMatchObject({
      findings: 6,
      action_findings: 15,
      survey_waves: 2,
      survey_questions: 6,
      survey_scores: 12,
      staff_marks: 8,
      staff_page_publications: 1,
    });
    expect(await loadDemo(current(), actor)).toEqual({
      created: [],
      skipped: ['staff-survey-2021', 'culture-action-plan'],
    });
    expect(await rowCounts(current())).toEqual(before);
  });
});
