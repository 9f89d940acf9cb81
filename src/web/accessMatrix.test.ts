// The authorisation matrix: every route of the app, for everyone, on a plan they have and one they do not.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { openZip } from '../import/read/zip.js';
import { ownerNamesOf } from '../actions/actionCommands.js';
import { setPlanRole, setUserPassword } from '../people/userCommands.js';
import { createApiToken } from '../signin/apiTokens.js';
import { issueUnsubscribeLink } from '../notifications/unsubscribeLinks.js';
import { createPasswordLink } from '../signin/passwordLinks.js';
import { sessionCookieName, sessionTimes } from '../signin/sessions.js';
import { openSession } from '../signin/signIn.js';
import {
  columns,
  fingerprint,
  makeCast,
  makeWorld,
  planBMarker,
  signInPassword,
  type Cast,
  type Column,
  type PlanFixture,
  type World,
} from '../testing/accessWorld.js';
import { describeEachDatabase } from '../testing/databases.js';
import { withCsrf } from '../testing/testApp.js';
import { makeAction, testActor } from '../testing/factories.js';
import { failedEmailJob } from '../testing/routes.js';
import { dateFieldValues } from './dateFields.js';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';

// Hundreds of sign-ins and password changes: argon2id at its lowest cost, so the matrix spends its time on who may
// do what rather than on hashing (Headway's own cost is src/people/passwords.ts's, untouched).
vi.mock('argon2', async (real) =>
  (await import('../testing/quickPasswordHashing.js')).quickPasswordHashing(await real()),
);

/** ok: allowed (2xx, or 3xx anywhere but the sign-in page); in: sign in first (401 or to /sign-in); 403; 404. */
type Outcome = 'ok' | 'in' | '403' | '404';

/*
 * THE MATRIX. To add a route: add one line, "METHOD /path as registered", with what each person gets on plan A
 * (the plan they have), in the column order below; the test fails until every route has a line and every line
 * a route. On plan B (a plan only the administrator may read) a route with :slug answers by rule: the
 * administrator as on A, sign-in stays sign-in, a read-only token is refused a write before anything else, and
 * everyone else gets 404, as for a plan that does not exist. Routes without :slug answer the same on B, unless
 * the line says otherwise after a "|". HEAD answers as GET (asked of one person for each answer). If the route
 * writes, give it a valid body in `requests` below (a 400 counts as neither allowed nor refused), and if an allowed
 * request uses up what it acts on (a delete, a publish), list it in `usesUp` so it runs on fresh plans. A new path
 * parameter needs its value in `idsFor`, and a new kind of record its fixtures in src/testing/accessWorld.ts.
 *
 * Columns (src/testing/accessWorld.ts): admin; mgr = manager of A; con = contributor in A; view = viewer of A;
 * own = owner-linked user on their own action/theme; oth = the same user on another action/theme of A;
 * mgr0 = manager with no plans; staff = a staff account; anon = signed out; ro / rw = read-only / read-write API token of mgr.
 * Pages take the session cookie only, so tokens there are signed out; the API takes tokens only, and each person
 * but anon sends their own read-write token.
 */
// prettier-ignore
const matrix: Record<string, string> = {
  //                                                         admin mgr con view own oth mgr0 staff anon ro  rw
  'GET /healthz':                                           'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /static/*':                                          'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /sign-in':                                           'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  // Single sign-on is not set up in this app, so its two addresses answer 404 to everyone (tested set up in src/signin).
  'GET /sign-in/sso':                                       '404   404 404 404  404 404 404  404   404  404 404',
  'GET /sign-in/sso/callback':                              '404   404 404 404  404 404 404  404   404  404 404',
  'POST /sign-in':                                          'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /setup/:token':                                      'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'POST /setup/:token':                                     'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'POST /sign-out':                                         'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'GET /':                                                  'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'GET /api/docs…':                                         'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /api/openapi.json':                                  'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /plans':                                             'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /plans/new':                                         'ok    ok  403 403  403 403 ok   403   in   in  in',
  'POST /plans':                                            'ok    ok  403 403  403 403 ok   403   in   in  in',
  'GET /plans/:slug':                                       'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/print':                                 'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/export.docx':                           'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/export.pdf':                            'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/export.xlsx':                           'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/export.csv':                            'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/export.json':                           'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/edit':                                  'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/edit':                                 'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/delete':                                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/delete':                               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/themes/new':                            'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/themes':                               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/themes/:themeId':                       'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'POST /plans/:slug/themes/:themeId/updates':              'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'GET /plans/:slug/themes/:themeId/edit':                  'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/themes/:themeId/edit':                 'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/themes/:themeId/delete':                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/themes/:themeId/delete':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/themes/:themeId/move':                 'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/actions/new':                           'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/actions':                              'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/actions/:actionId':                     'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'POST /plans/:slug/actions/:actionId/updates':            'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'GET /plans/:slug/actions/:actionId/edit':                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/actions/:actionId/edit':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/actions/:actionId/delete':              'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/actions/:actionId/delete':             'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/actions/:actionId/move':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/updates/:updateId/edit':                'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'POST /plans/:slug/updates/:updateId/edit':               'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'GET /plans/:slug/updates/:updateId/delete':              'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'POST /plans/:slug/updates/:updateId/delete':             'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'GET /plans/:slug/reports':                               'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'POST /plans/:slug/reports':                              'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/reports/:reportId':                     'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/reports/:reportId/report.docx':         'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/reports/:reportId/report.pdf':          'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/reports/:reportId/print':               'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/reports/:reportId/edit':                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/reports/:reportId/edit':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/reports/:reportId/publish':             'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/reports/:reportId/publish':            'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/reports/:reportId/correct':            'ok    ok  403 403  403 403 404  404   in   in  in',
  // History in words and the plan as it stood at a moment: for the plan's readers only.
  'GET /plans/:slug/history':                               'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/actions/:actionId/history':             'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  // Findings and their coverage: read by the plan's readers, kept by its managers.
  'GET /plans/:slug/findings':                              'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/findings/new':                          'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/findings':                             'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/findings/:findingId':                   'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/findings/:findingId/edit':              'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/findings/:findingId/edit':             'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/findings/:findingId/delete':            'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/findings/:findingId/delete':           'ok    ok  403 403  403 403 404  404   in   in  in',
  // Staff survey results: read by the plan's readers, kept by its managers.
  'GET /plans/:slug/surveys':                               'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/surveys/new':                           'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/surveys':                              'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/surveys/:waveId':                       'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/surveys/:waveId/edit':                  'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/surveys/:waveId/edit':                 'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/surveys/:waveId/delete':                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/surveys/:waveId/delete':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/surveys/:waveId/scores':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/surveys/:waveId/score':                'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/surveys/questions/:questionId':         'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/surveys/questions/:questionId':        'ok    ok  403 403  403 403 404  404   in   in  in',
  // The staff page: kept by the plan's managers, its readers chosen by an administrator. Plan A's is open to anyone
  // (signed in or at its public address), B's to B's readers only; a staff account reads what is open to it and no more.
  'GET /plans/:slug/staff-page':                            'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/staff-page/publish':                   'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/staff-page/readers':                   'ok    403 403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/staff-page/intro':                      'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/staff-page/intro':                     'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/staff-page/findings/:findingId':        'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/staff-page/findings/:findingId':       'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/staff-page/actions/:actionId':         'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/staff-page/actions/:actionId':        'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/staff-page/fragment.html':              'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/you-said-we-did':                       'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'GET /plans/:slug/you-said-we-did/print':                 'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'GET /you-said-we-did':                                   'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'GET /you-said-we-did/:pageKey':                          'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok | 404   404 404 404  404 404 404  404   404  404 404',
  'GET /plans/:slug/themes/:themeId/history':               'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/as-at':                                 'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/compare':                               'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  // The dashboard: one plan's for its readers; across plans for everyone signed in, showing only the plans they may read.
  'GET /plans/:slug/dashboard':                             'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /plans/:slug/dashboard.pdf':                         'ok    ok  ok  ok   ok  ok  404  404   in   in  in',
  'GET /dashboard':                                         'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /dashboard.pdf':                                     'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /owners':                                            'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /owners/new':                                        'ok    ok  403 403  403 403 ok   403   in   in  in',
  'POST /owners':                                           'ok    ok  403 403  403 403 ok   403   in   in  in',
  'GET /owners/:ownerId':                                   'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /owners/:ownerId/edit':                              'ok    ok  403 403  403 403 403  403   in   in  in | ok    403 403 403  403 403 403  403   in   in  in',
  'POST /owners/:ownerId/edit':                             'ok    ok  403 403  403 403 403  403   in   in  in | ok    403 403 403  403 403 403  403   in   in  in',
  'GET /owners/:ownerId/delete':                            'ok    ok  403 403  403 403 403  403   in   in  in | ok    403 403 403  403 403 403  403   in   in  in',
  'POST /owners/:ownerId/delete':                           'ok    ok  403 403  403 403 403  403   in   in  in | ok    403 403 403  403 403 403  403   in   in  in',
  'GET /owners/:ownerId/merge':                             'ok    ok  403 403  403 403 403  403   in   in  in | ok    403 403 403  403 403 403  403   in   in  in',
  'POST /owners/:ownerId/merge':                            'ok    ok  403 403  403 403 403  403   in   in  in | ok    403 403 403  403 403 403  403   in   in  in',
  // On B, :id is someone else's import: as if it did not exist.
  'GET /import':                                            'ok    ok  403 403  403 403 ok   403   in   in  in',
  'POST /import':                                           'ok    ok  403 403  403 403 ok   403   in   in  in',
  'GET /import/:id':                                        'ok    ok  403 403  403 403 ok   403   in   in  in | 404 404 403 403 403 403 404 403 in in in',
  'POST /import/:id/columns':                               'ok    ok  403 403  403 403 ok   403   in   in  in | 404 404 403 403 403 403 404 403 in in in',
  'POST /import/:id/save':                                  'ok    ok  403 403  403 403 ok   403   in   in  in | 404 404 403 403 403 403 404 403 in in in',
  'POST /import/:id/cancel':                                'ok    ok  403 403  403 403 ok   403   in   in  in | 404 404 403 403 403 403 404 403 in in in',
  //                                                         admin mgr con view own oth mgr0 staff anon ro  rw
  'GET /api/v1/plans':                                      'ok    ok  ok  ok   ok  ok  ok   403   in   ok  ok',
  'POST /api/v1/plans':                                     'ok    ok  403 403  403 403 ok   403   in   403 ok',
  'GET /api/v1/plans/:slug':                                'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'PATCH /api/v1/plans/:slug':                              'ok    ok  403 403  403 403 404  404   in   403 ok',
  'DELETE /api/v1/plans/:slug':                             'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/export.json':                    'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/themes':                         'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/themes':                        'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/themes/:themeId':                'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'PATCH /api/v1/plans/:slug/themes/:themeId':              'ok    ok  403 403  403 403 404  404   in   403 ok',
  'DELETE /api/v1/plans/:slug/themes/:themeId':             'ok    ok  403 403  403 403 404  404   in   403 ok',
  'POST /api/v1/plans/:slug/themes/:themeId/move':          'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/themes/:themeId/updates':        'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/themes/:themeId/updates':       'ok    ok  ok  403  ok  403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/actions':                        'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/actions':                       'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/actions/:actionId':              'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'PATCH /api/v1/plans/:slug/actions/:actionId':            'ok    ok  403 403  403 403 404  404   in   403 ok',
  'DELETE /api/v1/plans/:slug/actions/:actionId':           'ok    ok  403 403  403 403 404  404   in   403 ok',
  'POST /api/v1/plans/:slug/actions/:actionId/move':        'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/actions/:actionId/updates':      'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/actions/:actionId/updates':     'ok    ok  ok  403  ok  403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/updates/:updateId':              'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'PATCH /api/v1/plans/:slug/updates/:updateId':            'ok    ok  ok  403  ok  403 404  404   in   403 ok',
  'DELETE /api/v1/plans/:slug/updates/:updateId':           'ok    ok  ok  403  ok  403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/history':                        'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/actions/:actionId/history':      'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/themes/:themeId/history':        'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/as-at':                          'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/compare':                        'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/dashboard':                      'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/dashboard':                                  'ok    ok  ok  ok   ok  ok  ok   403   in   ok  ok',
  'GET /api/v1/plans/:slug/findings':                       'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/findings':                      'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/findings/coverage':              'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'GET /api/v1/plans/:slug/findings/:findingId':            'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'PATCH /api/v1/plans/:slug/findings/:findingId':          'ok    ok  403 403  403 403 404  404   in   403 ok',
  'DELETE /api/v1/plans/:slug/findings/:findingId':         'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/surveys':                        'ok    ok  ok  ok   ok  ok  404  404   in   ok  ok',
  'PUT /api/v1/plans/:slug/actions/:actionId/findings':     'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/owners':                                     'ok    ok  ok  ok   ok  ok  ok   403   in   ok  ok',
  'POST /api/v1/owners':                                    'ok    ok  403 403  403 403 ok   403   in   403 ok',
  'GET /api/v1/owners/:ownerId':                            'ok    ok  ok  ok   ok  ok  ok   403   in   ok  ok',
  'PATCH /api/v1/owners/:ownerId':                          'ok    ok  403 403  403 403 403  403   in   403 ok | ok    403 403 403  403 403 403  403   in   403 403',
  'DELETE /api/v1/owners/:ownerId':                         'ok    ok  403 403  403 403 403  403   in   403 ok | ok    403 403 403  403 403 403  403   in   403 403',
  'GET /api/v1/search':                                     'ok    ok  ok  ok   ok  ok  ok   403   in   ok  ok',
  'POST /api/v1/owners/:ownerId/merge':                     'ok    ok  403 403  403 403 403  403   in   403 ok | ok    403 403 403  403 403 403  403   in   403 403',
  // Your account, for everyone signed in; administration, for administrators; a plan's people, for its managers.
  'GET /account':                                           'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'POST /account/password':                                 'ok    ok  ok  ok   ok  ok  ok   ok    in   in  in',
  'POST /account/tokens':                                   'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'POST /account/email':                                    'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  // A link from an optional e-mail: its secret is the key, so anyone holding it may use it, signed in or not.
  'GET /unsubscribe/:linkSecret':                           'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'POST /unsubscribe/:linkSecret':                          'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /account/tokens/:tokenId/revoke':                    'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'POST /account/tokens/:tokenId/revoke':                   'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /admin/users':                                       'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /admin/users/new':                                   'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/users':                                      'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /admin/users/:userId':                               'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/users/:userId/role':                         'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/users/:userId/details':                      'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/users/:userId/access':                       'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/users/:userId/password-link':                'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /admin/history':                                     'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /admin/outbox':                                      'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/outbox/:jobId/retry':                        'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /plans/:slug/people':                                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/people':                               'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/people/:userId':                       'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/people/:userId/remove':                 'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/people/:userId/remove':                'ok    ok  403 403  403 403 404  404   in   in  in',
  // The service's own pages: the statement, about and status are for anyone; the statement is edited by
  // administrators. No logo is set in this app, so its address answers 404 to everyone (served in src/site).
  'GET /accessibility':                                     'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /accessibility/edit':                                'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /accessibility/edit':                               'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /about':                                             'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /status':                                            'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /site/frontend.css':                                 'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /site/logo':                                         '404   404 404 404  404 404 404  404   404  404 404',
  // My work: every signed-in person's own page; its short form posts where the update routes above do.
  'GET /my-work':                                           'ok    ok  ok  ok   ok  ok  ok   403   in   in  in',
  'GET /plans/:slug/actions/:actionId/post-update':         'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'POST /plans/:slug/actions/:actionId/post-update':        'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'GET /plans/:slug/themes/:themeId/post-update':           'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'POST /plans/:slug/themes/:themeId/post-update':          'ok    ok  ok  403  ok  403 404  404   in   in  in',
  'GET /api/v1/my-work':                                    'ok    ok  ok  ok   ok  ok  ok   403   in   ok  ok',
  // Update requests: a plan's managers run them; an administrator switches personal links. A personal link is for
  // whoever holds it, signed in or not, and names plan A's round on both plans (it belongs to no plan a person has).
  'GET /plans/:slug/rounds':                                'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/rounds/new':                            'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/rounds':                               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/rounds/:roundId':                       'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/rounds/:roundId/remind':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/rounds/:roundId/revoke':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /plans/:slug/rounds/:roundId/close':                 'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/rounds/:roundId/close':                'ok    ok  403 403  403 403 404  404   in   in  in',
  'POST /plans/:slug/rounds/:roundId/report':               'ok    ok  403 403  403 403 404  404   in   in  in',
  'GET /admin/personal-links':                              'ok    403 403 403  403 403 403  403   in   in  in',
  'POST /admin/personal-links':                             'ok    403 403 403  403 403 403  403   in   in  in',
  'GET /respond/:linkToken':                                'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'POST /respond/:linkToken':                               'ok    ok  ok  ok   ok  ok  ok   ok    ok   ok  ok',
  'GET /api/v1/plans/:slug/rounds':                         'ok    ok  403 403  403 403 404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/rounds':                        'ok    ok  403 403  403 403 404  404   in   403 ok',
  'GET /api/v1/plans/:slug/rounds/:roundId':                'ok    ok  403 403  403 403 404  404   in   ok  ok',
  'POST /api/v1/plans/:slug/rounds/:roundId/close':         'ok    ok  403 403  403 403 404  404   in   403 ok',
};

/** Allowed requests to these use up what they act on, so each runs on fresh plans of its own. */
const usesUp = new Set([
  'POST /plans/:slug/delete',
  'DELETE /api/v1/plans/:slug',
  'POST /plans/:slug/themes/:themeId/delete',
  'DELETE /api/v1/plans/:slug/themes/:themeId',
  'POST /plans/:slug/actions/:actionId/delete',
  'DELETE /api/v1/plans/:slug/actions/:actionId',
  'POST /plans/:slug/findings/:findingId/delete',
  'DELETE /api/v1/plans/:slug/findings/:findingId',
  'POST /plans/:slug/surveys/:waveId/delete',
  'POST /plans/:slug/updates/:updateId/delete',
  'DELETE /api/v1/plans/:slug/updates/:updateId',
  'POST /plans/:slug/reports/:reportId/publish',
  'POST /owners/:ownerId/delete',
  'DELETE /api/v1/owners/:ownerId',
  'POST /owners/:ownerId/merge',
  'POST /api/v1/owners/:ownerId/merge',
  'POST /import/:id/save',
  'POST /import/:id/cancel',
  'POST /plans/:slug/people/:userId/remove',
  'POST /plans/:slug/rounds/:roundId/revoke',
  'POST /plans/:slug/rounds/:roundId/close',
  'POST /api/v1/plans/:slug/rounds/:roundId/close',
  'POST /admin/outbox/:jobId/retry',
]);
// Revoking a token uses up the token too, but each request is given a new one to revoke (accountIds below), so it
// needs no fresh plans.

/** Signing in ends the session the browser brought, and signing out ends it: these run on a session of their own. */
const startsOrEndsSession = new Set(['POST /sign-in', 'POST /setup/:token', 'POST /sign-out']);

/** Report routes that act on the published report; the others take the draft. */
const onPublishedReport = new Set(['POST /plans/:slug/reports/:reportId/correct']);

/** Where a route's path is a group or a wildcard: the address asked for. */
const concretePaths: Record<string, string> = {
  'GET /static/*': '/static/headway.css',
  'GET /api/docs…': '/api/docs/static/index.html',
};

/** Everything a request is about: whose it is, which plan, and the records to name in it. */
interface Target {
  db: Db;
  cast: Cast;
  world: World;
  column: Column;
  plan: PlanFixture;
  onB: boolean;
  /** Words to write into the plan, so what is written into B still carries B's marker. */
  words: string;
}

type Body = { form: Record<string, string> } | { json: Record<string, unknown> } | { multipart: Buffer };

let made = 0;
const boundary = '----HeadwayMatrixBoundary';
const importUpload = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="matrix.csv"\r\n` +
    `Content-Type: text/csv\r\n\r\nAction,Owner,Status\nPublish the imported action,Avery Adams,In progress\n\r\n` +
    `--${boundary}--\r\n`,
);

/** The scores form as a browser sends it: the survey's version, then a file of one score. */
async function scoresUpload(t: Target, waveId: string): Promise<Buffer> {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n${await version(t, 'survey_waves', waveId)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scores.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\nQuestion,Score\n${t.words} question from a file,55%\n\r\n` +
      `--${boundary}--\r\n`,
  );
}

async function planRow(t: Target) {
  return t.db.kysely.selectFrom('plans').selectAll().where('id', '=', t.plan.id).executeTakeFirstOrThrow();
}
async function version(
  t: Target,
  table:
    'themes' | 'actions' | 'updates' | 'reports' | 'plans' | 'findings' | 'survey_waves' | 'survey_questions',
  id: string,
) {
  // A guessed id names nothing: any version will do, since the answer must be 404 before it is read.
  const row = await t.db.kysely.selectFrom(table).select('version').where('id', '=', id).executeTakeFirst();
  return row?.version ?? 1;
}
async function staffPageVersion(t: Target) {
  const row = await t.db.kysely
    .selectFrom('staff_pages')
    .select('version')
    .where('plan_id', '=', t.plan.id)
    .executeTakeFirst();
  return row?.version ?? 0;
}
async function staffMarkVersion(t: Target, column: 'finding_id' | 'action_id', id: string) {
  const row = await t.db.kysely
    .selectFrom('staff_marks')
    .select('version')
    .where(column, '=', id)
    .executeTakeFirst();
  return row?.version ?? 0;
}
async function themeForm(t: Target, themeId: string): Promise<Record<string, string>> {
  const theme = await t.db.kysely
    .selectFrom('themes')
    .selectAll()
    .where('id', '=', themeId)
    .executeTakeFirst();
  if (!theme) return { version: '1', title: 'Alder theme guessed' };
  const lead = theme.lead_owner_id
    ? await t.db.kysely
        .selectFrom('owners')
        .select('name')
        .where('id', '=', theme.lead_owner_id)
        .executeTakeFirst()
    : undefined;
  return {
    version: String(theme.version),
    title: theme.title,
    lead: lead?.name ?? '',
    status: theme.status ?? '',
  };
}
async function actionForm(t: Target, actionId: string): Promise<Record<string, string>> {
  const action = await t.db.kysely
    .selectFrom('actions')
    .selectAll()
    .where('id', '=', actionId)
    .executeTakeFirst();
  if (!action) return { version: '1', title: 'Alder action guessed', status: 'not_started' };
  const owners = await ownerNamesOf(t.db.kysely, actionId);
  return {
    version: String(action.version),
    ref: action.ref,
    title: action.title,
    owners: owners.join('\n'),
    themeId: action.theme_id ?? '',
    horizonId: action.horizon_id ?? '',
    status: action.status,
    targetDate: action.target_text,
  };
}
async function findingForm(t: Target, findingId: string): Promise<Record<string, string>> {
  return {
    version: String(await version(t, 'findings', findingId)),
    reference: 'R1',
    text: `${t.words} finding edited ${++made}`,
    kind: 'recommendation',
  };
}
async function ownerForm(t: Target, ownerId: string) {
  const owner = await t.db.kysely
    .selectFrom('owners')
    .selectAll()
    .where('id', '=', ownerId)
    .executeTakeFirstOrThrow();
  return { name: owner.name, kind: owner.kind, email: owner.email, version: String(owner.version) };
}
async function ownerVersion(t: Target, ownerId: string) {
  // A guessed id names nothing: any version will do, since the answer must be 404 before it is read.
  const row = await t.db.kysely
    .selectFrom('owners')
    .select('version')
    .where('id', '=', ownerId)
    .executeTakeFirst();
  return row?.version ?? 1;
}
async function roundVersion(t: Target, roundId: string) {
  // A guessed id names nothing: any version will do, since the answer must be 404 before it is read.
  const row = await t.db.kysely
    .selectFrom('update_rounds')
    .select('version')
    .where('id', '=', roundId)
    .executeTakeFirst();
  return row?.version ?? 1;
}
/** The other plan's owner: what an owner of this plan is merged into. */
function otherOwner(t: Target) {
  return t.onB ? t.world.A.ownerId : t.world.B.ownerId;
}

/** A valid body for each route that needs one, naming the same records as the path. */
const requests: Record<string, (t: Target, ids: Ids) => Promise<Body> | Body> = {
  'POST /sign-in': (t) => ({ form: { ...t.cast.signInAccount } }),
  'POST /setup/:token': () => ({
    form: { password: 'another correct horse staple', confirmPassword: 'another correct horse staple' },
  }),
  'POST /plans': (t) => ({ form: { title: `${t.words} plan made ${++made}`, horizons: 'Short term' } }),
  'POST /plans/:slug/edit': async (t) => {
    const plan = await planRow(t);
    return {
      form: { version: String(plan.version), title: plan.title, slug: plan.slug, sponsor: plan.sponsor },
    };
  },
  'POST /plans/:slug/delete': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/themes': (t) => ({ form: { title: `${t.words} theme added ${++made}` } }),
  'POST /plans/:slug/themes/:themeId/updates': (t) => ({
    form: { body: `${t.words} update posted on a theme` },
  }),
  'POST /plans/:slug/themes/:themeId/edit': async (t, ids) => ({ form: await themeForm(t, ids.themeId) }),
  'POST /plans/:slug/themes/:themeId/delete': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/themes/:themeId/move': () => ({ form: { direction: 'down' } }),
  'POST /plans/:slug/actions': (t) => ({
    form: { title: `${t.words} action added ${++made}`, status: 'not_started' },
  }),
  'POST /plans/:slug/actions/:actionId/updates': (t) => ({ form: { body: `${t.words} update posted` } }),
  'POST /plans/:slug/actions/:actionId/edit': async (t, ids) => ({ form: await actionForm(t, ids.actionId) }),
  'POST /plans/:slug/actions/:actionId/delete': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/actions/:actionId/move': () => ({ form: { direction: 'down' } }),
  'POST /plans/:slug/findings': (t) => ({
    form: { reference: `R${++made}`, text: `${t.words} finding added`, kind: 'recommendation' },
  }),
  'POST /plans/:slug/findings/:findingId/edit': async (t, ids) => ({
    form: await findingForm(t, ids.findingId),
  }),
  'POST /plans/:slug/findings/:findingId/delete': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/surveys': (t) => ({
    form: { name: `${t.words} survey ${++made}`, ...dateFieldValues('heldOn', '2024-03-29') },
  }),
  'POST /plans/:slug/surveys/:waveId/edit': async (t, ids) => ({
    form: {
      version: String(await version(t, 'survey_waves', ids.waveId)),
      name: `${t.words} survey edited ${++made}`,
      ...dateFieldValues('heldOn', '2024-03-29'),
    },
  }),
  'POST /plans/:slug/surveys/:waveId/delete': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/surveys/:waveId/scores': async (t, ids) => ({
    multipart: await scoresUpload(t, ids.waveId),
  }),
  'POST /plans/:slug/surveys/:waveId/score': async (t, ids) => ({
    form: {
      version: String(await version(t, 'survey_waves', ids.waveId)),
      question: `${t.words} question typed ${++made}`,
      score: '62',
    },
  }),
  'POST /plans/:slug/staff-page/publish': () => ({ form: {} }),
  'POST /plans/:slug/staff-page/readers': async (t) => ({
    form: { version: String(await staffPageVersion(t)), readers: t.onB ? 'plan' : 'public' },
  }),
  'POST /plans/:slug/staff-page/intro': async (t) => ({
    form: { version: String(await staffPageVersion(t)), intro: `${t.words} words to staff` },
  }),
  'POST /plans/:slug/staff-page/findings/:findingId': async (t, ids) => ({
    form: {
      version: String(await staffMarkVersion(t, 'finding_id', ids.findingId)),
      shown: 'yes',
      summary: `${t.words} you said`,
      themeId: '',
    },
  }),
  'POST /plans/:slug/staff-page/actions/:actionId': async (t, ids) => ({
    form: {
      version: String(await staffMarkVersion(t, 'action_id', ids.actionId)),
      shown: 'yes',
      summary: `${t.words} staff words`,
    },
  }),
  'POST /plans/:slug/surveys/questions/:questionId': async (t, ids) => ({
    form: { version: String(await version(t, 'survey_questions', ids.questionId)), themeId: t.plan.themeId },
  }),
  'POST /api/v1/plans/:slug/findings': (t) => ({
    json: { reference: `R${++made}`, text: `${t.words} finding added`, kind: 'recommendation' },
  }),
  'PATCH /api/v1/plans/:slug/findings/:findingId': async (t, ids) => ({
    json: { version: await version(t, 'findings', ids.findingId), priority: `${t.words} priority` },
  }),
  'PUT /api/v1/plans/:slug/actions/:actionId/findings': (t) => ({ json: { findingIds: [t.plan.findingId] } }),
  'POST /plans/:slug/updates/:updateId/edit': async (t, ids) => ({
    form: {
      version: String(await version(t, 'updates', ids.updateId)),
      body: `${t.words} update corrected`,
      ...dateFieldValues('effectiveOn', '2024-05-01'),
    },
  }),
  'POST /plans/:slug/updates/:updateId/delete': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/actions/:actionId/post-update': (t) => ({
    form: { body: `${t.words} update posted from My work` },
  }),
  'POST /plans/:slug/themes/:themeId/post-update': (t) => ({
    form: { body: `${t.words} update posted from My work` },
  }),
  // Words without plan B's marker: the statement is public, and B's words must never reach anyone else.
  'POST /accessibility/edit': async (t) => {
    const row = await t.db.kysely
      .selectFrom('site_settings')
      .select('version')
      .where('name', '=', 'accessibility-statement')
      .executeTakeFirst();
    return { form: { version: String(row?.version ?? 0), text: `Statement saved ${++made}` } };
  },
  'POST /plans/:slug/reports': () => ({
    form: { ...dateFieldValues('periodStart', '2024-07-01'), ...dateFieldValues('periodEnd', '2024-09-30') },
  }),
  'POST /plans/:slug/reports/:reportId/edit': async (t, ids) => ({
    form: {
      version: String(await version(t, 'reports', ids.reportId)),
      ...dateFieldValues('periodStart', '2024-04-01'),
      ...dateFieldValues('periodEnd', '2024-06-30'),
      overallStatus: `${t.words} report overall status`,
    },
  }),
  'POST /plans/:slug/reports/:reportId/publish': async (t, ids) => ({
    form: { version: String(await version(t, 'reports', ids.reportId)), withEmptySections: 'yes' },
  }),
  'POST /owners': () => ({ form: { name: `Nadia Newowner ${++made}`, kind: 'person' } }),
  'POST /owners/:ownerId/edit': async (t, ids) => ({ form: await ownerForm(t, ids.ownerId) }),
  'POST /owners/:ownerId/delete': async (t, ids) => ({
    form: { confirm: 'yes', version: String(await ownerVersion(t, ids.ownerId)) },
  }),
  'POST /owners/:ownerId/merge': async (t, ids) => ({
    form: { version: String(await ownerVersion(t, ids.ownerId)), into: otherOwner(t) },
  }),
  'POST /import': () => ({ multipart: importUpload }),
  'POST /import/:id/columns': () => ({ form: { 'column:Owner': 'owners' } }),
  'POST /import/:id/save': () => ({ form: { target: 'new' } }),
  'POST /api/v1/plans': (t) => ({ json: { title: `${t.words} plan made ${++made}` } }),
  'PATCH /api/v1/plans/:slug': async (t) => ({
    json: { version: await version(t, 'plans', t.plan.id), sponsor: `${t.words} sponsor` },
  }),
  'POST /api/v1/plans/:slug/themes': (t) => ({ json: { title: `${t.words} theme added ${++made}` } }),
  'PATCH /api/v1/plans/:slug/themes/:themeId': async (t, ids) => ({
    json: { version: await version(t, 'themes', ids.themeId), progress: `${t.words} progress` },
  }),
  'POST /api/v1/plans/:slug/themes/:themeId/move': () => ({ json: { direction: 'down' } }),
  'POST /api/v1/plans/:slug/themes/:themeId/updates': (t) => ({ json: { body: `${t.words} update posted` } }),
  'POST /api/v1/plans/:slug/actions': (t) => ({ json: { title: `${t.words} action added ${++made}` } }),
  'PATCH /api/v1/plans/:slug/actions/:actionId': async (t, ids) => ({
    json: { version: await version(t, 'actions', ids.actionId), progress: `${t.words} progress` },
  }),
  'POST /api/v1/plans/:slug/actions/:actionId/move': () => ({ json: { direction: 'down' } }),
  'POST /api/v1/plans/:slug/actions/:actionId/updates': (t) => ({
    json: { body: `${t.words} update posted` },
  }),
  'PATCH /api/v1/plans/:slug/updates/:updateId': async (t, ids) => ({
    json: { version: await version(t, 'updates', ids.updateId), body: `${t.words} update corrected` },
  }),
  'POST /api/v1/owners': () => ({ json: { name: `Nadia Newowner ${++made}`, kind: 'person' } }),
  'PATCH /api/v1/owners/:ownerId': async (t, ids) => ({
    json: { kind: 'person', version: await ownerVersion(t, ids.ownerId) },
  }),
  'POST /api/v1/owners/:ownerId/merge': async (t, ids) => ({
    json: { version: await ownerVersion(t, ids.ownerId), into: otherOwner(t) },
  }),
  'POST /account/password': async (t) => {
    // Cast members sign in by session only: they are all given a password once, on the first (an allowed) request,
    // and change it to the same, so that it lasts and a refused request changes nothing.
    const people = Object.values(t.cast.people).map((person) => person.user.id);
    const withoutPassword = await t.db.kysely
      .selectFrom('users')
      .select('id')
      .where('id', 'in', people)
      .where('password_hash', 'is', null)
      .execute();
    for (const { id } of withoutPassword)
      await inTransaction(t.db, (trx) => setUserPassword(trx, testActor, id, signInPassword));
    return {
      form: { currentPassword: signInPassword, newPassword: signInPassword, confirmPassword: signInPassword },
    };
  },
  'POST /account/email': async (t) => {
    const user = await t.db.kysely
      .selectFrom('users')
      .select('version')
      .where('id', '=', personOf(t).user.id)
      .executeTakeFirstOrThrow();
    return { form: { version: String(user.version), digest: 'weekly', changeNotices: 'on' } };
  },
  'POST /account/tokens': () => ({ form: { tokenName: `Matrix token ${++made}`, tokenAccess: 'read' } }),
  'POST /account/tokens/:tokenId/revoke': () => ({ form: { confirm: 'yes' } }),
  'POST /admin/users': () => ({
    form: { email: `added-${++made}-${Date.now()}@example.org`, name: 'Ada Added', role: 'viewer' },
  }),
  'POST /admin/users/:userId/role': () => ({ form: { role: 'viewer' } }),
  'POST /admin/users/:userId/details': () => ({ form: { name: 'Signe Signin', ownerId: '' } }),
  'POST /admin/users/:userId/access': () => ({ form: { disabled: 'no' } }),
  'POST /admin/outbox/:jobId/retry': () => ({ form: { state: '' } }),
  'POST /plans/:slug/people': (t) => ({ form: { email: t.cast.signInAccount.email, role: 'viewer' } }),
  'POST /plans/:slug/people/:userId': () => ({ form: { role: 'viewer' } }),
  'POST /plans/:slug/people/:userId/remove': () => ({ form: { confirm: 'yes' } }),
  'POST /plans/:slug/rounds': (t) => ({
    form: {
      meetingName: `${t.words} board ${++made}`,
      ...dateFieldValues('meetingOn', addDays(londonDate(), 14)),
      ...dateFieldValues('deadline', addDays(londonDate(), 7)),
      reminderDays: '3, 0',
      items: `action:${t.plan.linkActionId}`,
    },
  }),
  'POST /plans/:slug/rounds/:roundId/remind': (t) => ({ form: { ownerId: t.plan.roundOwnerId } }),
  'POST /plans/:slug/rounds/:roundId/revoke': (t) => ({ form: { ownerId: t.plan.roundOwnerId } }),
  'POST /plans/:slug/rounds/:roundId/close': async (t, ids) => ({
    form: { confirm: 'yes', version: String(await roundVersion(t, ids.roundId)) },
  }),
  'POST /plans/:slug/rounds/:roundId/report': () => ({ form: {} }),
  'POST /admin/personal-links': () => ({ form: { allowed: 'yes' } }),
  'POST /api/v1/plans/:slug/rounds': (t) => ({
    json: {
      meetingName: `${t.words} board ${++made}`,
      meetingOn: addDays(londonDate(), 14),
      deadline: addDays(londonDate(), 7),
      items: [`action:${t.plan.linkActionId}`],
    },
  }),
  'POST /api/v1/plans/:slug/rounds/:roundId/close': async (t, ids) => ({
    json: { version: await roundVersion(t, ids.roundId) },
  }),
  'POST /respond/:linkToken': (t) => ({
    form: { item: `action:${t.world.A.linkActionId}`, body: `Alder update through a link ${++made}` },
  }),
};

/** The query string for each route that takes one, naming the same records as the path. */
const queries: Record<string, (t: Target, ids: Ids) => Promise<string>> = {
  'DELETE /api/v1/owners/:ownerId': async (t, ids) => `version=${await ownerVersion(t, ids.ownerId)}`,
  // Words in every action of both plans, so that a search showing plan B to someone who may not read it is caught.
  'GET /api/v1/search': async () => 'q=action',
  // Now: the plans of the matrix exist, so each answers as it stands.
  'GET /api/v1/plans/:slug/as-at': async () => `at=${encodeURIComponent(new Date().toISOString())}`,
};

/** The person whose session or token a column's requests carry. */
function personOf(t: Target) {
  const person = t.column === 'ro' || t.column === 'rw' ? 'mgr' : t.column === 'oth' ? 'own' : t.column;
  return t.cast.people[person as keyof Cast['people']] ?? t.cast.people.stranger;
}

interface Ids {
  linkSecret: string;
  slug: string;
  actionId: string;
  themeId: string;
  updateId: string;
  reportId: string;
  findingId: string;
  waveId: string;
  questionId: string;
  ownerId: string;
  id: string;
  token: string;
  tokenId: string;
  userId: string;
  jobId: string;
  roundId: string;
  linkToken: string;
  pageKey: string;
}

async function idsFor(t: Target, route: string): Promise<Ids> {
  const other = t.column === 'oth';
  const person = t.column === 'ro' || t.column === 'rw' ? 'mgr' : t.column === 'oth' ? 'own' : t.column;
  // A one-time link is made only for the routes that name one: each is a write, and most routes do not.
  const token = /:token\b/.test(route)
    ? await inTransaction(t.db, async (trx) => {
        const user = await trx
          .selectFrom('users')
          .select('id')
          .where('email', '=', t.cast.signInAccount.email)
          .executeTakeFirstOrThrow();
        return createPasswordLink(trx, user.id, 1);
      })
    : '';
  return {
    slug: t.plan.slug,
    actionId: other ? t.plan.otherActionId : t.plan.actionId,
    themeId: other ? t.plan.otherThemeId : t.plan.themeId,
    updateId: other ? t.plan.otherUpdateId : t.plan.updateId,
    reportId: onPublishedReport.has(route) ? t.plan.publishedReportId : t.plan.draftReportId,
    findingId: t.plan.findingId,
    waveId: t.plan.waveId,
    questionId: t.plan.questionId,
    ownerId: t.plan.ownerId,
    id: t.onB ? t.world.strangerImport : (t.world.imports[person] ?? t.world.strangerImport),
    token,
    jobId: route.includes(':jobId') ? await failedMessage(t) : '',
    roundId: t.plan.roundId,
    linkToken: t.world.A.linkToken,
    pageKey: t.plan.staffPageKey,
    linkSecret: route.includes(':linkSecret')
      ? await inTransaction(t.db, (trx) => issueUnsubscribeLink(trx, personOf(t).user.id, 'digest'))
      : '',
    ...(await accountIds(t, route)),
  };
}

/** A message that failed, for the outbox's Retry (each request retries one of its own). */
/**
 * One failed message per world, made the first time it is asked for, so that asking again changes nothing; a retry
 * that is let through uses it up, and is given a fresh world (usesUp).
 */
const failedMessages = new WeakMap<object, Promise<string>>();
function failedMessage(t: Target): Promise<string> {
  const made = failedMessages.get(t.world) ?? makeFailedMessage(t);
  failedMessages.set(t.world, made);
  return made;
}

function makeFailedMessage(t: Target): Promise<string> {
  return failedEmailJob(t.db, 'Matrix');
}

/** A token of the person acting, to revoke; and the user the people and administration pages act on. */
async function accountIds(t: Target, route: string): Promise<{ tokenId: string; userId: string }> {
  const signe = await t.db.kysely
    .selectFrom('users')
    .select('id')
    .where('email', '=', t.cast.signInAccount.email)
    .executeTakeFirstOrThrow();
  // The people routes name someone in the plan, so Signe is given a role in it first.
  if (route.includes('/people/:userId'))
    await inTransaction(t.db, (trx) => setPlanRole(trx, testActor, t.plan.id, signe.id, 'viewer'));
  const tokenId = route.includes(':tokenId')
    ? (
        await inTransaction(t.db, (trx) =>
          createApiToken(trx, testActor, personOf(t).user.id, { name: 'to revoke', access: 'read' }),
        )
      ).row.id
    : '';
  return { tokenId, userId: signe.id };
}

function parseOutcomes(text: string): Outcome[] {
  const outcomes = text.trim().split(/\s+/) as Outcome[];
  if (outcomes.length !== columns.length || outcomes.some((o) => !['ok', 'in', '403', '404'].includes(o)))
    throw new Error(`Matrix line "${text}" needs one of ok/in/403/404 for each of ${columns.join(' ')}`);
  return outcomes;
}

/** What each person should get on A and on B, by the rule in the comment above the matrix. */
function expectations(route: string): { A: Outcome[]; B: Outcome[] } {
  const [a, b] = matrix[route]!.split('|');
  const A = parseOutcomes(a!);
  if (b) return { A, B: parseOutcomes(b) };
  if (!route.includes(':slug')) return { A, B: A };
  const B = A.map((outcome, i): Outcome => {
    const column = columns[i]!;
    if (column === 'admin' || outcome === 'in') return outcome;
    if (column === 'ro' && outcome === '403') return '403';
    return '404';
  });
  return { A, B };
}

function outcomeOf(route: string, response: LightMyRequestResponse): Outcome | `other ${number}` {
  const status = response.statusCode;
  if (status === 401) return 'in';
  // Signing out sends the person to the sign-in page: that is it working, where a refused post is a 401.
  if (status >= 300 && status < 400)
    return String(response.headers.location ?? '').startsWith('/sign-in') && route !== 'POST /sign-out'
      ? 'in'
      : 'ok';
  if (status >= 200 && status < 300) return 'ok';
  if (status === 403) return '403';
  if (status === 404) return '404';
  return `other ${status}`;
}

/** What a person can read in a response: the text, or every XML part of a Word or Excel file. */
async function readableText(response: LightMyRequestResponse): Promise<string> {
  const type = String(response.headers['content-type'] ?? '');
  if (/image\//.test(type)) return '';
  if (!/officedocument/.test(type) || response.rawPayload.length === 0) return response.body;
  const zip = await openZip(response.rawPayload, { maxExpandedBytes: 64 * 1024 * 1024 });
  const parts = await Promise.all(
    zip.names.filter((name) => name.endsWith('.xml')).map((name) => zip.read(name)),
  );
  return parts.join('\n');
}

describeEachDatabase('authorisation matrix', (current) => {
  let app: FastifyInstance;
  let cast: Cast;
  let world: World;
  const registered = new Set<string>();

  beforeAll(async () => {
    const config = readConfig({}, { actorName: 'Test Manager' });
    app = await buildApp({
      db: current(),
      config,
      onRoute: (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        const path = route.url.startsWith('/api/docs') ? '/api/docs…' : route.url;
        for (const method of methods) if (method !== 'HEAD') registered.add(`${method} ${path}`);
      },
    });
    // Every page form is sent as a Headway page would send it, with its CSRF token: the matrix is about who may,
    // and src/web/csrf.test.ts about forged forms.
    const plainInject = app.inject.bind(app);
    app.inject = ((options: InjectOptions) => {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      const method = String(options.method ?? 'GET');
      const page = !String(options.url ?? '').startsWith('/api/');
      return plainInject(page && !['GET', 'HEAD'].includes(method) ? withCsrf(options, headers) : options);
    }) as never;
    cast = await makeCast(current(), config);
    world = await makeWorld(current(), cast);
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  it('has one line for every route of the app, and no line for a route that is gone', () => {
    const lines = new Set(Object.keys(matrix));
    expect(
      [...registered].filter((route) => !lines.has(route)),
      'routes without a line',
    ).toEqual([]);
    expect(
      [...lines].filter((route) => !registered.has(route)),
      'lines without a route',
    ).toEqual([]);
    for (const route of Object.keys(matrix)) expectations(route);
  });

  /** Sends the request as this column's person would: the cookie for pages, their token for the API. */
  async function send(
    t: Target,
    route: string,
    method: string,
    freshSession: boolean,
    guessed: Partial<Ids> = {},
  ) {
    const [, pattern] = route.split(' ') as [string, string];
    const ids = { ...(await idsFor(t, route)), ...guessed };
    const path =
      concretePaths[route] ??
      pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(ids[name as keyof Ids]));
    const query = queries[route];
    const url = query ? `${path}?${await query(t, ids)}` : path;
    const api = url.startsWith('/api/v1');
    const headers: Record<string, string> = {};
    const person = t.column === 'oth' ? 'own' : t.column;
    if (person === 'ro') headers.authorization = t.cast.readToken;
    else if (person === 'rw') headers.authorization = t.cast.people.mgr.authorization;
    else if (person !== 'anon') {
      const signedIn = t.cast.people[person];
      if (api) headers.authorization = signedIn.authorization;
      else if (freshSession) {
        const secret = await inTransaction(t.db, (trx) =>
          openSession(trx, signedIn.user, sessionTimes(app.config), '127.0.0.1', 'test'),
        );
        headers.cookie = `${sessionCookieName}=${secret}`;
      } else headers.cookie = signedIn.cookie;
    }
    const options: InjectOptions = { method: method as InjectOptions['method'], url, headers };
    const build = method === 'HEAD' ? undefined : requests[route];
    if (build) {
      const body = await build(t, ids);
      if ('form' in body) {
        options.payload = new URLSearchParams(body.form).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if ('json' in body) options.payload = body.json;
      else {
        options.payload = body.multipart;
        headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      }
    }
    return app.inject(options);
  }

  for (const route of Object.keys(matrix)) {
    it(`${route}: each person gets what the matrix says, on their plan and on another`, async () => {
      const db = current();
      const { A, B } = expectations(route);
      const [method] = route.split(' ') as [string];
      const failures: string[] = [];
      for (const [planName, expected] of [
        ['A', A],
        ['B', B],
      ] as const) {
        // HEAD is GET's own handler and rule (Fastify makes it from the GET route): it is asked of the first person
        // to get each answer the route gives, so each answer is checked for HEAD too, at half the requests.
        const headFor = new Set(expected.map((want) => expected.indexOf(want)));
        for (const [i, column] of columns.entries()) {
          const want = expected[i]!;
          const fresh = want === 'ok' && usesUp.has(route);
          const here = fresh ? await makeWorld(db, cast) : world;
          const t: Target = {
            db,
            cast,
            world: here,
            column,
            plan: here[planName],
            onB: planName === 'B',
            words: planName === 'B' && route.includes(':slug') ? `${planBMarker} harbour` : 'Alder',
          };
          // The message to retry is made before the database is looked at, so that making it is not a change.
          if (route.includes(':jobId')) await failedMessage(t);
          const before = method !== 'GET' && want !== 'ok' ? await fingerprint(db) : undefined;
          for (const asked of method === 'GET' && headFor.has(i) ? ['GET', 'HEAD'] : [method]) {
            const response = await send(t, route, asked, startsOrEndsSession.has(route));
            const got = outcomeOf(route, response);
            if (got !== want)
              failures.push(
                `${planName} ${column} ${asked}: expected ${want}, got ${got} ${response.body.replace(/\s+/g, ' ').slice(0, 100)}`,
              );
            // What a person may not read of plan B never appears in what they get, on A's routes or on lists.
            const mayReadB = column === 'admin';
            if (!mayReadB && !(planName === 'B' && route.includes(':slug')))
              if ((await readableText(response)).toLowerCase().includes(planBMarker.toLowerCase()))
                failures.push(`${planName} ${column} ${asked}: plan B shows in the response`);
          }
          if (before !== undefined && (await fingerprint(db)) !== before)
            failures.push(`${planName} ${column}: refused, yet something changed`);
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }

  describe('guessing ids', () => {
    const nested = Object.keys(matrix).filter((route) =>
      /:(actionId|themeId|updateId|reportId|roundId|findingId)/.test(route),
    );
    const guesses: [string, (B: PlanFixture) => Partial<Ids>][] = [
      [
        "plan B's records under plan A",
        (B) => ({
          actionId: B.actionId,
          themeId: B.themeId,
          updateId: B.updateId,
          reportId: B.draftReportId,
          roundId: B.roundId,
          findingId: B.findingId,
        }),
      ],
      [
        'ids that were never made',
        () => ({
          actionId: randomUUID(),
          themeId: randomUUID(),
          updateId: randomUUID(),
          reportId: randomUUID(),
          roundId: randomUUID(),
          findingId: randomUUID(),
        }),
      ],
    ];
    for (const [guess, idsOf] of guesses)
      it(`answers ${guess} as not found, for reads and writes, pages and API, and changes nothing`, async () => {
        const db = current();
        const failures: string[] = [];
        for (const route of nested)
          for (const column of ['admin', 'mgr'] as const) {
            const t: Target = { db, cast, world, column, plan: world.A, onB: false, words: 'Alder' };
            const before = await fingerprint(db);
            const [method] = route.split(' ') as [string];
            const response = await send(t, route, method, false, idsOf(world.B));
            if (response.statusCode !== 404) failures.push(`${route} ${column}: ${response.statusCode}`);
            if ((await fingerprint(db)) !== before) failures.push(`${route} ${column}: something changed`);
          }
        expect(nested.length).toBeGreaterThan(30);
        expect(failures).toEqual([]);
      }, 120_000);

    it('answers an owner or an import that was never made as not found', async () => {
      for (const url of [`/owners/${randomUUID()}`, `/import/${randomUUID()}`])
        expect((await app.inject({ url, headers: { cookie: cast.people.admin.cookie } })).statusCode).toBe(
          404,
        );
      const api = await app.inject({
        url: `/api/v1/owners/${randomUUID()}`,
        headers: { authorization: cast.people.admin.authorization },
      });
      expect(api.statusCode).toBe(404);
    });

    it("refuses plan B's theme named in the body of a change to plan A, and changes nothing", async () => {
      const db = current();
      const before = await fingerprint(db);
      const api = await app.inject({
        method: 'POST',
        url: `/api/v1/plans/${world.A.slug}/actions`,
        headers: { authorization: cast.people.admin.authorization },
        payload: { title: 'Alder action in a theme of another plan', themeId: world.B.themeId },
      });
      expect(api.statusCode).toBe(400);
      expect(api.json().errors).toEqual({ themeId: 'Choose a theme of this plan' });
      const page = await app.inject({
        method: 'POST',
        url: `/plans/${world.A.slug}/actions/${world.A.actionId}/edit`,
        headers: { cookie: cast.people.mgr.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          ...(await actionForm({ db } as Target, world.A.actionId)),
          themeId: world.B.themeId,
        }).toString(),
      });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('Choose a theme of this plan');
      expect(await fingerprint(db)).toBe(before);
    });
  });

  it('refuses a manager of plan A who renames, merges or deletes an owner who also appears in plan B, and changes nothing', async () => {
    const db = current();
    const shared = `Shared owner ${++made}`;
    await makeAction(db, world.A.id, { title: 'Alder action with a shared owner', owners: [shared] });
    await makeAction(db, world.B.id, {
      title: `${planBMarker} action with a shared owner`,
      owners: [shared],
    });
    const owner = await db.kysely
      .selectFrom('owners')
      .selectAll()
      .where('name', '=', shared)
      .executeTakeFirstOrThrow();
    const version = String(owner.version);
    const form = (url: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: cast.people.mgr.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    const api = (method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object) =>
      app.inject({
        method,
        url,
        headers: { authorization: cast.people.mgr.authorization },
        ...(payload ? { payload } : {}),
      });
    const before = await fingerprint(db);
    const answers = [
      await app.inject({ url: `/owners/${owner.id}/edit`, headers: { cookie: cast.people.mgr.cookie } }),
      await form(`/owners/${owner.id}/edit`, { name: 'Renamed by A', kind: owner.kind, email: '', version }),
      await form(`/owners/${owner.id}/delete`, { confirm: 'yes', version }),
      await form(`/owners/${owner.id}/merge`, { into: world.A.ownerId, version }),
      await api('PATCH', `/api/v1/owners/${owner.id}`, { name: 'Renamed by A', version: owner.version }),
      await api('DELETE', `/api/v1/owners/${owner.id}?version=${version}`),
      await api('POST', `/api/v1/owners/${owner.id}/merge`, {
        into: world.A.ownerId,
        version: owner.version,
      }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(403);
      expect(answer.body).toContain('they appear in a plan you do not manage');
      expect(answer.body.toLowerCase()).not.toContain(planBMarker.toLowerCase());
    }
    expect(await fingerprint(db)).toBe(before);
    const page = await app.inject({
      url: `/owners/${owner.id}`,
      headers: { cookie: cast.people.mgr.cookie },
    });
    expect(page.body).not.toContain('Delete from the directory');
    expect(page.body).toContain('appears in a plan you do not manage');
    // The administrator may: the owner's action in B moves on a version and B's history shows the new name.
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/owners/${owner.id}`,
      headers: { authorization: cast.people.admin.authorization },
      payload: { name: `${shared} renamed`, version: owner.version },
    });
    expect(renamed.statusCode).toBe(200);
    const inB = await db.kysely
      .selectFrom('history')
      .select(['after_json'])
      .where('plan_id', '=', world.B.id)
      .where('record_type', '=', 'action')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(inB.after_json!).owners).toEqual([`${shared} renamed`]);
  });

  it("counts in the owners directory only what the reader may see: plan B's owner holds nothing for a viewer of A", async () => {
    const list = async (as: 'admin' | 'view') =>
      (
        await app.inject({
          url: '/api/v1/owners?q=bryony&limit=500',
          headers: { authorization: cast.people[as].authorization },
        })
      ).json().items as { id: string; actionCount: number; themeCount: number; openCount: number }[];
    const counts = (items: Awaited<ReturnType<typeof list>>) =>
      items.find((owner) => owner.id === world.B.ownerId);
    expect(counts(await list('admin'))).toMatchObject({ actionCount: 2, themeCount: 2, openCount: 2 });
    expect(counts(await list('view'))).toMatchObject({ actionCount: 0, themeCount: 0, openCount: 0 });
  });

  describe('pages offer only what the user may do', () => {
    const page = async (as: 'admin' | 'mgr' | 'con' | 'view' | 'own' | 'mgr0', url: string) => {
      const response = await app.inject({ url, headers: { cookie: cast.people[as].cookie } });
      expect(response.statusCode).toBe(200);
      return response.body;
    };

    it("shows a viewer the plan without the manager's links, and the manager with them", async () => {
      const viewer = await page('view', `/plans/${world.A.slug}`);
      for (const text of ['Edit plan details', 'Delete plan', 'Add an action', 'Add a theme', '/move'])
        expect(viewer).not.toContain(text);
      expect(viewer).not.toMatch(/\/updates\/[^"]+\/edit/);
      const manager = await page('mgr', `/plans/${world.A.slug}`);
      for (const text of ['Edit plan details', 'Delete plan', 'Add an action', 'Add a theme'])
        expect(manager).toContain(text);
    });

    it('shows an owner the update form on the action they own and the theme they lead, and not on others', async () => {
      const form = 'class="hw-post-update"';
      const mine = await page('own', `/plans/${world.A.slug}/actions/${world.A.actionId}`);
      expect(mine).toContain(form);
      expect(mine).toContain(`/updates/${world.A.updateId}/edit`);
      expect(mine).not.toContain('Edit action');
      const other = await page('own', `/plans/${world.A.slug}/actions/${world.A.otherActionId}`);
      expect(other).not.toContain(form);
      expect(other).not.toContain(`/updates/${world.A.otherUpdateId}/edit`);
      expect(await page('own', `/plans/${world.A.slug}/themes/${world.A.themeId}`)).toContain(form);
      expect(await page('own', `/plans/${world.A.slug}/themes/${world.A.otherThemeId}`)).not.toContain(form);
      expect(await page('view', `/plans/${world.A.slug}/actions/${world.A.actionId}`)).not.toContain(form);
      expect(await page('con', `/plans/${world.A.slug}/actions/${world.A.otherActionId}`)).toContain(form);
    });

    it('offers editing and publishing a report only to its managers', async () => {
      const draft = `/plans/${world.A.slug}/reports/${world.A.draftReportId}`;
      const published = `/plans/${world.A.slug}/reports/${world.A.publishedReportId}`;
      for (const text of ['Edit the report', `${draft}/publish`]) {
        expect(await page('view', draft)).not.toContain(text);
        expect(await page('mgr', draft)).toContain(text);
      }
      expect(await page('con', published)).not.toContain('Make a correction');
      expect(await page('mgr', published)).toContain('Make a correction');
      expect(await page('view', `/plans/${world.A.slug}/reports`)).not.toContain('Draft a report');
      expect(await page('mgr', `/plans/${world.A.slug}/reports`)).toContain('Draft a report');
    });

    it('offers creating and importing plans, and keeping the owners directory, only to administrators and managers', async () => {
      for (const as of ['admin', 'mgr', 'mgr0'] as const) {
        const plans = await page(as, '/plans');
        expect(plans).toContain('Create a plan');
        expect(plans).toContain('href="/import"');
        expect(await page(as, '/owners')).toContain('Add an owner');
      }
      for (const as of ['con', 'view', 'own'] as const) {
        const plans = await page(as, '/plans');
        expect(plans).not.toContain('Create a plan');
        expect(plans).not.toContain('href="/import"');
        expect(await page(as, '/owners')).not.toContain('Add an owner');
        expect(await page(as, `/owners/${world.A.ownerId}`)).not.toContain('Delete from the directory');
      }
    });
  });

  it('reads the words inside Word and Excel downloads, so a leak there would show', async () => {
    for (const url of [`/plans/${world.B.slug}/export.docx`, `/plans/${world.B.slug}/export.xlsx`]) {
      const response = await app.inject({ url, headers: { cookie: cast.people.admin.cookie } });
      expect(await readableText(response)).toContain(`${planBMarker} harbour action owned`);
    }
  });

  describe('the API takes tokens only', () => {
    it('refuses a session cookie on the API as signed out', async () => {
      const response = await app.inject({
        url: `/api/v1/plans/${world.A.slug}`,
        headers: { cookie: cast.people.admin.cookie },
      });
      expect(response.statusCode).toBe(401);
    });
  });
});
