// One-click unsubscribe from an optional e-mail, without signing in. The link shows a page with a button: only the
// POST switches anything off, so a mail scanner that follows every link in a message unsubscribes nobody.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import {
  findUnsubscribeLink,
  mailTopicNames,
  switchOffByLink,
  type UnsubscribeLink,
} from './unsubscribeLinks.js';

type LinkParams = { linkSecret: string };

export async function unsubscribePages(app: FastifyInstance): Promise<void> {
  function render(reply: FastifyReply, link: UnsubscribeLink | undefined, secret: string, done = false) {
    // The address holds the secret: no copy of the page may be kept, and no address sent on to other sites.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (!link)
      return reply.status(404).render('notifications/views/unsubscribeUnknown.njk', {
        title: 'This link does not work',
      });
    return reply.render('notifications/views/unsubscribe.njk', {
      title: done || !link.on ? 'You will not get these e-mails any more' : 'Stop these e-mails',
      topicName: mailTopicNames[link.topic],
      email: link.user.email,
      on: link.on,
      done,
      action: `/unsubscribe/${encodeURIComponent(secret)}`,
    });
  }

  app.get<{ Params: LinkParams }>(
    '/unsubscribe/:linkSecret',
    { config: { access: 'public' } },
    async (request, reply) =>
      render(
        reply,
        await findUnsubscribeLink(app.db.kysely, request.params.linkSecret),
        request.params.linkSecret,
      ),
  );

  app.post<{ Params: LinkParams }>(
    '/unsubscribe/:linkSecret',
    { config: { access: 'public' } },
    async (request, reply) => {
      const secret = request.params.linkSecret;
      const link = await inTransaction(app.db, (trx) => switchOffByLink(trx, secret));
      return render(reply, link, secret, true);
    },
  );
}
