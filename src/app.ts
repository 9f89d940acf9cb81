// Builds the Headway app: one line per concern, then the routes, then errors. Building never listens.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { actionPages } from './actions/actionPages.js';
import { registerApi } from './api/registerApi.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import type { Actor } from './history/recordChange.js';
import { exportPages } from './exports/exportPages.js';
import { importPages } from './import/importPages.js';
import { ownerPages } from './owners/ownerPages.js';
import { planPages } from './plans/planPages.js';
import { reportPages } from './reports/reportPages.js';
import { themePages } from './themes/themePages.js';
import { updatePages } from './updates/updatePages.js';
import { setUpCookies } from './web/cookies.js';
import { setUpCsrf } from './web/csrf.js';
import { currentActor } from './web/currentActor.js';
import { setUpErrorHandling } from './web/errorHandler.js';
import { healthRoutes } from './web/health.js';
import { setUpPages } from './web/pages.js';
import { setUpRouteTable } from './web/routeTable.js';
import { setUpWebSecurity } from './web/security.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface AppOptions {
  db: Db;
  config: Config;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp({ db, config, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: true,
    // Unknown fields in a body are refused with a message, not dropped without a word.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.decorate('db', db);
  app.decorate('config', config);
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    request.actor = currentActor(request, config);
  });

  await app.register(setUpRouteTable);
  await setUpWebSecurity(app);
  await app.register(setUpCookies);
  await app.register(formbody);
  await app.register(setUpCsrf);
  await setUpPages(app);
  setUpErrorHandling(app);
  await registerApi(app);

  await app.register(healthRoutes);
  await app.register(planPages);
  await app.register(themePages);
  await app.register(actionPages);
  await app.register(updatePages);
  await app.register(ownerPages);
  await app.register(importPages);
  await app.register(reportPages);
  await app.register(exportPages);
  return app;
}
