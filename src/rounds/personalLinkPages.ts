// The page a personal link opens, for an owner without an account: their items in the round, and one "Post an update"
// form at a time. A link that works nowhere (expired, revoked, closed, switched off, guessed) gets one plain page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { todayIso } from '../dates/ukDate.js';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { statuses } from '../plans/vocabulary.js';
import { updateInputFrom } from '../updates/updatePages.js';
import { formText, type FormBody } from '../web/forms.js';
import {
  checkLinkLimits,
  countLinkAttempt,
  findPersonalLink,
  linkItems,
  postThroughLink,
  TooManyLinkRequestsError,
  type PersonalLink,
} from './personalLinks.js';

type LinkParams = { linkToken: string };
type LinkQuery = { item?: string; posted?: string };

export async function personalLinkPages(app: FastifyInstance): Promise<void> {
  /** The link's owner and round, or the reply already sent: the limits' refusal, or the plain page for a bad link. */
  async function openLink(
    request: FastifyRequest<{ Params: LinkParams }>,
    reply: FastifyReply,
    { posting }: { posting: boolean },
  ): Promise<PersonalLink | null> {
    // Nobody's session counts here: a link speaks for its owner only, and a page leaks no signed-in navigation.
    try {
      await checkLinkLimits(app.db.kysely, request.ip, null);
      const link = await findPersonalLink(app.db.kysely, request.params.linkToken);
      if (!link) {
        await inTransaction(app.db, (trx) => countLinkAttempt(trx, request.ip, null, 'invalid'));
        await reply
          .status(404)
          .render('rounds/views/linkNotValid.njk', { title: 'This link has expired or is not valid' });
        return null;
      }
      if (posting) await checkLinkLimits(app.db.kysely, request.ip, link.linkHash);
      return link;
    } catch (error) {
      if (!(error instanceof TooManyLinkRequestsError)) throw error;
      await reply
        .status(429)
        .render('rounds/views/linkNotValid.njk', { title: 'Too many requests', tooMany: error.message });
      return null;
    }
  }

  async function renderLink(
    reply: FastifyReply,
    request: FastifyRequest<{ Params: LinkParams; Querystring: LinkQuery }>,
    link: PersonalLink,
    context: { item?: string; form?: FormBody; errors?: Record<string, string> } = {},
  ) {
    const items = await linkItems(app.db.kysely, link);
    const itemKey = context.item ?? request.query.item;
    const chosen = items.find((item) => item.key === itemKey);
    const posted = items.find((item) => item.key === request.query.posted);
    return reply.render('rounds/views/linkPage.njk', {
      title: chosen ? `Post an update on ${chosen.title}` : `Your updates for ${link.round.meeting_name}`,
      marking: link.plan.marking,
      link,
      linkPath: `/respond/${encodeURIComponent(request.params.linkToken)}`,
      items,
      chosen,
      notice: posted ? `Update posted on ${posted.title}` : undefined,
      statuses,
      today: todayIso(),
      form: context.form ?? {},
      errors: context.errors,
    });
  }

  app.get<{ Params: LinkParams; Querystring: LinkQuery }>(
    '/respond/:linkToken',
    { config: { access: 'public' } },
    async (request, reply) => {
      const link = await openLink(request, reply, { posting: false });
      if (!link) return reply;
      return renderLink(reply, request, link);
    },
  );

  app.post<{ Params: LinkParams; Querystring: LinkQuery; Body: FormBody }>(
    '/respond/:linkToken',
    { config: { access: 'public' } },
    async (request, reply) => {
      const link = await openLink(request, reply, { posting: true });
      if (!link) return reply;
      const item = formText(request.body, 'item') ?? '';
      try {
        const input = updateInputFrom(request.body);
        await inTransaction(app.db, async (trx) => {
          await postThroughLink(trx, link, item, input);
          await countLinkAttempt(trx, request.ip, link.linkHash, 'post');
        });
        return reply.redirect(
          `/respond/${encodeURIComponent(request.params.linkToken)}?posted=${encodeURIComponent(item)}`,
          303,
        );
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderLink(reply.status(400), request, link, {
            item,
            form: request.body,
            errors: error.fieldErrors,
          });
        if (error instanceof NotFoundError)
          return reply
            .status(404)
            .render('rounds/views/linkNotValid.njk', { title: 'This link has expired or is not valid' });
        throw error;
      }
    },
  );
}
