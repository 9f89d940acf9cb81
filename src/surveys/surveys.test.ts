import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { readSource } from '../import/read/readSource.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan, makeTheme, testActor } from '../testing/factories.js';
import { form, multipartForm } from '../testing/forms.js';
import { buildTestApp } from '../testing/testApp.js';
import { draftThroughPage } from '../testing/reports.js';
import { dateFieldValues } from '../web/dateFields.js';
import { historyPage } from '../history/historyQueries.js';
import { readScores } from './readScores.js';
import { createWave, deleteWave, saveScores, setQuestionTheme, updateWave } from './surveyCommands.js';
import { planSurveys, pointsText, surveyChangeLines } from './surveyQueries.js';

async function read(name: string, text: string) {
  return readScores(await readSource(name, Buffer.from(text, 'utf8')));
}

describe('reading a survey provider’s scores', () => {
  it('finds the question and score columns by meaning, with driver, responses and comparator', async () => {
    const read1 = await read(
      'results.csv',
      'Survey statement,Driver,% Favourable,Respondents,Sector average\n' +
        'I understand the vision,Leadership,61%,410,58%\n' +
        'I feel valued,,47,402,50\n' +
        'My manager listens,Line management,n/a,400,\n',
    );
    expect(read1.columns).toEqual({
      question: 'Survey statement',
      driver: 'Driver',
      score: '% Favourable',
      responses: 'Respondents',
      comparator: 'Sector average',
    });
    expect(read1.scores).toEqual([
      {
        question: 'I understand the vision',
        driver: 'Leadership',
        score: 61,
        responses: 410,
        comparator: 58,
      },
      // A blank driver continues the one above, as a merged cell does.
      { question: 'I feel valued', driver: 'Leadership', score: 47, responses: 402, comparator: 50 },
    ]);
    expect(read1.problems).toEqual(['Row 4: the score "n/a" is not a per cent from 0 to 100']);
  });

  it('reads fractions as per cents, finds a header below a title row, and reads a workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Results');
    sheet.addRow(['Staff survey 2024: results by item']);
    sheet.addRow(['Item', 'Theme', 'Positive']);
    sheet.addRow(['Vision clarity', 'Leadership', 0.615]);
    sheet.addRow(['Feeling safe to speak up', 'Voice', 0.7]);
    const scores = readScores(
      await readSource('survey.xlsx', Buffer.from(await workbook.xlsx.writeBuffer())),
    ).scores;
    expect(scores.map((s) => [s.question, s.driver, s.score])).toEqual([
      ['Vision clarity', 'Leadership', 61.5],
      ['Feeling safe to speak up', 'Voice', 70],
    ]);
  });

  it('names the columns it found when no table has a question and a score', async () => {
    await expect(read('plan.csv', 'Action,Owner,Status\nDo it,HR,Open\n')).rejects.toThrow(
      'The file has no table with a question column and a score column (for example "Question" and "% positive"). Its columns are: Action, Owner, Status.',
    );
  });

  it('says a change in points as a board reads it', () => {
    expect([7, -3, 0, 1, 0.04, -1.26].map(pointsText)).toEqual([
      '+7 points',
      '−3 points',
      'no change',
      '+1 point',
      'no change',
      '−1.3 points',
    ]);
  });
});

describeEachDatabase('staff survey results', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  async function twoWaves() {
    const db = current();
    const plan = await makePlan(db, { title: 'Culture plan' });
    const leadership = await makeTheme(db, plan.id, { title: 'Leadership' });
    const first = await inTransaction(db, (trx) =>
      createWave(trx, testActor, plan.id, {
        name: 'Staff survey 2023',
        heldOn: '2023-03-31',
        responseRate: '48',
      }),
    );
    const second = await inTransaction(db, (trx) =>
      createWave(trx, testActor, plan.id, {
        name: 'Staff survey 2024',
        heldOn: '2024-03-29',
        responses: '512',
      }),
    );
    await inTransaction(db, (trx) =>
      saveScores(trx, testActor, plan.id, first.id, 1, [
        { question: 'Vision clarity', driver: 'Leadership', score: 54 },
        { question: 'I feel valued', score: 40 },
      ]),
    );
    // The same question in other spacing and case is the same question.
    const saved = await inTransaction(db, (trx) =>
      saveScores(trx, testActor, plan.id, second.id, 1, [
        { question: '  vision   CLARITY ', score: 61, responses: 500, comparator: 58 },
      ]),
    );
    return { db, plan, leadership, first, second: saved.wave };
  }

  it('keeps each question across waves, gives the change between the last two, and says it for each focus area', async () => {
    const { db, plan, leadership } = await twoWaves();
    const surveys = await planSurveys(db.kysely, plan.id);
    expect(surveys.waves.map((w) => w.name)).toEqual(['Staff survey 2023', 'Staff survey 2024']);
    expect(surveys.questions.map((q) => q.question.text)).toEqual(['Vision clarity', 'I feel valued']);
    const vision = surveys.questions[0]!;
    expect(vision.scores).toEqual([
      { score: 54, responses: null, comparator: null },
      { score: 61, responses: 500, comparator: 58 },
    ]);
    expect(vision.change?.sentence).toBe('Vision clarity: 54% → 61%, +7 points');
    expect(surveys.questions[1]!.change).toBeNull();
    // Only a question marked for a focus area is said for it.
    expect(surveyChangeLines(surveys, [{ id: leadership.id, title: 'Leadership' }])).toEqual([]);
    await inTransaction(db, (trx) =>
      setQuestionTheme(trx, testActor, plan.id, vision.question.id, 1, leadership.id),
    );
    expect(
      surveyChangeLines(await planSurveys(db.kysely, plan.id), [{ id: leadership.id, title: 'Leadership' }]),
    ).toEqual(['Vision clarity: 54% → 61%, +7 points (Leadership)']);
  });

  it('refuses bad figures, stale versions and another plan’s focus area, naming the problem and changing nothing', async () => {
    const { db, plan, first } = await twoWaves();
    const other = await makePlan(db, { title: 'Other plan' });
    const otherTheme = await makeTheme(db, other.id, { title: 'Elsewhere' });
    const refusal = async (work: Promise<unknown>) => {
      try {
        await work;
      } catch (error) {
        return error;
      }
      throw new Error('was not refused');
    };
    const bad = (await refusal(
      inTransaction(db, (trx) =>
        createWave(trx, testActor, plan.id, {
          name: '',
          heldOn: '2024-02-30',
          responses: '1.5',
          responseRate: '120',
        }),
      ),
    )) as InvalidInputError;
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect(bad.fieldErrors).toEqual({
      name: 'Enter the name of the survey',
      heldOn: 'The date of the survey must be a real date, like 2021-08-07',
      responses: 'The number of responses must be a whole number, like 250',
      responseRate: 'The response rate must be 100 or less',
    });
    expect(
      await refusal(
        inTransaction(db, (trx) =>
          saveScores(trx, testActor, plan.id, first.id, 2, [{ question: 'Q', score: 101 }]),
        ),
      ),
    ).toMatchObject({ fieldErrors: { score: 'The score must be a per cent from 0 to 100' } });
    // The wave moved on to version 2 when its scores were saved: a change from version 1 is stale.
    expect(
      await refusal(
        inTransaction(db, (trx) => updateWave(trx, testActor, plan.id, first.id, 1, { name: 'Renamed' })),
      ),
    ).toBeInstanceOf(ConflictError);
    const question = (await planSurveys(db.kysely, plan.id)).questions[0]!.question;
    expect(
      await refusal(
        inTransaction(db, (trx) => setQuestionTheme(trx, testActor, plan.id, question.id, 1, otherTheme.id)),
      ),
    ).toMatchObject({ fieldErrors: { themeId: 'Choose one of this plan’s focus areas' } });
    const after = await planSurveys(db.kysely, plan.id);
    expect(after.waves[0]!.name).toBe('Staff survey 2023');
    expect(after.questions[0]!.question.theme_id).toBeNull();
    expect(after.questions[0]!.scores[0]!.score).toBe(54);
  });

  it('deletes a wave with its scores and the questions only it asked, and tells the history in words', async () => {
    const { db, plan, first } = await twoWaves();
    await inTransaction(db, (trx) => deleteWave(trx, testActor, plan.id, first.id));
    const surveys = await planSurveys(db.kysely, plan.id);
    expect(surveys.waves.map((w) => w.name)).toEqual(['Staff survey 2024']);
    expect(surveys.questions.map((q) => q.question.text)).toEqual(['Vision clarity']);
    const history = await historyPage(
      db.kysely,
      { planId: plan.id },
      { kinds: [], from: null, until: null },
      null,
      50,
    );
    const said = history.entries.flatMap((e) => e.lines.map((l) => `${e.subject}: ${l.text}`));
    expect(said).toContain('Survey: Staff survey 2023: Survey deleted, with 2 scores');
    expect(said).toContain('Survey: Staff survey 2024: Scores: 1 added');
    expect(said).toContain('Survey: Staff survey 2023: Survey added');
  });

  it('runs from the pages: add a survey, bring in a file and a pasted table, type a score, mark a focus area', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Survey plan' });
    const theme = await makeTheme(db, plan.id, { title: 'Leadership and vision' });
    const empty = await app.inject(`/plans/${plan.slug}/surveys`);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('No survey results yet');

    const refused = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/surveys`,
      ...form({ name: 'Staff survey 2023', ...dateFieldValues('heldOn', null), responseRate: 'lots' }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Enter the date of the survey');
    expect(refused.body).toContain('The response rate must be a number, like 61');
    expect(refused.body).toContain('value="Staff survey 2023"');

    const add = async (name: string, iso: string) => {
      const response = await app.inject({
        method: 'POST',
        url: `/plans/${plan.slug}/surveys`,
        ...form({ name, ...dateFieldValues('heldOn', iso), responses: '400', responseRate: '52.5' }),
      });
      expect(response.statusCode).toBe(303);
      return (response.headers.location as string).split('?')[0]!;
    };
    const firstUrl = await add('Staff survey 2023', '2023-03-31');
    const secondUrl = await add('Staff survey 2024', '2024-03-29');

    const csv =
      'Question,Driver,Score,Responses\nVision clarity,Leadership,54%,380\nI feel valued,Recognition,40%,380\nBroken row,,??,\n';
    const uploaded = await app.inject({
      method: 'POST',
      url: `${firstUrl}/scores`,
      ...multipartForm({ version: '1' }, [{ name: 'survey-2023.csv', bytes: Buffer.from(csv) }]),
    });
    expect(uploaded.statusCode).toBe(200);
    expect(uploaded.body).toContain('2 scores added from survey-2023.csv');
    expect(uploaded.body).toContain('Row 4: the score &quot;??&quot; is not a per cent from 0 to 100');

    const notScores = await app.inject({
      method: 'POST',
      url: `${secondUrl}/scores`,
      ...multipartForm({ version: '1', pasted: 'Action\tOwner\nDo it\tHR\n' }),
    });
    expect(notScores.statusCode).toBe(400);
    expect(notScores.body).toContain('The pasted table: ');
    expect(notScores.body).toContain('no table with a question column and a score column');

    const pasted = await app.inject({
      method: 'POST',
      url: `${secondUrl}/scores`,
      ...multipartForm({ version: '1', pasted: 'Statement\t% positive\nVision clarity\t61\n' }),
    });
    expect(pasted.statusCode).toBe(200);
    expect(pasted.body).toContain('1 score added from Pasted table.txt');

    const stale = await app.inject({
      method: 'POST',
      url: `${secondUrl}/score`,
      ...form({ version: '1', question: 'I feel valued', score: '45' }),
    });
    expect(stale.statusCode).toBe(409);
    const typed = await app.inject({
      method: 'POST',
      url: `${secondUrl}/score`,
      ...form({ version: '2', question: 'I feel valued', score: '45%', comparator: '50' }),
    });
    expect(typed.statusCode).toBe(303);
    const badTyped = await app.inject({
      method: 'POST',
      url: `${secondUrl}/score`,
      ...form({ version: '3', question: '', score: '150' }),
    });
    expect(badTyped.statusCode).toBe(400);
    expect(badTyped.body).toContain('Enter the question');
    expect(badTyped.body).toContain('The score must be 100 or less');

    const list = await app.inject(`/plans/${plan.slug}/surveys`);
    expect(list.body).toContain('54%');
    expect(list.body).toContain('54% → 61%, +7 points');
    expect(list.body).toContain('40% → 45%, +5 points');
    const questionId = /surveys\/questions\/([^"]+)"/.exec(list.body)![1]!;
    const mark = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/surveys/questions/${questionId}`,
      ...form({ version: '1', themeId: theme.id }),
    });
    expect(mark.statusCode).toBe(303);
    const themePage = await app.inject(`/plans/${plan.slug}/themes/${theme.id}`);
    expect(themePage.body).toContain('Vision clarity: 54% → 61%, +7 points');

    // The highlight report says it, and keeps it when published.
    const reportUrl = await draftThroughPage(app, plan.slug, '2024-01-01', '2024-03-31');
    const report = await app.inject(reportUrl);
    expect(report.body).toContain('<h2 class="govuk-heading-m">Staff survey</h2>');
    expect(report.body).toContain('Vision clarity: 54% → 61%, +7 points (Leadership and vision)');

    const deletePage = await app.inject(`${firstUrl}/delete`);
    expect(deletePage.body).toContain('Are you sure you want to delete Staff survey 2023?');
    const deleted = await app.inject({
      method: 'POST',
      url: `${firstUrl}/delete`,
      ...form({ confirm: 'yes' }),
    });
    expect(deleted.statusCode).toBe(303);
    expect((await app.inject(firstUrl)).statusCode).toBe(404);
  });
});
