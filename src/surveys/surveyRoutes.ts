// /api/v1/plans/{slug}/surveys: a plan's staff survey results, each wave and each question's score in it, with the
// focus area a question measures and its change between the last two waves that scored it.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { responses, typed } from '../api/routeHelpers.js';
import { SlugParams } from '../api/schemas.js';
import { planSurveys, type PlanSurveys } from './surveyQueries.js';

const Figure = Type.Union([Type.Number(), Type.Null()]);

const SurveysSchema = Type.Object({
  waves: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      heldOn: Type.String({ format: 'date' }),
      responses: Type.Union([Type.Integer(), Type.Null()]),
      responseRate: Type.Union([Type.Number(), Type.Null()], { description: 'Per cent of those asked' }),
      version: Type.Integer(),
    }),
    { description: 'In date order' },
  ),
  questions: Type.Array(
    Type.Object({
      id: Type.String(),
      text: Type.String(),
      driver: Type.String({ description: 'The survey\'s own grouping; "" if none' }),
      themeId: Type.Union([Type.String(), Type.Null()], { description: 'The focus area it measures' }),
      version: Type.Integer(),
      scores: Type.Array(
        Type.Union([
          Type.Object({ waveId: Type.String(), score: Type.Number(), responses: Figure, comparator: Figure }),
          Type.Null(),
        ]),
        { description: "One a wave, in the waves' order; null where the wave did not ask it" },
      ),
      change: Type.Union([
        Type.Object({
          from: Type.Number(),
          to: Type.Number(),
          points: Type.Number(),
          sentence: Type.String({ description: '"Vision clarity: 54% → 61%, +7 points"' }),
        }),
        Type.Null(),
      ]),
    }),
  ),
});

function present(surveys: PlanSurveys): Static<typeof SurveysSchema> {
  return {
    waves: surveys.waves.map((wave) => ({
      id: wave.id,
      name: wave.name,
      heldOn: wave.held_on,
      responses: wave.responses === null ? null : Number(wave.responses),
      responseRate: wave.response_rate === null ? null : Number(wave.response_rate),
      version: wave.version,
    })),
    questions: surveys.questions.map(({ question, scores, change }) => ({
      id: question.id,
      text: question.text,
      driver: question.driver,
      themeId: question.theme_id,
      version: question.version,
      scores: scores.map((score, index) => (score ? { waveId: surveys.waves[index]!.id, ...score } : null)),
      change,
    })),
  };
}

export async function surveyRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  app.get(
    '/plans/:slug/surveys',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['surveys'],
        summary:
          "A plan's staff survey results: each wave, and each question's score in each with its change",
        params: SlugParams,
        response: responses(SurveysSchema),
      },
    },
    async (request) => present(await planSurveys(app.db.kysely, request.planAccess!.planId)),
  );
}
