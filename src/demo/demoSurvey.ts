// A sample plan's staff survey as a small table (its waves, and each question's score in each), and how it is loaded
// through the same commands as a survey typed in: each wave added, its scores saved, each question marked for its
// focus area.
import type { Actor, Trx } from '../history/recordChange.js';
import { createWave, questionKey, saveScores, setQuestionTheme } from '../surveys/surveyCommands.js';

export interface DemoSurveyWave {
  name: string;
  /** ISO date. */
  heldOn: string;
  responses: number;
  /** Per cent. */
  responseRate: number;
}

export interface DemoSurveyQuestion {
  question: string;
  driver: string;
  /** The title of the plan's focus area the question measures, or null for none. */
  focusArea: string | null;
  /** Per cent positive, one for each wave in the waves' order. */
  scores: number[];
}

export interface DemoSurvey {
  /** In date order. */
  waves: DemoSurveyWave[];
  questions: DemoSurveyQuestion[];
}

/** Adds the survey's waves and scores to the plan, in the caller's transaction. */
export async function addDemoSurvey(
  trx: Trx,
  actor: Actor,
  planId: string,
  survey: DemoSurvey,
): Promise<void> {
  for (const [index, wave] of survey.waves.entries()) {
    const created = await createWave(trx, actor, planId, wave);
    const scores = survey.questions.map(({ question, driver, scores }) => ({
      question,
      driver,
      score: scoreOf(question, scores, index),
    }));
    await saveScores(trx, actor, planId, created.id, created.version, scores);
  }
  const marked = survey.questions.filter((question) => question.focusArea !== null);
  if (marked.length === 0) return;
  const [themes, questions] = await Promise.all([
    trx.selectFrom('themes').select(['id', 'title']).where('plan_id', '=', planId).execute(),
    trx.selectFrom('survey_questions').selectAll().where('plan_id', '=', planId).execute(),
  ]);
  for (const { question, focusArea } of marked) {
    const theme = themes.find((t) => t.title === focusArea);
    if (!theme)
      throw new Error(
        `The demo survey's question "${question}" names no focus area of the plan: ${focusArea}`,
      );
    const row = questions.find((q) => questionKey(q.text) === questionKey(question))!;
    await setQuestionTheme(trx, actor, planId, row.id, row.version, theme.id);
  }
}

function scoreOf(question: string, scores: number[], wave: number): number {
  const score = scores[wave];
  // A mistake in the sample's table, not in anything a person typed: it should stop the load loudly.
  if (score === undefined)
    throw new Error(`The demo survey's question "${question}" has no score for wave ${wave + 1}`);
  return score;
}
