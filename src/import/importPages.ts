// The import pages: upload or paste, review what was understood (fixing column mappings), then save in one go.
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PendingImportRow, PlanRow } from '../db/schema.js';
import { parseTargetDate, unreadTargetTexts } from '../dates/targetDate.js';
import { describeTargetDate } from '../dates/ukDate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { managedPlanIds, planAccessFor } from '../people/planAccess.js';
import type { User } from '../people/users.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { formText, type FormBody } from '../web/forms.js';
import { importedNotice, withNotice } from '../web/notices.js';
import {
  draftCounts,
  draftFindings,
  notAPlan,
  nothingToSave,
  saveUnderstanding,
  understandFile,
  type UnderstoodFile,
} from './importFile.js';
import {
  cancelPendingImport,
  findPendingImport,
  pendingBytes,
  pendingColumns,
  setPendingColumns,
  startPendingImport,
  takePendingImport,
} from './pendingImports.js';
import { loadStoredPlan, mergeLines, mergeSummary, planOfSameTitle } from './mergeChanges.js';
import { sectionLabels, type DraftAction, type PlanDraft, type ReportSectionKey } from './planDraft.js';
import { ImportFileError, type ReadOptions } from './source.js';

type ReadLimits = Pick<ReadOptions, 'maxBytes' | 'maxExpandedBytes' | 'maxPartBytes'>;
import {
  columnFieldLabels,
  columnFields,
  isColumnField,
  recogniseHeader,
  type ColumnOverrides,
} from './understand/columns.js';
import type { RecognisedColumn } from './understand/understandDocument.js';

type IdParams = { id: string };

/** The name pasted text is stored and recorded under; it is read as text, as a .txt file is. */
const pastedFileName = 'Pasted text.txt';
/** More hand-made mappings than any real table has columns: a post with more is not from the form. */
const maxColumnChoices = 200;

/** The upload form's answer: a file or pasted text, or the problem that stopped it arriving. */
interface Upload {
  fileName: string;
  bytes: Buffer;
  pasted: string;
  sheet: string;
  /** No file was chosen, so the pasted text is what is read. */
  fromPaste: boolean;
  problem: 'too-large' | 'too-many-files' | 'broken' | null;
}

function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const megabytes = bytes / (1024 * 1024);
  return `${Number.isInteger(megabytes) ? megabytes : megabytes.toFixed(1)} MB`;
}

function uploadProblem(error: unknown): Upload['problem'] {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return 'too-large';
  if (code === 'FST_FILES_LIMIT') return 'too-many-files';
  return 'broken';
}

/**
 * The file's bytes, copied into one buffer (sized from the request's length) as they arrive, or null when it is over
 * the size limit. Gathering the pieces and joining them at the end would copy the whole file in one go on the event
 * loop, and eight large uploads ending together would hold every other request for each of those copies.
 */
async function fileBytes(part: MultipartFile, sizeHint: number): Promise<Buffer | null> {
  // Shared memory, so the import worker reads the file where it lies instead of from a copy (importWorkers.ts).
  const allocate = (size: number) => Buffer.from(new SharedArrayBuffer(size));
  let bytes = allocate(Math.min(Math.max(sizeHint, 64 * 1024), 64 * 1024 * 1024));
  let length = 0;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    // Past the limit busboy cuts the file short; what is left of the form is still read.
    if (part.file.truncated) continue;
    if (length + chunk.length > bytes.length) {
      const larger = allocate(Math.max(bytes.length * 2, length + chunk.length));
      bytes.copy(larger, 0, 0, length);
      bytes = larger;
    }
    chunk.copy(bytes, length);
    length += chunk.length;
  }
  return part.file.truncated ? null : bytes.subarray(0, length);
}

/** The one file or the pasted text of the upload form, with the size limit applied as the bytes arrive. */
async function readUpload(request: FastifyRequest): Promise<Upload> {
  const upload: Upload = {
    fileName: '',
    bytes: Buffer.alloc(0),
    pasted: '',
    sheet: '',
    fromPaste: false,
    problem: null,
  };
  try {
    // The CSRF check has read the form's first part, its token; the rest is the upload.
    for await (const part of request.formParts()) {
      if (part.type === 'file') {
        // A file over the limit is refused as it arrives; the fields after it are still read, to re-show them.
        const bytes = await fileBytes(part, Number(request.headers['content-length']) || 0);
        if (bytes === null) upload.problem = 'too-large';
        else if (part.filename && bytes.length > 0) {
          upload.fileName = part.filename.replace(/^.*[\\/]/, '').slice(0, 200);
          upload.bytes = bytes;
        }
      } else if (part.valueTruncated) upload.problem = 'too-large';
      else if (part.fieldname === 'pasted') upload.pasted = String(part.value ?? '');
      else if (part.fieldname === 'sheet')
        upload.sheet = String(part.value ?? '')
          .trim()
          .slice(0, 100);
    }
  } catch (error) {
    // A field refused by the text check at the edge (src/web/controlCharacters.ts) is answered as such.
    if (error instanceof InvalidInputError) throw error;
    upload.problem = uploadProblem(error);
    if (upload.problem === 'broken') request.log.info({ err: error }, 'upload refused as malformed');
  }
  if (!upload.fileName && upload.pasted.trim() !== '') {
    upload.fileName = pastedFileName;
    upload.fromPaste = true;
    upload.bytes = Buffer.from(upload.pasted, 'utf8');
  }
  return upload;
}

/** What the person is told when an upload cannot go to review, or null when it can. */
async function uploadRefusal(upload: Upload, limits: ReadLimits): Promise<string | null> {
  const maxBytes = limits.maxBytes;
  if (upload.problem === 'too-large')
    return `The file is larger than ${sizeText(maxBytes)}, the most Headway takes. Split it, or remove images and other sheets, and upload it again`;
  if (upload.problem === 'too-many-files') return 'Choose one file at a time';
  if (upload.problem === 'broken') return 'The upload did not arrive whole; choose the file and try again';
  if (upload.bytes.length === 0)
    return 'Choose a file or paste a table; the file chosen was empty or none was chosen';
  try {
    const understood = await understandFile({
      fileName: upload.fileName,
      bytes: upload.bytes,
      read: { ...limits, sheet: upload.sheet || undefined },
    });
    const refusal = notAPlan(understood, { pasted: upload.fromPaste });
    if (refusal) return upload.fromPaste ? refusal : `${upload.fileName}: ${refusal}`;
    return null;
  } catch (error) {
    if (error instanceof ImportFileError) return `${upload.fileName}: ${error.message}`;
    throw error;
  }
}

/** The field label a column's own header reads as, with no hand-made choice: the "as recognised" option. */
function recognisedLabel(column: RecognisedColumn, overrides: ColumnOverrides): string {
  const field = column.key in overrides ? recogniseHeader(column.header) : column.field;
  return field ? `As recognised: ${columnFieldLabels[field]}` : 'Not recognised: kept in the description';
}

function columnChoices(column: RecognisedColumn, overrides: ColumnOverrides) {
  const chosen = column.key in overrides ? (overrides[column.key] ?? 'ignore') : '';
  return [
    { value: '', text: recognisedLabel(column, overrides) },
    ...columnFields.map((field) => ({ value: field, text: columnFieldLabels[field] })),
    { value: 'ignore', text: 'Do not import' },
  ].map((item) => ({ ...item, selected: item.value === chosen }));
}

/** Actions under the theme they belong to, themes in the document's order; those with none come last. */
function actionsByTheme<A extends Pick<DraftAction, 'theme'>>(themeTitles: string[], actions: A[]) {
  const order = [...new Set([...themeTitles, ...actions.map((a) => a.theme ?? '')])];
  return order
    .map((theme) => ({ theme: theme || null, actions: actions.filter((a) => (a.theme ?? '') === theme) }))
    .filter((group) => group.actions.length > 0)
    .sort((a, b) => Number(a.theme === null) - Number(b.theme === null));
}

/** What the review page shows of an understanding: plain words, parsed dates described, counts. */
function reviewOf(understood: UnderstoodFile, overrides: ColumnOverrides) {
  const { draft } = understood;
  const actions = draft.actions.map((action) => ({
    ...action,
    targetRead: action.targetDate ? describeTargetDate(parseTargetDate(action.targetDate)) : '',
  }));
  return {
    ...draftCounts(draft),
    plan: draft.plan,
    sheets: understood.sheets,
    findings: draftFindings(draft),
    report: draft.report
      ? {
          ...draft.report,
          sections: Object.entries(draft.report.sections).map(([key, html]) => ({
            label: sectionLabels[key as ReportSectionKey] ?? key,
            text: richTextToPlain(html ?? ''),
          })),
        }
      : null,
    themes: draft.themes.map((theme) => ({
      ...theme,
      updates: theme.updates.map((u) => ({ ...u, text: richTextToPlain(u.body) })),
    })),
    actionGroups: actionsByTheme(
      draft.themes.map((t) => t.title),
      actions,
    ),
    owners: [
      ...new Set([...draft.actions.flatMap((a) => a.owners ?? []), ...draft.themes.map((t) => t.lead ?? '')]),
    ]
      .filter(Boolean)
      .sort((a, b) => a.localeCompare(b)),
    tables: understood.tables.map((table) => ({
      ...table,
      columns: table.columns
        .filter((column) => column.header.trim() !== '')
        .map((column) => ({ ...column, choices: columnChoices(column, overrides) })),
    })),
    warnings: understood.warnings,
    // Listed on their own: each is kept as written, and the user may want to correct it before a board sees it.
    unreadTargets: draft.actions.flatMap((action) =>
      unreadTargetTexts(action.targetDate, action.revisedTargetDate).map((text) => ({
        ref: action.ref ?? '',
        title: action.title,
        text,
      })),
    ),
  };
}

/** The mapping after a post of the columns form: "" clears a choice, "ignore" is "do not import". */
function columnsFromForm(body: FormBody | undefined, before: ColumnOverrides): ColumnOverrides {
  if (formText(body, 'reset')) return {};
  const columns: ColumnOverrides = { ...before };
  const posted = Object.entries(body ?? {}).filter(([name]) => name.startsWith('column:'));
  for (const [name, value] of posted.slice(0, maxColumnChoices)) {
    const key = name.slice('column:'.length).slice(0, 200);
    const chosen = Array.isArray(value) ? value.at(-1) : value;
    if (chosen === 'ignore') columns[key] = null;
    else if (isColumnField(chosen)) columns[key] = chosen;
    else delete columns[key];
  }
  return columns;
}

export async function importPages(app: FastifyInstance): Promise<void> {
  const maxBytes = app.config.importMaxBytes;
  const limits: ReadLimits = {
    maxBytes,
    maxExpandedBytes: app.config.importMaxExpandedBytes,
    maxPartBytes: app.config.importMaxPartBytes,
  };
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: maxBytes, parts: 12 },
  });

  const renderForm = (reply: FastifyReply, context: Record<string, unknown> = {}) =>
    reply.render('import/views/importForm.njk', {
      title: 'Import a plan',
      limit: sizeText(maxBytes),
      ...context,
    });

  const understandPending = (pending: PendingImportRow) =>
    understandFile({
      fileName: pending.file_name,
      bytes: pendingBytes(pending),
      read: { ...limits, sheet: pending.sheet ?? undefined },
      columns: pendingColumns(pending),
    });

  async function renderReview(
    reply: FastifyReply,
    pending: PendingImportRow,
    context: Record<string, unknown> = {},
  ) {
    const understood = await understandPending(pending);
    const plans = await mergeablePlans(app, reply.request.user);
    const existing = await storedPlanOfSameTitle(app, plans, understood.draft);
    return reply.render('import/views/review.njk', {
      title: 'Check what was understood',
      pending,
      review: reviewOf(understood, pendingColumns(pending)),
      plans,
      existing: existing && {
        title: existing.title,
        slug: existing.slug,
        ...mergeLines(mergeSummary(await loadStoredPlan(app.db.kysely, existing), understood.draft)),
      },
      breadcrumbs: [{ text: 'Import a plan', href: '/import' }],
      ...context,
    });
  }

  app.get('/import', { config: { access: 'create-plans' } }, async (_request, reply) => renderForm(reply));

  app.post('/import', { config: { access: 'create-plans' } }, async (request, reply) => {
    if (!request.isMultipart())
      return renderForm(reply.status(400), { errors: { file: 'Choose a file or paste a table' } });
    const upload = await readUpload(request);
    const refusal = await uploadRefusal(upload, limits);
    if (refusal)
      return renderForm(reply.status(400), {
        errors: { file: refusal },
        form: { sheet: upload.sheet, pasted: upload.pasted },
      });
    const id = await startPendingImport(app.db, {
      fileName: upload.fileName,
      bytes: upload.bytes,
      sheet: upload.sheet || null,
      actorName: request.actor.name,
      userId: request.user?.id ?? null,
    });
    return reply.redirect(`/import/${id}`, 303);
  });

  app.get<{ Params: IdParams }>(
    '/import/:id',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const pending = await findPendingImport(app.db, request.params.id, request.user?.id ?? null);
      try {
        return await renderReview(reply, pending);
      } catch (error) {
        // Only when the limit or the readers changed since the upload: the file cannot be reviewed any more.
        if (!(error instanceof ImportFileError)) throw error;
        await cancelPendingImport(app.db, pending.id, pending.user_id);
        return renderForm(reply.status(400), { errors: { file: `${pending.file_name}: ${error.message}` } });
      }
    },
  );

  app.post<{ Params: IdParams; Body: FormBody }>(
    '/import/:id/columns',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const pending = await findPendingImport(app.db, request.params.id, request.user?.id ?? null);
      await setPendingColumns(app.db, pending.id, columnsFromForm(request.body, pendingColumns(pending)));
      return reply.redirect(`/import/${pending.id}#columns`, 303);
    },
  );

  app.post<{ Params: IdParams; Body: FormBody }>(
    '/import/:id/save',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const pending = await findPendingImport(app.db, request.params.id, request.user?.id ?? null);
      // "existing" (the plan of the file's title, found again now), "new", or "merge:<slug>" for another plan.
      const chosen = formText(request.body, 'target') ?? 'new';
      const target = chosen === 'existing' ? 'existing' : chosen.startsWith('merge:') ? 'merge' : 'new';
      const understood = await understandPending(pending);
      const existing =
        target === 'existing'
          ? await storedPlanOfSameTitle(app, await mergeablePlans(app, request.user), understood.draft)
          : null;
      if (target === 'existing' && !existing)
        return renderReview(reply.status(400), pending, {
          errors: {
            target: `There is no plan called ‘${understood.draft.plan.title}’ to merge into any more; save it as a new plan, or choose another`,
          },
          form: { target: 'new' },
        });
      const into = existing?.slug ?? (target === 'merge' ? chosen.slice('merge:'.length) : null);
      const form = { target: target === 'new' ? 'new' : chosen };
      const refuse = (message: string) =>
        renderReview(reply.status(400), pending, { errors: { target: message }, form });
      if (into === '') return refuse('Choose the plan to merge into');
      if (into !== null && !(await planExists(app, into)))
        return refuse('That plan is no longer there; choose another, or create a new plan');
      if (into !== null && !(await managesPlan(app, request.user, into)))
        return refuse('You can merge only into a plan you manage; choose another, or create a new plan');

      const empty = nothingToSave(understood.draft);
      if (empty) return renderReview(reply.status(400), pending, { errors: { save: empty }, form });
      const saved = await app.db.kysely.transaction().execute(async (trx) => {
        await takePendingImport(trx, pending.id);
        return saveUnderstanding(trx, request.actor, understood, pending.file_name, into);
      });
      return reply.redirect(
        withNotice(`/plans/${saved.plan.slug}`, importedNotice(saved.counts, saved.created)),
        303,
      );
    },
  );

  app.post<{ Params: IdParams }>(
    '/import/:id/cancel',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      await cancelPendingImport(app.db, request.params.id, request.user?.id ?? null);
      return reply.redirect('/import', 303);
    },
  );
}

/** The plans this person may merge an import into: those they manage. */
async function mergeablePlans(app: FastifyInstance, user: User | null) {
  const managed = user ? await managedPlanIds(app.db, user) : new Set<string>();
  return app.db.kysely
    .selectFrom('plans')
    .select(['slug', 'title', 'updated_at'])
    .$if(managed !== 'all', (q) => q.where('id', 'in', [...(managed as Set<string>), '']))
    .orderBy('title')
    .execute();
}

/** The plan among these that the file most likely updates (planOfSameTitle), as stored now. */
async function storedPlanOfSameTitle(
  app: FastifyInstance,
  plans: { slug: string; title: string; updated_at: string }[],
  draft: PlanDraft,
): Promise<PlanRow | null> {
  const same = planOfSameTitle(plans, draft.plan.title);
  return same ? findPlanBySlug(app.db.kysely, same.slug) : null;
}

async function managesPlan(app: FastifyInstance, user: User | null, slug: string): Promise<boolean> {
  if (!user) return false;
  const plan = await findPlanBySlug(app.db.kysely, slug);
  return (await planAccessFor(app.db, user, plan.id)) === 'manager';
}

async function planExists(app: FastifyInstance, slug: string): Promise<boolean> {
  try {
    await findPlanBySlug(app.db.kysely, slug);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
