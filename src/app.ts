// Builds the Headway app: one line per concern, then the routes, then errors. Building never listens.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { actionPages } from './actions/actionPages.js';
import { buildValidators, registerApi } from './api/registerApi.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { dashboardPages } from './dashboard/dashboardPages.js';
import { exportPages } from './exports/exportPages.js';
import { findingPages } from './findings/findingPages.js';
import { surveyPages } from './surveys/surveyPages.js';
import { staffPagePages } from './staff/staffPagePages.js';
import { historyPages } from './history/historyPages.js';
import { importPages } from './import/importPages.js';
import { outboxPages } from './jobs/outboxPages.js';
import { myWorkPages } from './mywork/myWorkPages.js';
import { ownerPages } from './owners/ownerPages.js';
import { planPages } from './plans/planPages.js';
import { reportPages } from './reports/reportPages.js';
import { sitePages } from './site/sitePages.js';
import { themePages } from './themes/themePages.js';
import { updatePages } from './updates/updatePages.js';
import { signInPages } from './signin/signInPages.js';
import { singleSignOnPages } from './signin/singleSignOnPages.js';
import { securityHistoryPages } from './signin/securityHistoryPages.js';
import { accountPages } from './people/accountPages.js';
import { adminUserPages } from './people/adminUserPages.js';
import { planPeoplePages } from './people/planPeoplePages.js';
import { personalLinkPages } from './rounds/personalLinkPages.js';
import { roundPages } from './rounds/roundPages.js';
import { unsubscribePages } from './notifications/unsubscribePages.js';
import { setUpAccess } from './web/access.js';
import { trustProxyOption } from './web/clientAddress.js';
import { setUpCompression } from './web/compression.js';
import { setUpCookies } from './web/cookies.js';
import { setUpTextChecks } from './web/controlCharacters.js';
import { setUpCsrf } from './web/csrf.js';
import { answerClientError, answerFrameworkError, setUpErrorHandling } from './web/errorHandler.js';
import { healthRoutes } from './web/health.js';
import { setUpPages } from './web/pages.js';
import { setUpResponseCache } from './web/responseCache.js';
import { OneLineRequestLog } from './web/requestLog.js';
import { setUpRouteTable } from './web/routeTable.js';
import { setUpWebSecurity } from './web/security.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
  }
}

export interface AppOptions {
  db: Db;
  config: Config;
  logger?: FastifyServerOptions['logger'];
  /** Told of every route as it is added: the authorisation matrix test lists the app's routes this way. */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp({
  db,
  config,
  logger = false,
  onRoute,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    logController: new OneLineRequestLog(),
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: trustProxyOption(config.trustProxy),
    // Unknown fields in a body are refused with a message, not dropped without a word.
    ajv: { customOptions: { removeAdditional: false } },
    // Nor is a body's wrong type quietly converted.
    schemaController: { compilersFactory: { buildValidator: buildValidators() } },
    // What Fastify and Node refuse before a route is found is answered in Headway's shapes too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  if (onRoute) app.addHook('onRoute', onRoute);
  app.decorate('db', db);
  app.decorate('config', config);

  await app.register(setUpRouteTable);
  await app.register(setUpCompression);
  await app.register(setUpResponseCache);
  await setUpWebSecurity(app);
  await app.register(setUpCookies);
  await app.register(setUpTextChecks);
  await app.register(setUpAccess);
  await app.register(formbody);
  await app.register(setUpCsrf);
  await setUpPages(app);
  setUpErrorHandling(app);
  await registerApi(app);

  await app.register(healthRoutes);
  await app.register(signInPages);
  await app.register(singleSignOnPages);
  await app.register(planPages);
  await app.register(myWorkPages);
  await app.register(themePages);
  await app.register(actionPages);
  await app.register(findingPages);
  await app.register(surveyPages);
  await app.register(staffPagePages);
  await app.register(updatePages);
  await app.register(ownerPages);
  await app.register(importPages);
  await app.register(reportPages);
  await app.register(exportPages);
  await app.register(historyPages);
  await app.register(dashboardPages);
  await app.register(accountPages);
  await app.register(adminUserPages);
  await app.register(planPeoplePages);
  await app.register(unsubscribePages);
  await app.register(securityHistoryPages);
  await app.register(outboxPages);
  await app.register(sitePages);
  await app.register(roundPages);
  await app.register(personalLinkPages);
  return app;
}
