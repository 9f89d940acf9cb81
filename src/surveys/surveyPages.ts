// The pages for a plan's staff surveys: the results across waves with each question's change, a wave with its
// scores, the forms to add, edit and delete a wave, to bring in its scores (a file, a pasted table, or one typed), and
// to choose the focus area a question measures.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlanRow, SurveyWaveRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { readSource } from '../import/read/readSource.js';
import { ImportFileError } from '../import/source.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { conflictFields } from '../plans/planPages.js';
import { FieldChecks } from '../validation.js';
import { dateFieldValues, linkDateErrors, readDateField } from '../web/dateFields.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { unchangedForm } from '../web/unchangedForm.js';
import { readScores } from './readScores.js';
import {
  createWave,
  deleteWave,
  findQuestion,
  findWave,
  readFigure,
  saveScores,
  setQuestionTheme,
  updateWave,
  waveProblems,
  type ScoreInput,
  type WaveInput,
} from './surveyCommands.js';
import { perCent, planSurveys } from './surveyQueries.js';

type WaveParams = { slug: string; waveId: string };

/** Largest scores file taken: a survey's results are a few hundred rows. */
const maxScoresBytes = 5 * 1024 * 1024;
const pastedName = 'Pasted table.txt';

function waveInputFrom(body: FormBody): WaveInput {
  const heldOn = readDateField(body, 'heldOn', { label: 'date of the survey', required: true });
  const input = {
    name: formText(body, 'name'),
    responses: formText(body, 'responses') ?? '',
    responseRate: formText(body, 'responseRate') ?? '',
  };
  // A date that cannot be read is said with everything else wrong in the form, not alone.
  if (!heldOn.ok) throw new InvalidInputError({ ...waveProblems(input), [heldOn.field]: heldOn.message });
  return { ...input, heldOn: heldOn.iso ?? '' };
}

/** A command's complaint about the date goes under its day field, where the error summary's link lands. */
const linkedErrors = (errors: Record<string, string>) => linkDateErrors(errors, ['heldOn']);

function waveForm(wave: SurveyWaveRow) {
  return {
    name: wave.name,
    ...dateFieldValues('heldOn', wave.held_on),
    responses: wave.responses === null ? '' : String(wave.responses),
    responseRate: wave.response_rate === null ? '' : String(wave.response_rate),
    version: String(wave.version),
  };
}

const waveLabels: Record<string, string> = {
  name: 'Name',
  'heldOn-day': 'Day',
  'heldOn-month': 'Month',
  'heldOn-year': 'Year',
  responses: 'Responses',
  responseRate: 'Response rate',
};

interface ScoresUpload {
  fileName: string;
  bytes: Buffer;
  fields: Record<string, string>;
  tooLarge: boolean;
}

/** The scores form: a file or a pasted table, with its version; a file over the limit is marked, not kept. */
async function readScoresUpload(request: FastifyRequest): Promise<ScoresUpload> {
  const upload: ScoresUpload = { fileName: '', bytes: Buffer.alloc(0), fields: {}, tooLarge: false };
  // The CSRF check has read the form's first part, its token; the rest is the upload.
  for await (const part of request.formParts()) {
    if (part.type === 'file') {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) chunks.push(chunk);
      if (part.file.truncated) upload.tooLarge = true;
      else if (part.filename && chunks.length > 0) {
        upload.fileName = part.filename.replace(/^.*[\\/]/, '').slice(0, 200);
        upload.bytes = Buffer.concat(chunks);
      }
    } else if (part.valueTruncated) upload.tooLarge = true;
    else upload.fields[part.fieldname] = String(part.value ?? '');
  }
  const pasted = upload.fields.pasted ?? '';
  if (upload.bytes.length === 0 && pasted.trim() !== '') {
    upload.fileName = pastedName;
    upload.bytes = Buffer.from(pasted, 'utf8');
  }
  return upload;
}

/** The one score a person types: the question, its driver, the score and, if known, the responses and comparator. */
function typedScore(body: FormBody): ScoreInput {
  const checks = new FieldChecks();
  const question = checks.text('question', 'the question', formText(body, 'question'), { required: true });
  const score = readFigure(checks, 'score', 'The score', formText(body, 'score'), { max: 100 });
  if (score === null && !checks.errors.score)
    checks.fail('score', 'Enter the score, a per cent from 0 to 100');
  const responses = readFigure(checks, 'responses', 'The number of responses', formText(body, 'responses'), {
    whole: true,
  });
  const comparator = readFigure(checks, 'comparator', 'The comparator', formText(body, 'comparator'), {
    max: 100,
  });
  checks.done();
  return { question, driver: formText(body, 'driver') ?? '', score: score!, responses, comparator };
}

export async function surveyPages(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: maxScoresBytes, files: 1, fields: 6, fieldSize: maxScoresBytes, parts: 8 },
  });

  const crumbs = (plan: PlanRow, withList = true) => [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
    ...(withList ? [{ text: 'Staff survey', href: `/plans/${plan.slug}/surveys` }] : []),
  ];

  function renderForm(reply: FastifyReply, plan: PlanRow, context: Record<string, unknown>) {
    return reply.render('surveys/views/waveForm.njk', {
      plan,
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      ...context,
    });
  }

  async function renderWave(
    reply: FastifyReply,
    plan: PlanRow,
    waveId: string,
    context: Record<string, unknown> = {},
  ) {
    const wave = await findWave(app.db.kysely, plan.id, waveId);
    const surveys = await planSurveys(app.db.kysely, plan.id);
    const index = surveys.waves.findIndex((w) => w.id === wave.id);
    const rows = surveys.questions.flatMap((result) => {
      const here = result.scores[index];
      if (!here) return [];
      const earlier = result.scores
        .slice(0, index)
        .filter((s) => s !== null)
        .at(-1);
      return [{ question: result.question, ...here, previous: earlier?.score ?? null }];
    });
    return reply.render('surveys/views/wave.njk', {
      title: wave.name,
      plan,
      wave,
      rows,
      perCent,
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      scoresLimit: `${maxScoresBytes / (1024 * 1024)} MB`,
      ...context,
    });
  }

  app.get<{ Params: { slug: string }; Querystring: { notice?: string } }>(
    '/plans/:slug/surveys',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const surveys = await planSurveys(app.db.kysely, plan.id);
      const themes = await app.db.kysely
        .selectFrom('themes')
        .select(['id', 'title'])
        .where('plan_id', '=', plan.id)
        .execute();
      // The last four waves side by side: more would not fit a page, and the change is between the last two.
      const shownWaves = surveys.waves.slice(-4);
      const from = surveys.waves.length - shownWaves.length;
      return reply.render('surveys/views/surveys.njk', {
        title: 'Staff survey',
        plan,
        waves: surveys.waves,
        shownWaves,
        questions: surveys.questions.map((result) => ({ ...result, shown: result.scores.slice(from) })),
        themeTitles: Object.fromEntries(themes.map((t) => [t.id, t.title])),
        perCent,
        marking: plan.marking,
        notice: noticeText(request.query.notice),
        breadcrumbs: crumbs(plan, false),
      });
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/plans/:slug/surveys/new',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderForm(reply, plan, {
        title: 'Add a survey',
        form: {},
        action: `/plans/${plan.slug}/surveys`,
        cancel: `/plans/${plan.slug}/surveys`,
      });
    },
  );

  app.post<{ Params: { slug: string }; Body: FormBody }>(
    '/plans/:slug/surveys',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        const wave = await inTransaction(app.db, (trx) =>
          createWave(trx, request.actor, plan.id, waveInputFrom(request.body)),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/surveys/${wave.id}`, 'survey-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderForm(reply.status(400), plan, {
          title: 'Add a survey',
          form: request.body,
          errors: linkedErrors(error.fieldErrors),
          action: `/plans/${plan.slug}/surveys`,
          cancel: `/plans/${plan.slug}/surveys`,
        });
      }
    },
  );

  app.get<{ Params: WaveParams; Querystring: { notice?: string } }>(
    '/plans/:slug/surveys/:waveId',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderWave(reply, plan, request.params.waveId, { notice: noticeText(request.query.notice) });
    },
  );

  app.get<{ Params: WaveParams }>(
    '/plans/:slug/surveys/:waveId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const wave = await findWave(app.db.kysely, plan.id, request.params.waveId);
      return renderForm(reply, plan, {
        title: `Edit ${wave.name}`,
        form: waveForm(wave),
        action: `/plans/${plan.slug}/surveys/${wave.id}/edit`,
        cancel: `/plans/${plan.slug}/surveys/${wave.id}`,
      });
    },
  );

  app.post<{ Params: WaveParams; Body: FormBody }>(
    '/plans/:slug/surveys/:waveId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const stored = await findWave(app.db.kysely, plan.id, request.params.waveId);
      const path = `/plans/${plan.slug}/surveys/${stored.id}`;
      const context = { title: `Edit ${stored.name}`, action: `${path}/edit`, cancel: path };
      if (formVersion(request.body) === stored.version && unchangedForm(waveForm(stored), request.body))
        return reply.redirect(withNotice(path, 'no-changes'), 303);
      try {
        await inTransaction(app.db, (trx) =>
          updateWave(
            trx,
            request.actor,
            plan.id,
            stored.id,
            formVersion(request.body),
            waveInputFrom(request.body),
          ),
        );
        return reply.redirect(withNotice(path, 'survey-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderForm(reply.status(400), plan, {
            ...context,
            form: request.body,
            errors: linkedErrors(error.fieldErrors),
          });
        if (error instanceof ConflictError) {
          const saved = waveForm(await findWave(app.db.kysely, plan.id, stored.id));
          return renderForm(reply.status(409), plan, {
            ...context,
            form: { ...request.body, version: saved.version },
            conflict: { saved, fields: conflictFields(saved, request.body, waveLabels) },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: WaveParams }>(
    '/plans/:slug/surveys/:waveId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const wave = await findWave(app.db.kysely, plan.id, request.params.waveId);
      return reply.render('surveys/views/waveDelete.njk', {
        title: `Delete ${wave.name}`,
        plan,
        wave,
        marking: plan.marking,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: WaveParams; Body: FormBody }>(
    '/plans/:slug/surveys/:waveId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const wave = await findWave(app.db.kysely, plan.id, request.params.waveId);
      if (formText(request.body, 'confirm') !== 'yes')
        return reply.redirect(`/plans/${plan.slug}/surveys/${wave.id}`, 303);
      await inTransaction(app.db, (trx) => deleteWave(trx, request.actor, plan.id, wave.id));
      return reply.redirect(withNotice(`/plans/${plan.slug}/surveys`, 'survey-deleted'), 303);
    },
  );

  // Scores from a file or a pasted table: every readable row is saved; rows that cannot be read are listed, and
  // nothing is saved when no row can be.
  app.post<{ Params: WaveParams }>(
    '/plans/:slug/surveys/:waveId/scores',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const wave = await findWave(app.db.kysely, plan.id, request.params.waveId);
      const refuse = (message: string, pasted = '') =>
        renderWave(reply.status(400), plan, wave.id, { errors: { file: message }, pasted });
      if (!request.isMultipart()) return refuse('Choose a file or paste a table of scores');
      const upload = await readScoresUpload(request);
      if (upload.tooLarge)
        return refuse(
          `The file is larger than ${maxScoresBytes / (1024 * 1024)} MB, the most a scores file can be`,
        );
      if (upload.bytes.length === 0)
        return refuse(
          'Choose a file or paste a table of scores; the file chosen was empty or none was chosen',
        );
      let read;
      try {
        read = readScores(await readSource(upload.fileName, upload.bytes, { maxBytes: maxScoresBytes }));
      } catch (error) {
        if (!(error instanceof ImportFileError) && !(error instanceof Error)) throw error;
        const where = upload.fileName === pastedName ? 'The pasted table' : upload.fileName;
        return refuse(`${where}: ${error.message.replace(/^The file /, 'it ')}`, upload.fields.pasted ?? '');
      }
      if (read.scores.length === 0)
        return refuse(
          `No score could be read. ${read.problems.slice(0, 5).join('. ')}`.trim(),
          upload.fields.pasted ?? '',
        );
      try {
        const saved = await inTransaction(app.db, (trx) =>
          saveScores(trx, request.actor, plan.id, wave.id, Number(upload.fields.version), read.scores),
        );
        return renderWave(reply, plan, wave.id, {
          saved: { ...saved, problems: read.problems, fileName: upload.fileName },
        });
      } catch (error) {
        if (error instanceof ConflictError)
          return renderWave(reply.status(409), plan, wave.id, {
            errors: {
              file: 'Someone else changed this survey while you were choosing the file: check it and try again',
            },
          });
        if (error instanceof InvalidInputError)
          return refuse(Object.values(error.fieldErrors).join('. '), upload.fields.pasted ?? '');
        throw error;
      }
    },
  );

  app.post<{ Params: WaveParams; Body: FormBody }>(
    '/plans/:slug/surveys/:waveId/score',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const wave = await findWave(app.db.kysely, plan.id, request.params.waveId);
      try {
        const score = typedScore(request.body);
        await inTransaction(app.db, (trx) =>
          saveScores(trx, request.actor, plan.id, wave.id, formVersion(request.body), [score]),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/surveys/${wave.id}`, 'score-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderWave(reply.status(400), plan, wave.id, {
            typed: request.body,
            typedErrors: error.fieldErrors,
          });
        if (error instanceof ConflictError)
          return renderWave(reply.status(409), plan, wave.id, {
            typed: request.body,
            typedErrors: {
              question: 'Someone else changed this survey’s scores meanwhile: check them and save again',
            },
          });
        throw error;
      }
    },
  );

  const renderQuestion = async (
    reply: FastifyReply,
    plan: PlanRow,
    questionId: string,
    context: Record<string, unknown> = {},
  ) => {
    const question = await findQuestion(app.db.kysely, plan.id, questionId);
    const themes = await app.db.kysely
      .selectFrom('themes')
      .select(['id', 'title'])
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .execute();
    return reply.render('surveys/views/question.njk', {
      title: 'Which focus area does this question measure?',
      plan,
      question,
      items: [
        ...themes.map((t) => ({ value: t.id, text: t.title })),
        { divider: 'or' },
        { value: 'none', text: 'None of them' },
      ],
      chosen: question.theme_id ?? 'none',
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      ...context,
    });
  };

  app.get<{ Params: { slug: string; questionId: string } }>(
    '/plans/:slug/surveys/questions/:questionId',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderQuestion(reply, plan, request.params.questionId);
    },
  );

  app.post<{ Params: { slug: string; questionId: string }; Body: FormBody }>(
    '/plans/:slug/surveys/questions/:questionId',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const chosen = formText(request.body, 'themeId') ?? '';
      if (chosen === '')
        return renderQuestion(reply.status(400), plan, request.params.questionId, {
          errors: { themeId: 'Choose a focus area, or None of them' },
        });
      try {
        await inTransaction(app.db, (trx) =>
          setQuestionTheme(
            trx,
            request.actor,
            plan.id,
            request.params.questionId,
            formVersion(request.body),
            chosen === 'none' ? null : chosen,
          ),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/surveys`, 'question-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderQuestion(reply.status(400), plan, request.params.questionId, {
            errors: error.fieldErrors,
          });
        if (error instanceof ConflictError)
          return renderQuestion(reply.status(409), plan, request.params.questionId, {
            errors: {
              themeId: 'Someone else changed this question meanwhile: check the focus area and save again',
            },
          });
        throw error;
      }
    },
  );
}
