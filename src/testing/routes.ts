// The app's routes as tests visit them: taken from its route table, with each path parameter filled by a record.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/connection.js';
import { startPendingImport } from '../import/pendingImports.js';
import { queueEmail } from '../mail/emailMessage.js';
import { createOwner } from '../owners/ownerCommands.js';
import { createUser, setPlanRole } from '../people/userCommands.js';
import { createApiToken } from '../signin/apiTokens.js';
import { createReport } from '../reports/reportCommands.js';
import { createPasswordLink } from '../signin/passwordLinks.js';
import { issueUnsubscribeLink } from '../notifications/unsubscribeLinks.js';
import type { RouteEntry } from '../web/routeTable.js';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import type { PlanRow } from '../db/schema.js';
import { createPersonalLink } from '../rounds/personalLinks.js';
import { startRound } from '../rounds/roundCommands.js';
import { createFinding, setActionFindings } from '../findings/findingCommands.js';
import { createWave, saveScores, setQuestionTheme } from '../surveys/surveyCommands.js';
import {
  publishStaffPage,
  saveStaffMark,
  saveStaffPageIntro,
  setStaffPageReaders,
} from '../staff/staffPageCommands.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from './factories.js';

/** A record for every path parameter a route can name, keyed by the parameter's name. */
export type RouteRecords = Record<string, string>;

/**
 * A wave of the plan's staff survey with one score, its question marked for the focus area when one is given: the
 * survey pages' records. `text` names the wave and the question, so a test of what pages show can put its words there.
 */
export async function surveyRecords(
  db: Db,
  planId: string,
  text = 'Staff survey',
  themeId: string | null = null,
): Promise<{ waveId: string; questionId: string }> {
  return db.kysely.transaction().execute(async (trx) => {
    const first = await createWave(trx, testActor, planId, {
      name: text.slice(0, 200),
      heldOn: '2023-03-31',
    });
    const second = await createWave(trx, testActor, planId, {
      name: `${text.slice(0, 190)} again`,
      heldOn: '2024-03-29',
    });
    const question = text.slice(0, 1000);
    await saveScores(trx, testActor, planId, first.id, 1, [
      { question, driver: text.slice(0, 200), score: 54 },
    ]);
    await saveScores(trx, testActor, planId, second.id, 1, [{ question, score: 61, comparator: 58 }]);
    const { id } = await trx
      .selectFrom('survey_questions')
      .select('id')
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    if (themeId) await setQuestionTheme(trx, testActor, planId, id, 1, themeId);
    return { waveId: second.id, questionId: id };
  });
}

/**
 * The plan's staff page with the finding and the action on it in `text`, published and open at its public address:
 * the staff pages' records.
 */
export async function staffPageRecords(
  db: Db,
  planId: string,
  subjects: { findingId: string; actionId: string; themeId: string | null },
  text = 'You told us',
): Promise<{ pageKey: string }> {
  return db.kysely.transaction().execute(async (trx) => {
    const words = text.slice(0, 2000);
    await saveStaffMark(trx, testActor, planId, { kind: 'finding', id: subjects.findingId }, 0, {
      shown: true,
      summary: words,
      themeId: subjects.themeId,
    });
    await saveStaffMark(trx, testActor, planId, { kind: 'action', id: subjects.actionId }, 0, {
      shown: true,
      summary: words,
      showOwners: true,
      showUpdate: true,
    });
    await saveStaffPageIntro(trx, testActor, planId, 0, words);
    await publishStaffPage(trx, testActor, planId);
    const page = await setStaffPageReaders(trx, testActor, planId, 1, 'public');
    return { pageKey: page.public_key };
  });
}

/**
 * One of each kind of record behind a page: a plan with a theme, an action, an update, a finding the action answers and a
 * report; an owner; an import in review.
 */
export async function makeOneOfEach(
  db: Db,
  text: { title?: string; body?: string; owner?: string } = {},
  /** Who the import in review belongs to: only they may open it. */
  userId: string | null = null,
): Promise<RouteRecords> {
  const title = text.title ?? 'Wellbeing';
  const plan = await makePlan(db, { title: `${title} plan` });
  const theme = await makeTheme(db, plan.id, { title: `${title} theme` });
  const action = await makeAction(db, plan.id, {
    title: `${title} action`,
    themeId: theme.id,
    owners: [text.owner ?? 'Corp Comms'],
  });
  const update = await makeUpdate(
    db,
    plan.id,
    { actionId: action.id },
    { body: text.body ?? 'Progress made' },
  );
  const owner = await db.kysely
    .transaction()
    .execute((trx) => createOwner(trx, testActor, { name: `${title} owner ${plan.slug}` }));
  const finding = await db.kysely.transaction().execute(async (trx) => {
    const made = await createFinding(trx, testActor, plan.id, {
      reference: 'R1',
      text: `${title} finding`,
      kind: 'recommendation',
    });
    await setActionFindings(trx, testActor, plan.id, action.id, [made.id]);
    return made;
  });
  const report = await db.kysely
    .transaction()
    .execute((trx) =>
      createReport(trx, testActor, plan.id, { periodStart: '2024-01-01', periodEnd: '2024-03-31' }),
    );
  const pendingImport = await startPendingImport(db, {
    fileName: 'plan.csv',
    bytes: Buffer.from(`Action,Owner\n${title} imported action,Corp Comms\n`),
    sheet: null,
    actorName: testActor.name,
    userId,
  });
  const { token, userId: person, tokenId, linkSecret } = await accountRecords(db, plan.id, userId);
  const jobId = await failedEmailJob(db, title);
  return {
    ...(await roundRecords(db, plan)),
    ...(await surveyRecords(db, plan.id, `${title} survey`, theme.id)),
    ...(await staffPageRecords(db, plan.id, {
      findingId: finding.id,
      actionId: action.id,
      themeId: theme.id,
    })),
    token,
    linkSecret,
    jobId,
    userId: person,
    tokenId,
    slug: plan.slug,
    themeId: theme.id,
    actionId: action.id,
    updateId: update.id,
    ownerId: owner.id,
    reportId: report.id,
    findingId: finding.id,
    id: pendingImport,
  };
}

/**
 * The records behind the account and people pages: a user of their own with a one-time link to choose a password
 * and a role in the plan, and an API token of the person the tests act as (`userId`), to revoke.
 */
export async function accountRecords(
  db: Db,
  planId: string,
  userId: string | null,
  /** The user's name and the token's: a test of what pages show can put its words there. */
  name = 'Link Holder',
): Promise<{ token: string; userId: string; tokenId: string; linkSecret: string }> {
  return db.kysely.transaction().execute(async (trx) => {
    const user = await createUser(trx, testActor, {
      email: `link-${planId}@example.org`,
      name: name.slice(0, 200),
    });
    await setPlanRole(trx, testActor, planId, user.id, 'viewer');
    const tokenId = userId
      ? (await createApiToken(trx, testActor, userId, { name: name.slice(0, 100), access: 'read' })).row.id
      : '';
    return {
      token: await createPasswordLink(trx, user.id, 1),
      userId: user.id,
      tokenId,
      // A link from a digest that switches it off without signing in.
      linkSecret: await issueUnsubscribeLink(trx, user.id, 'digest'),
    };
  });
}

/** An open update request in the plan, and a personal link of an owner it asks (an owner with no account). */
export async function roundRecords(db: Db, plan: PlanRow): Promise<{ roundId: string; linkToken: string }> {
  const owner = await db.kysely
    .transaction()
    .execute((trx) => createOwner(trx, testActor, { name: `Link owner ${plan.slug}` }));
  const asked = await makeAction(db, plan.id, { title: 'Action asked about', owners: [owner.name] });
  return db.kysely.transaction().execute(async (trx) => {
    const round = await startRound(trx, testActor, { publicUrl: undefined, port: 3000 }, plan, {
      meetingName: 'Board',
      meetingOn: addDays(londonDate(), 14),
      deadline: addDays(londonDate(), 7),
      items: [`action:${asked.id}`],
    });
    return { roundId: round.id, linkToken: await createPersonalLink(trx, round, owner.id) };
  });
}

/** A message the mail server refused after its last try, for the outbox's Retry. */
export function failedEmailJob(db: Db, subject: string): Promise<string> {
  return db.kysely.transaction().execute(async (trx) => {
    const id = await queueEmail(trx, { to: 'outbox@example.org', subject, marking: '', paragraphs: [] });
    await trx
      .updateTable('jobs')
      .set({ state: 'failed', attempts: 5, last_error: '550 No such mailbox' })
      .where('id', '=', id)
      .execute();
    return id;
  });
}

/** A route's path with its parameters filled; a parameter no record answers fails the test and says which. */
export function fillRoute(url: string, records: RouteRecords): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = records[name];
    if (value === undefined)
      throw new Error(
        `No test record for :${name} in ${url}; add one to makeOneOfEach (src/testing/routes.ts)`,
      );
    return encodeURIComponent(value);
  });
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isApi = (route: RouteEntry) => route.url.startsWith('/api/');

/** Every route that changes something from a page: what the CSRF check must guard. */
export function formRoutes(app: FastifyInstance): RouteEntry[] {
  return app.routeTable.filter((route) => stateChanging.has(route.method) && !isApi(route));
}

/** Every page a browser can open: GET routes outside the API, the static files and the downloads (report.docx). */
export function pageRoutes(app: FastifyInstance): RouteEntry[] {
  return app.routeTable.filter(
    (route) =>
      route.method === 'GET' && !isApi(route) && !route.url.includes('*') && !/\.[a-z]+$/.test(route.url),
  );
}
