// The owners directory pages: list with filters, one owner's actions and themes, add, edit and delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OwnerKind } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { isOverdue } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import { InvalidInputError } from '../errors.js';
import { formText, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { pageNumber, paginationLinks } from '../web/pagination.js';
import { createOwner, deleteOwner, ownerKinds, updateOwner, type OwnerInput } from './ownerCommands.js';
import { listOwners, ownerWithWork } from './ownerQueries.js';
import { readablePlans } from '../web/access.js';

type OwnerParams = { ownerId: string };
const pageSize = 50;

function ownerInputFrom(body: FormBody): OwnerInput {
  return {
    name: formText(body, 'name'),
    kind: (formText(body, 'kind') ?? '') as OwnerInput['kind'],
    email: formText(body, 'email'),
  };
}

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
      return reply.render('owners/views/owner.njk', {
        title: owner.name,
        owner,
        themes,
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
      return renderOwnerForm(reply, {
        title: `Edit ${owner.name}`,
        form: owner,
        action: `/owners/${owner.id}/edit`,
      });
    },
  );

  app.post<{ Params: OwnerParams; Body: FormBody }>(
    '/owners/:ownerId/edit',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      try {
        await inTransaction(app.db, (trx) =>
          updateOwner(trx, request.actor, request.params.ownerId, ownerInputFrom(request.body)),
        );
        return reply.redirect(withNotice(`/owners/${request.params.ownerId}`, 'owner-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderOwnerForm(reply.status(400), {
          title: 'Edit owner',
          form: request.body,
          errors: error.fieldErrors,
          action: `/owners/${request.params.ownerId}/edit`,
        });
      }
    },
  );

  app.get<{ Params: OwnerParams }>(
    '/owners/:ownerId/delete',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { owner, actions, themes } = await ownerFor(request);
      return reply.render('owners/views/ownerDelete.njk', {
        title: `Delete ${owner.name}`,
        owner,
        actions,
        themes,
        breadcrumbs: [{ text: 'Owners', href: '/owners' }],
      });
    },
  );

  app.post<{ Params: OwnerParams; Body: FormBody }>(
    '/owners/:ownerId/delete',
    { config: { access: 'create-plans' } },
    async (request, reply) => {
      const { owner } = await ownerFor(request);
      if (formText(request.body, 'confirm') !== 'yes') return reply.redirect(`/owners/${owner.id}`, 303);
      await inTransaction(app.db, (trx) => deleteOwner(trx, request.actor, owner.id));
      return reply.redirect(withNotice('/owners', 'owner-deleted'), 303);
    },
  );
}
