// /admin/history: the security history for administrators, newest first, by kind, person and dates.
import type { FastifyInstance } from 'fastify';
import { FieldChecks } from '../validation.js';
import { dateFieldValues, readDateFields } from '../web/dateFields.js';
import type { FormBody } from '../web/forms.js';
import { paginationLinks } from '../web/pagination.js';
import { securityEventKinds, securityHistory, type SecurityEventKind } from './securityHistory.js';

const pageSize = 50;

type HistoryQuery = FormBody & { kind?: string; who?: string; page?: string };

/** The filters as asked for; a bad one is named and left out, so the page still shows the rest. */
function readFilters(query: HistoryQuery) {
  const checks = new FieldChecks();
  const kinds = Object.keys(securityEventKinds) as SecurityEventKind[];
  const kind = checks.choice('kind', 'a kind of event', query.kind || null, kinds) ?? undefined;
  const { dates, errors: dateErrors } = readDateFields(query, {
    from: { label: 'from date' },
    to: { label: 'to date' },
  });
  const { from, to } = dates;
  if (from && to && from > to) checks.fail('to-day', 'To date must be the same as or after the from date');
  const errors = { ...checks.errors, ...dateErrors };
  return {
    kind: errors.kind ? undefined : kind,
    from: from ?? undefined,
    to: errors['to-day'] ? undefined : (to ?? undefined),
    who: query.who?.trim() ?? '',
    errors: Object.keys(errors).length ? errors : undefined,
  };
}

export async function securityHistoryPages(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: HistoryQuery }>(
    '/admin/history',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const filters = readFilters(request.query);
      const { total, page, events } = await securityHistory(app.db, {
        kind: filters.kind,
        who: filters.who || undefined,
        from: filters.from,
        to: filters.to,
        page: request.query.page,
        pageSize,
      });
      return reply.render('signin/views/securityHistory.njk', {
        title: 'Security history',
        events,
        total,
        errors: filters.errors,
        // What was typed comes back as typed, even when it could not be used.
        form: {
          kind: request.query.kind ?? '',
          who: filters.who,
          ...dateFieldValues('from', null),
          ...dateFieldValues('to', null),
          ...request.query,
        },
        kindItems: [
          { value: '', text: 'Every kind' },
          ...Object.entries(securityEventKinds).map(([value, text]) => ({ value, text })),
        ],
        pagination: paginationLinks(
          '/admin/history',
          {
            kind: filters.kind,
            who: filters.who,
            ...dateFieldValues('from', filters.from),
            ...dateFieldValues('to', filters.to),
          },
          page,
          total,
          pageSize,
        ),
        breadcrumbs: [{ text: 'Users', href: '/admin/users' }],
      });
    },
  );
}
