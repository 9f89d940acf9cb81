// The import pages: upload or paste, review what was understood (fixing column mappings), then save in one go.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowIso } from '../db/migrations.js';
import type { PendingImportRow } from '../db/schema.js';
import { describeTargetDate } from '../dates/ukDate.js';
import { parseTargetDate } from '../dates/targetDate.js';
import { NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { formText, type FormBody } from '../web/forms.js';
import { withNotice } from '../web/notices.js';
import { draftCounts, saveImport, understandFile } from './importFile.js';
import { sectionLabels, type ReportSectionKey } from './planDraft.js';
import { ImportFileError } from './source.js';
import {
  columnFieldLabels,
  columnFields,
  isColumnField,
  type ColumnOverrides,
} from './understand/columns.js';
import type { Understanding } from './understand/understandDocument.js';

type IdParams = { id: string };
const dayInMs = 24 * 60 * 60 * 1000;

interface Upload {
  fileName: string;
  bytes: Buffer;
  sheet: string;
  tooLarge: boolean;
}

function sizeText(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** The one file or the pasted text of the upload form, read with the size limit applied as it arrives. */
async function readUpload(request: FastifyRequest): Promise<Upload> {
  const upload: Upload = { fileName: '', bytes: Buffer.alloc(0), sheet: '', tooLarge: false };
  let pasted = '';
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer().catch((error: { code?: string }) => {
          if (error.code === 'FST_REQ_FILE_TOO_LARGE') return null;
          throw error;
        });
        if (bytes === null) upload.tooLarge = true;
        else if (part.filename && bytes.length > 0) {
          upload.fileName = part.filename.replace(/^.*[\\/]/, '').slice(0, 200);
          upload.bytes = bytes;
        }
      } else if (part.fieldname === 'pasted') pasted = String(part.value ?? '');
      else if (part.fieldname === 'sheet')
        upload.sheet = String(part.value ?? '')
          .trim()
          .slice(0, 100);
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
    upload.tooLarge = true;
  }
  if (!upload.fileName && !upload.tooLarge && pasted.trim() !== '') {
    upload.fileName = 'Pasted text.txt';
    upload.bytes = Buffer.from(pasted, 'utf8');
  }
  return upload;
}

function overridesOf(pending: PendingImportRow): ColumnOverrides {
  try {
    const parsed: unknown = JSON.parse(pending.columns_json);
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter(
        ([, field]) => field === null || isColumnField(field),
      ),
    ) as ColumnOverrides;
  } catch {
    return {};
  }
}

/** What the review page shows of an understanding: plain words, parsed dates described, counts. */
function reviewOf(understanding: Understanding, overrides: ColumnOverrides) {
  const { draft } = understanding;
  return {
    ...draftCounts(draft),
    plan: draft.plan,
    report: draft.report
      ? {
          ...draft.report,
          sections: Object.entries(draft.report.sections).map(([key, html]) => ({
            key,
            label: sectionLabels[key as ReportSectionKey] ?? key,
            text: richTextToPlain(html ?? ''),
          })),
        }
      : null,
    themes: draft.themes.map((theme) => ({
      ...theme,
      updates: theme.updates.map((u) => ({ ...u, text: richTextToPlain(u.body) })),
    })),
    actions: draft.actions.map((action) => ({
      ...action,
      targetRead: action.targetDate ? describeTargetDate(parseTargetDate(action.targetDate)) : '',
    })),
    owners: [
      ...new Set(draft.actions.flatMap((a) => a.owners ?? []).concat(draft.themes.map((t) => t.lead ?? ''))),
    ]
      .filter(Boolean)
      .sort((a, b) => a.localeCompare(b)),
    tables: understanding.tables.map((table) => ({
      ...table,
      columns: table.columns.map((column) => ({
        ...column,
        chosen: column.key in overrides ? (overrides[column.key] ?? 'ignore') : '',
        fieldLabel: column.field ? columnFieldLabels[column.field] : null,
      })),
    })),
    warnings: understanding.warnings,
  };
}

const fieldChoices = columnFields.map((field) => ({ value: field, text: columnFieldLabels[field] }));

export async function importPages(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    limits: {
      fileSize: app.config.importMaxBytes,
      files: 1,
      fields: 10,
      fieldSize: app.config.importMaxBytes,
    },
  });

  const renderForm = (reply: FastifyReply, context: Record<string, unknown> = {}) =>
    reply.render('import/views/importForm.njk', {
      title: 'Import a plan',
      limit: sizeText(app.config.importMaxBytes),
      ...context,
    });

  async function findPending(id: string): Promise<PendingImportRow> {
    const pending = await app.db.kysely
      .selectFrom('pending_imports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!pending) throw new NotFoundError('This import (it may have been saved or cancelled already)');
    return pending;
  }

  async function understandPending(pending: PendingImportRow) {
    return understandFile({
      fileName: pending.file_name,
      bytes: Buffer.from(pending.content_base64, 'base64'),
      read: { maxBytes: app.config.importMaxBytes, sheet: pending.sheet ?? undefined },
      columns: overridesOf(pending),
    });
  }

  app.get('/import', async (_request, reply) => renderForm(reply));

  app.post('/import', async (request, reply) => {
    if (!request.isMultipart())
      return renderForm(reply.status(400), { errors: { file: 'Choose a file or paste a table' } });
    const upload = await readUpload(request);
    const fail = (message: string) =>
      renderForm(reply.status(400), { errors: { file: message }, form: { sheet: upload.sheet } });
    if (upload.tooLarge)
      return fail(`The file is larger than ${sizeText(app.config.importMaxBytes)}, the most Headway takes`);
    if (upload.bytes.length === 0)
      return fail('Choose a file or paste a table; the file chosen was empty or none was chosen');
    try {
      await understandFile({
        fileName: upload.fileName,
        bytes: upload.bytes,
        read: { maxBytes: app.config.importMaxBytes, sheet: upload.sheet || undefined },
      });
    } catch (error) {
      if (error instanceof ImportFileError) return fail(`${upload.fileName}: ${error.message}`);
      throw error;
    }
    const id = newId();
    await app.db.kysely.transaction().execute(async (trx) => {
      // Files left in review for a day are abandoned; they go when the next import starts.
      await trx
        .deleteFrom('pending_imports')
        .where('created_at', '<', new Date(Date.now() - dayInMs).toISOString())
        .execute();
      await trx
        .insertInto('pending_imports')
        .values({
          id,
          file_name: upload.fileName,
          content_base64: upload.bytes.toString('base64'),
          byte_size: upload.bytes.length,
          sheet: upload.sheet || null,
          columns_json: '{}',
          actor: request.actor.name,
          created_at: nowIso(),
        })
        .execute();
    });
    return reply.redirect(`/import/${id}`, 303);
  });

  app.get<{ Params: IdParams }>('/import/:id', async (request, reply) => {
    const pending = await findPending(request.params.id);
    const understanding = await understandPending(pending);
    const plans = await app.db.kysely
      .selectFrom('plans')
      .select(['slug', 'title'])
      .orderBy('title')
      .execute();
    return reply.render('import/views/review.njk', {
      title: 'Check what was understood',
      pending,
      review: reviewOf(understanding, overridesOf(pending)),
      fieldChoices,
      plans,
      breadcrumbs: [{ text: 'Import a plan', href: '/import' }],
    });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/import/:id/columns', async (request, reply) => {
    const pending = await findPending(request.params.id);
    const overrides: ColumnOverrides = { ...overridesOf(pending) };
    for (const [name, value] of Object.entries(request.body ?? {})) {
      if (!name.startsWith('column:')) continue;
      const key = name.slice('column:'.length).slice(0, 200);
      const chosen = Array.isArray(value) ? value.at(-1) : value;
      if (chosen === 'ignore') overrides[key] = null;
      else if (isColumnField(chosen)) overrides[key] = chosen;
      else delete overrides[key];
    }
    await app.db.kysely
      .updateTable('pending_imports')
      .set({ columns_json: JSON.stringify(overrides) })
      .where('id', '=', pending.id)
      .execute();
    return reply.redirect(`/import/${pending.id}#columns`, 303);
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/import/:id/save', async (request, reply) => {
    const pending = await findPending(request.params.id);
    const understanding = await understandPending(pending);
    const target = formText(request.body, 'target') === 'merge' ? 'merge' : 'new';
    const into = target === 'merge' ? (formText(request.body, 'into') ?? '') : null;
    if (target === 'merge' && !into) {
      const plans = await app.db.kysely
        .selectFrom('plans')
        .select(['slug', 'title'])
        .orderBy('title')
        .execute();
      return reply.status(400).render('import/views/review.njk', {
        title: 'Check what was understood',
        pending,
        review: reviewOf(understanding, overridesOf(pending)),
        fieldChoices,
        plans,
        errors: { into: 'Choose the plan to merge into' },
        form: { target },
      });
    }
    const saved = await saveImport(app.db, request.actor, understanding, pending.file_name, into);
    await app.db.kysely.deleteFrom('pending_imports').where('id', '=', pending.id).execute();
    const changed =
      Object.values(saved.counts).some((n) => typeof n === 'number' && n > 0) ||
      saved.counts.report === 'created' ||
      saved.counts.report === 'changed';
    return reply.redirect(
      withNotice(`/plans/${saved.plan.slug}`, changed ? 'imported' : 'import-unchanged'),
      303,
    );
  });

  app.post<{ Params: IdParams }>('/import/:id/cancel', async (request, reply) => {
    await app.db.kysely.deleteFrom('pending_imports').where('id', '=', request.params.id).execute();
    return reply.redirect('/import', 303);
  });
}
