// /healthz: answers when the app can reach its database, for load balancers and monitors.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(app.db.kysely);
      return { status: 'ok', database: app.db.dialect };
    } catch (error) {
      app.log.error({ err: error }, 'health check could not reach the database');
      return reply.status(503).send({ status: 'unavailable', database: app.db.dialect });
    }
  });
}
