// A plan's staff surveys: adding, changing and deleting a wave, saving its scores (typed, or read from a file), and
// choosing the focus area a question measures. Each checks the version it started from and writes history in the
// caller's transaction.
import { nowIso } from '../db/migrations.js';
import type { SurveyQuestionRow, SurveyWaveRow } from '../db/schema.js';
import { checkVersion, forChange, holdPlan, updateAtVersion } from '../db/versionedUpdate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { surveyLimits } from '../fieldLimits.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { FieldChecks } from '../validation.js';

export interface WaveInput {
  name?: string;
  /** ISO date. */
  heldOn?: string | null;
  responses?: number | string | null;
  responseRate?: number | string | null;
}

/** One question's result in a wave, as typed or read from a file. */
export interface ScoreInput {
  question: string;
  driver?: string;
  /** Per cent positive, 0–100. */
  score: number;
  responses?: number | null;
  comparator?: number | null;
}

/** A figure as a person types it: "61", "61%", "61.5"; '' or null for none. Refused (with a message) otherwise. */
export function readFigure(
  checks: FieldChecks,
  field: string,
  label: string,
  value: unknown,
  { max, whole = false }: { max?: number; whole?: boolean } = {},
): number | null {
  if (value == null || value === '') return null;
  const text =
    typeof value === 'number' ? String(value) : String(value).trim().replace(/%$/, '').replace(/,/g, '');
  const figure = Number(text);
  if (text === '' || !Number.isFinite(figure) || figure < 0 || (whole && !Number.isInteger(figure))) {
    checks.fail(
      field,
      `${label} must be ${whole ? 'a whole number' : 'a number'}, like ${whole ? '250' : '61'}`,
    );
    return null;
  }
  if (max !== undefined && figure > max) {
    checks.fail(field, `${label} must be ${max} or less`);
    return null;
  }
  return figure;
}

/** What is wrong with a wave's name and figures, for a form whose date could not be read to say them all at once. */
export function waveProblems(input: Omit<WaveInput, 'heldOn'>): Record<string, string> {
  try {
    waveValues({ ...input, heldOn: '2000-01-01' });
    return {};
  } catch (error) {
    if (error instanceof InvalidInputError) return error.fieldErrors;
    throw error;
  }
}

function waveValues(
  input: WaveInput,
  existing?: SurveyWaveRow,
): Pick<SurveyWaveRow, 'name' | 'held_on' | 'responses' | 'response_rate'> {
  const checks = new FieldChecks();
  const name = checks.text('name', 'the name of the survey', input.name ?? existing?.name, {
    required: true,
    max: surveyLimits.name,
  });
  const heldOn =
    input.heldOn === undefined
      ? (existing?.held_on ?? null)
      : checks.isoDate('heldOn', 'the date of the survey', input.heldOn, { required: true });
  if (heldOn === null && !checks.errors.heldOn) checks.fail('heldOn', 'Enter the date of the survey');
  const responses =
    input.responses === undefined
      ? (existing?.responses ?? null)
      : readFigure(checks, 'responses', 'The number of responses', input.responses, { whole: true });
  const responseRate =
    input.responseRate === undefined
      ? (existing?.response_rate ?? null)
      : readFigure(checks, 'responseRate', 'The response rate', input.responseRate, { max: 100 });
  checks.done();
  return { name, held_on: heldOn!, responses, response_rate: responseRate };
}

export async function createWave(
  trx: Trx,
  actor: Actor,
  planId: string,
  input: WaveInput,
): Promise<SurveyWaveRow> {
  const values = waveValues(input);
  const now = nowIso();
  const wave: SurveyWaveRow = {
    id: newId(),
    plan_id: planId,
    ...values,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('survey_waves').values(wave).execute();
  await recordChange(trx, actor, {
    recordType: 'survey_wave',
    recordId: wave.id,
    planId,
    change: 'create',
    after: wave,
  });
  return wave;
}

export async function findWave(db: Reader, planId: string, waveId: string): Promise<SurveyWaveRow> {
  const wave = await db
    .selectFrom('survey_waves')
    .selectAll()
    .where('id', '=', waveId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!wave) throw new NotFoundError('Survey');
  return wave;
}

export async function updateWave(
  trx: Trx,
  actor: Actor,
  planId: string,
  waveId: string,
  expectedVersion: number,
  input: WaveInput,
): Promise<SurveyWaveRow> {
  const before = await findWave(trx, planId, waveId);
  checkVersion('survey_waves', before, expectedVersion);
  const values = waveValues(input, before);
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'survey_waves', waveId, expectedVersion, {
    ...values,
    updated_at: updatedAt,
  });
  const after: SurveyWaveRow = { ...before, ...values, version, updated_at: updatedAt };
  await recordChange(trx, actor, {
    recordType: 'survey_wave',
    recordId: waveId,
    planId,
    change: 'update',
    before,
    after,
  });
  return after;
}

/** Deletes a wave and its scores; a question no wave scores any more goes too. The history keeps the scores. */
export async function deleteWave(trx: Trx, actor: Actor, planId: string, waveId: string): Promise<void> {
  const before = await forChange(
    trx,
    trx.selectFrom('survey_waves').selectAll().where('id', '=', waveId).where('plan_id', '=', planId),
    { deleting: true },
  ).executeTakeFirst();
  if (!before) throw new NotFoundError('Survey');
  const scores = await scoresOfWave(trx, waveId);
  await trx.deleteFrom('survey_scores').where('wave_id', '=', waveId).execute();
  await trx.deleteFrom('survey_waves').where('id', '=', waveId).execute();
  await trx
    .deleteFrom('survey_questions')
    .where('plan_id', '=', planId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('survey_scores')
            .select('wave_id')
            .whereRef('question_id', '=', 'survey_questions.id'),
        ),
      ),
    )
    .execute();
  await recordChange(trx, actor, {
    recordType: 'survey_wave',
    recordId: waveId,
    planId,
    change: 'delete',
    before: { ...before, scores },
  });
}

async function scoresOfWave(db: Reader, waveId: string): Promise<ScoreInput[]> {
  const rows = await db
    .selectFrom('survey_scores')
    .innerJoin('survey_questions', 'survey_questions.id', 'survey_scores.question_id')
    .select([
      'survey_questions.text as question',
      'survey_questions.driver',
      'survey_scores.score',
      'survey_scores.responses',
      'survey_scores.comparator',
    ])
    .where('survey_scores.wave_id', '=', waveId)
    .orderBy('survey_questions.position')
    .execute();
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}

/** The same question in other words of spacing or case is the same question. */
export function questionKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Saves scores into a wave: a question the plan's surveys already ask (in any wave) is matched by its words, a new
 * one is added; a score the wave already has is replaced. The wave's version moves and its history says how many
 * scores were added and changed, with the scores before and after.
 */
export async function saveScores(
  trx: Trx,
  actor: Actor,
  planId: string,
  waveId: string,
  expectedVersion: number,
  scores: ScoreInput[],
): Promise<{ added: number; changed: number; wave: SurveyWaveRow }> {
  const checks = new FieldChecks();
  scores.forEach((score, index) => {
    const at = scores.length > 1 ? ` (row ${index + 1})` : '';
    checks.text('question', `the question${at}`, score.question, {
      required: true,
      max: surveyLimits.question,
    });
    checks.text('driver', `the driver${at}`, score.driver, { max: surveyLimits.driver });
    if (!Number.isFinite(score.score) || score.score < 0 || score.score > 100)
      checks.fail('score', `The score${at} must be a per cent from 0 to 100`);
  });
  if (scores.length === 0) checks.fail('scores', 'There are no scores to save');
  checks.done();
  // Held until the transaction ends: two waves given the same new question at once add it once (PostgreSQL; SQLite
  // writes one at a time).
  await holdPlan(trx, planId);
  const before = await findWave(trx, planId, waveId);
  checkVersion('survey_waves', before, expectedVersion);
  const scoresBefore = await scoresOfWave(trx, waveId);
  const questions = await trx
    .selectFrom('survey_questions')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('position')
    .execute();
  const byKey = new Map(questions.map((q) => [questionKey(q.text), q]));
  const had = new Map(scoresBefore.map((s) => [questionKey(s.question), s]));
  let position = questions.length === 0 ? 0 : Math.max(...questions.map((q) => q.position)) + 1;
  const now = nowIso();
  let added = 0;
  let changed = 0;
  for (const score of scores) {
    const key = questionKey(score.question);
    let question = byKey.get(key);
    if (!question) {
      question = {
        id: newId(),
        plan_id: planId,
        text: score.question.trim().replace(/\s+/g, ' '),
        driver: (score.driver ?? '').trim(),
        theme_id: null,
        position: position++,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('survey_questions').values(question).execute();
      byKey.set(key, question);
    }
    const values = {
      score: score.score,
      responses: score.responses ?? null,
      comparator: score.comparator ?? null,
    };
    if (had.has(key)) {
      changed += 1;
      await trx
        .updateTable('survey_scores')
        .set(values)
        .where('wave_id', '=', waveId)
        .where('question_id', '=', question.id)
        .execute();
    } else {
      added += 1;
      had.set(key, { question: question.text, ...values });
      await trx
        .insertInto('survey_scores')
        .values({ wave_id: waveId, question_id: question.id, ...values })
        .execute();
    }
  }
  const version = await updateAtVersion(trx, 'survey_waves', waveId, expectedVersion, { updated_at: now });
  const wave: SurveyWaveRow = { ...before, version, updated_at: now };
  await recordChange(trx, actor, {
    recordType: 'survey_wave',
    recordId: waveId,
    planId,
    change: 'update',
    before: { ...before, scores: scoresBefore },
    after: { ...wave, scores: await scoresOfWave(trx, waveId), scoresAdded: added, scoresChanged: changed },
  });
  return { added, changed, wave };
}

export async function findQuestion(
  db: Reader,
  planId: string,
  questionId: string,
): Promise<SurveyQuestionRow> {
  const question = await db
    .selectFrom('survey_questions')
    .selectAll()
    .where('id', '=', questionId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!question) throw new NotFoundError('Survey question');
  return question;
}

/** Chooses the focus area a question measures (null for none); the focus area must be one of the plan's. */
export async function setQuestionTheme(
  trx: Trx,
  actor: Actor,
  planId: string,
  questionId: string,
  expectedVersion: number,
  themeId: string | null,
): Promise<SurveyQuestionRow> {
  const before = await findQuestion(trx, planId, questionId);
  checkVersion('survey_questions', before, expectedVersion);
  let themeTitle: string | null = null;
  if (themeId !== null) {
    const theme = await trx
      .selectFrom('themes')
      .select(['id', 'title'])
      .where('id', '=', themeId)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    if (!theme) throw new InvalidInputError({ themeId: 'Choose one of this plan’s focus areas' });
    themeTitle = theme.title;
  }
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'survey_questions', questionId, expectedVersion, {
    theme_id: themeId,
    updated_at: updatedAt,
  });
  const after: SurveyQuestionRow = { ...before, theme_id: themeId, version, updated_at: updatedAt };
  const beforeTitle = before.theme_id
    ? ((await trx.selectFrom('themes').select('title').where('id', '=', before.theme_id).executeTakeFirst())
        ?.title ?? null)
    : null;
  await recordChange(trx, actor, {
    recordType: 'survey_question',
    recordId: questionId,
    planId,
    change: 'update',
    before: { ...before, theme: beforeTitle },
    after: { ...after, theme: themeTitle },
  });
  return after;
}
