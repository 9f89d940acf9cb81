// A plan's survey results as people read them: the waves in date order, each question's score in each, and the change
// between the last two waves that scored it, in words ("Vision clarity: 54% → 61%, +7 points").
import type { SurveyQuestionRow, SurveyWaveRow } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';

export interface QuestionResults {
  question: SurveyQuestionRow;
  /** The score in each wave, in the waves' order; null where the wave did not ask it. */
  scores: ({ score: number; responses: number | null; comparator: number | null } | null)[];
  /** Between the last two waves that scored it; null with fewer than two. */
  change: { from: number; to: number; points: number; sentence: string } | null;
}

export interface PlanSurveys {
  waves: SurveyWaveRow[];
  questions: QuestionResults[];
}

/** 61 → "61%", 61.5 → "61.5%". */
export function perCent(value: number): string {
  return `${Number.isInteger(value) ? value : Math.round(value * 10) / 10}%`;
}

/** "+7 points", "−3 points", "no change", "+1 point". */
export function pointsText(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return 'no change';
  const size = Math.abs(rounded);
  return `${rounded > 0 ? '+' : '−'}${size} ${size === 1 ? 'point' : 'points'}`;
}

function changeOf(question: SurveyQuestionRow, scores: QuestionResults['scores']): QuestionResults['change'] {
  const given = scores.filter((s): s is NonNullable<typeof s> => s !== null);
  if (given.length < 2) return null;
  const from = given.at(-2)!.score;
  const to = given.at(-1)!.score;
  const points = Math.round((to - from) * 10) / 10;
  return {
    from,
    to,
    points,
    sentence: `${question.text}: ${perCent(from)} → ${perCent(to)}, ${pointsText(points)}`,
  };
}

export async function planSurveys(db: Reader, planId: string): Promise<PlanSurveys> {
  const [waves, questions, scores] = await Promise.all([
    db
      .selectFrom('survey_waves')
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('held_on')
      .orderBy('created_at')
      .execute(),
    db.selectFrom('survey_questions').selectAll().where('plan_id', '=', planId).orderBy('position').execute(),
    db
      .selectFrom('survey_scores')
      .innerJoin('survey_waves', 'survey_waves.id', 'survey_scores.wave_id')
      .select([
        'survey_scores.wave_id',
        'survey_scores.question_id',
        'survey_scores.score',
        'survey_scores.responses',
        'survey_scores.comparator',
      ])
      .where('survey_waves.plan_id', '=', planId)
      .execute(),
  ]);
  const byPair = new Map(scores.map((s) => [`${s.wave_id} ${s.question_id}`, s]));
  return {
    waves,
    questions: questions.map((question) => {
      const series = waves.map((wave) => {
        const found = byPair.get(`${wave.id} ${question.id}`);
        return found
          ? {
              score: Number(found.score),
              responses: found.responses === null ? null : Number(found.responses),
              comparator: found.comparator === null ? null : Number(found.comparator),
            }
          : null;
      });
      return { question, scores: series, change: changeOf(question, series) };
    }),
  };
}

/** The change on each question marked for a focus area, by focus area id: what its page and the report say. */
export function changesByTheme(surveys: PlanSurveys): Map<string, QuestionResults[]> {
  const byTheme = new Map<string, QuestionResults[]>();
  for (const result of surveys.questions) {
    if (!result.question.theme_id) continue;
    const list = byTheme.get(result.question.theme_id) ?? [];
    list.push(result);
    byTheme.set(result.question.theme_id, list);
  }
  return byTheme;
}

/**
 * The survey's story in sentences for a board paper: each question marked for a focus area that two waves scored,
 * "Vision clarity: 54% → 61%, +7 points (Leadership)", in the focus areas' order.
 */
export function surveyChangeLines(surveys: PlanSurveys, themes: { id: string; title: string }[]): string[] {
  const byTheme = changesByTheme(surveys);
  return themes.flatMap((theme) =>
    (byTheme.get(theme.id) ?? []).flatMap((result) =>
      result.change ? [`${result.change.sentence} (${theme.title})`] : [],
    ),
  );
}
