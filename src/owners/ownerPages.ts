// The owners directory pages: list with filters, one owner's actions and themes, add, edit, merge and delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OwnerKind, OwnerRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { isOverdue } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import { ConflictError, ForbiddenError, InvalidInputError } from '../errors.js';
import { conflictFields } from '../plans/planPages.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { pageNumber, paginationLinks } from '../web/pagination.js';
import { assertMayChangeOwner, type OwnerChangeVerb } from './ownerAccess.js';
import {
  createOwner,
  deleteOwner,
  mergeOwner,
  ownerKinds,
  updateOwner,
  type OwnerInput,
} from './ownerCommands.js';
import { listOwners, ownerWithWork } from './ownerQueries.js';
import { permissionsFor, readablePlans } from '../web/access.js';

type OwnerParams = { ownerId: string };
const pageSize = 50;

function ownerInputFrom(body: FormBody): OwnerInput {
  return {
    name: formText(body, 'name'),
    kind: (formText(body, 'kind') ?? '') as OwnerInput['kind'],
    email: formText(body, 'email'),
  };
}

function ownerForm(owner: OwnerRow): Record<string, string> {
  return { name: owner.name, kind: owner.kind, email: owner.email, version: String(owner.version) };
}

const ownerLabels: Record<string, string> = { name: 'Name', kind: 'Person or team', email: 'E-mail address' };

function renderOwnerForm(reply: FastifyReply, context: Record<string, unknown>) {
  return reply.render('owners/views/ownerForm.njk', {
    ownerKinds,
    breadcrumbs: [{ text: 'Owners', href: '/owners' }],
    ...context,
  });
}

export async function ownerPages(app: FastifyInstance): Promise<void> {
  /** The owner an address names, with their work in the plans this user may read. */
  const ownerFor = async (request: FastifyRequest<{ Params: OwnerParams }>) =>
    ownerWithWork(app.db.kysely, request.params.ownerId, await readablePlans(request));

  /** Refuses the form at once, rather than after it is filled in, when this user may not make the change. */
  const mayChange = (request: FastifyRequest, owner: OwnerRow, verb: OwnerChangeVerb) =>
    assertMayChangeOwner(app.db.kysely, request.actor, owner, verb);

  /** The confirmation pages for deleting and merging, shown again after a refusal with what stands now. */
  const renderConfirm = async (
    request: FastifyRequest<{ Params: OwnerParams }>,
    reply: FastifyReply,
    view: 'ownerDelete' | 'ownerMerge',
    context: Record<string, unknown> = {},
  ) => {
    const { owner, actions, themes } = await ownerFor(request);
    const others =
      view === 'ownerMerge'
        ? (await listOwners(app.db.kysely, {}, await readablePlans(request))).filter((o) => o.id !== owner.id)
        : [];
    return reply.render(`owners/views/${view}.njk`, {
      title: view === 'ownerDelete' ? `Delete ${owner.name}` : `Merge ${owner.name} into another owner`,
      owner,
      actions,
      themes,
      others,
      form: {},
      breadcrumbs: [
        { text: 'Owners', href: '/owners' },
        { text: owner.name, href: `/owners/${owner.id}` },
      ],
      ...context,
    });
  };

  app.get<{ Querystring: { q?: string; kind?: string; page?: string; notice?: string } }>(
    '/owners',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      const kind = (ownerKinds as readonly string[]).includes(request.query.kind ?? '')
        ? (request.query.kind as OwnerKind)
        : undefined;
      const all = await listOwners(app.db.kysely, { q: q || undefined, kind }, await readablePlans(request));
      const page = pageNumber(request.query.page, all.length, pageSize);
      return reply.render('owners/views/ownerList.njk', {
        title: 'Owners',
        owners: all.slice((page - 1) * pageSize, page * pageSize),
        total: all.length,
        q,
        kind,
        notice: noticeText(request.query.notice),
        pagination: paginationLinks('/owners', { q, kind }, page, all.length, pageSize),
      });
    },
  );

  app.get('/owners/new', { config: { access: 'create-plans' } }, async (_request, reply) =>
    renderOwnerForm(reply, { title: 'Add an owner', form: {}, action: '/owners' }),
  );

  app.post<{ Body: FormBody }>('/owners', { config: { access: 'create-plans' } }, async (request, reply) => {
    try {
      const owner = await inTransaction(app.db, (trx) =>
        createOwner(trx, request.actor, ownerInputFrom(request.body)),
      );
      return reply.redirect(withNotice(`/owners/${owner.id}`, 'owner-saved'), 303);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderOwnerForm(reply.status(400), {
        title: 'Add an owner',
        form: request.body,
        errors: error.fieldErrors,
        action: '/owners',
      });
    }
  });

  app.get<{ Params: OwnerParams; Querystring: { notice?: string } }>(
    '/owners/:ownerId',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const { owner, actions, themes } = await ownerFor(request);
      const today = todayIso();
      // The page offers only what this user may do; the routes refuse the rest whatever a page shows.
      const changeable =
        permissionsFor(request.user, null).createPlans &&
        (await mayChange(request, owner, 'change').then(
          () => true,
          (error: unknown) => {
            if (error instanceof ForbiddenError) return false;
            throw error;
          },
        ));
      return reply.render('owners/views/owner.njk', {
        title: owner.name,
        owner,
        themes,
        changeable,
        actions: actions.map((action) => ({
          ...action,
          overdue: isOverdue(
            action.revised_target_text !== ''
              ? { kind: action.revised_target_kind, end: action.revised_target_end }
              : { kind: action.target_kind, end: action.target_end },
            action.status,
            today,
          ),
        })),
        notice: noticeText(request.query.notice),
        breadcrumbs: [{ text: 'Owners', href: '/owners' }],
      });
    },
  );

  app.get<{ Params: OwnerParams }>(
    '/owners/:ownerId/edit',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { owner } = await ownerFor(request);
      await mayChange(request, owner, 'change');
      return renderOwnerForm(reply, {
        title: `Edit ${owner.name}`,
        form: ownerForm(owner),
        action: `/owners/${owner.id}/edit`,
      });
    },
  );

  app.post<{ Params: OwnerParams; Body: FormBody }>(
    '/owners/:ownerId/edit',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { ownerId } = request.params;
      const context = { title: 'Edit owner', action: `/owners/${ownerId}/edit` };
      try {
        await inTransaction(app.db, (trx) =>
          updateOwner(trx, request.actor, ownerId, formVersion(request.body), ownerInputFrom(request.body)),
        );
        return reply.redirect(withNotice(`/owners/${ownerId}`, 'owner-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderOwnerForm(reply.status(400), {
            ...context,
            form: request.body,
            errors: error.fieldErrors,
          });
        if (error instanceof ConflictError) {
          const saved = ownerForm((await ownerFor(request)).owner);
          return renderOwnerForm(reply.status(409), {
            ...context,
            form: { ...request.body, version: saved.version },
            conflict: { saved, fields: conflictFields(saved, request.body, ownerLabels) },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: OwnerParams }>(
    '/owners/:ownerId/merge',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { owner } = await ownerFor(request);
      await mayChange(request, owner, 'merge');
      return renderConfirm(request, reply, 'ownerMerge');
    },
  );

  app.post<{ Params: OwnerParams; Body: FormBody }>(
    '/owners/:ownerId/merge',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const into = formText(request.body, 'into') ?? '';
      try {
        await inTransaction(app.db, (trx) =>
          mergeOwner(trx, request.actor, request.params.ownerId, formVersion(request.body), into),
        );
        return reply.redirect(withNotice(`/owners/${into}`, 'owner-merged'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderConfirm(request, reply.status(400), 'ownerMerge', {
            form: request.body,
            errors: error.fieldErrors,
          });
        if (error instanceof ConflictError)
          return renderConfirm(request, reply.status(409), 'ownerMerge', {
            form: request.body,
            conflict: { yours: formText(request.body, 'version'), saved: error.currentVersion },
          });
        throw error;
      }
    },
  );

  app.get<{ Params: OwnerParams }>(
    '/owners/:ownerId/delete',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { owner } = await ownerFor(request);
      await mayChange(request, owner, 'delete');
      return renderConfirm(request, reply, 'ownerDelete');
    },
  );

  app.post<{ Params: OwnerParams; Body: FormBody }>(
    '/owners/:ownerId/delete',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { owner } = await ownerFor(request);
      if (formText(request.body, 'confirm') !== 'yes') return reply.redirect(`/owners/${owner.id}`, 303);
      try {
        await inTransaction(app.db, (trx) =>
          deleteOwner(trx, request.actor, owner.id, formVersion(request.body)),
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return renderConfirm(request, reply.status(409), 'ownerDelete', {
          conflict: { yours: formText(request.body, 'version'), saved: error.currentVersion },
        });
      }
      return reply.redirect(withNotice('/owners', 'owner-deleted'), 303);
    },
  );
}
