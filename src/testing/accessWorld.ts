// The people and plans the authorisation tests speak about: two plans, A and B, and everyone who may or may not see them.
import { sql } from 'kysely';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { startPendingImport } from '../import/pendingImports.js';
import { createOwner } from '../owners/ownerCommands.js';
import { createUser, setPlanRole, updateUserDetails } from '../people/userCommands.js';
import { presentUser } from '../people/users.js';
import { createReport, publishReport, updateReport } from '../reports/reportCommands.js';
import { loadReport } from '../reports/reportQueries.js';
import { createApiToken } from '../signin/apiTokens.js';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import type { PlanRow } from '../db/schema.js';
import { startRound } from '../rounds/roundCommands.js';
import { createFinding, setActionFindings } from '../findings/findingCommands.js';
import { createWave, saveScores } from '../surveys/surveyCommands.js';
import { publishStaffPage, saveStaffMark, setStaffPageReaders } from '../staff/staffPageCommands.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from './factories.js';
import { signedInUser, type SignedInAs } from './testApp.js';

/**
 * Who asks, one short name each (the columns of the matrix):
 * admin; mgr, the manager of plan A (global role manager); con, a contributor member of A; view, a viewer of A;
 * own, a user linked to an owner who owns one action and leads one theme of A, with no membership, asking about
 * those; oth, the same user asking about the other action and theme of A; mgr0, a manager given no plans;
 * staff, a staff account (it reads the staff pages open to it and nothing else); anon, a signed-out visitor; ro and rw, a read-only and a read-write API token of mgr (and nothing else).
 */
export const columns = [
  'admin',
  'mgr',
  'con',
  'view',
  'own',
  'oth',
  'mgr0',
  'staff',
  'anon',
  'ro',
  'rw',
] as const;
export type Column = (typeof columns)[number];

export interface Cast {
  people: Record<'admin' | 'mgr' | 'con' | 'view' | 'own' | 'mgr0' | 'staff' | 'stranger', SignedInAs>;
  /** The owner the `own` user is linked to. */
  ownerId: string;
  readToken: string;
  /** A user with a password, for posting the sign-in form. */
  signInAccount: { email: string; password: string };
}

/** Every text of plan B carries this word, and nothing else does, so a leak of B shows wherever it appears. */
export const planBMarker = 'Quokka';

export interface PlanFixture {
  id: string;
  slug: string;
  /** Owned by the `own` user's owner in A. */
  actionId: string;
  otherActionId: string;
  /** Led by the `own` user's owner in A. */
  themeId: string;
  otherThemeId: string;
  /** On actionId and otherActionId. */
  updateId: string;
  otherUpdateId: string;
  draftReportId: string;
  publishedReportId: string;
  /** A finding of this plan, answered by actionId. */
  findingId: string;
  /** A wave of the plan's staff survey, with one score on questionId. */
  waveId: string;
  questionId: string;
  /** An owner of an action of this plan (never the `own` user's). */
  ownerId: string;
  /** An open update request asking Rhea, an owner with an address and no account, about two actions of her own. */
  roundId: string;
  roundOwnerId: string;
  /** Rhea's personal link, and the action of hers that requests through it post on (the other stays not updated). */
  linkToken: string;
  linkActionId: string;
  /** The key of the plan's published staff page's public address: open to anyone on A, to its readers only on B. */
  staffPageKey: string;
}

export interface World {
  A: PlanFixture;
  B: PlanFixture;
  /** A pending import of each person's own, and one of a stranger's. */
  imports: Record<string, string>;
  strangerImport: string;
}

let worlds = 0;

export const signInPassword = 'correct horse battery staple 42';

export async function makeCast(db: Db, config: Config): Promise<Cast> {
  const [admin, mgr, con, view, own, mgr0, staff, stranger] = [
    await signedInUser(db, config, 'admin', 'Ada Administrator'),
    await signedInUser(db, config, 'manager', 'Morgan Manager'),
    await signedInUser(db, config, 'contributor', 'Cai Contributor'),
    await signedInUser(db, config, 'viewer', 'Vic Viewer'),
    await signedInUser(db, config, 'contributor', 'Olu Owner'),
    await signedInUser(db, config, 'manager', 'Nia Noplans'),
    await signedInUser(db, config, 'staff', 'Stef Staff'),
    await signedInUser(db, config, 'manager', 'Sam Stranger'),
  ];
  return inTransaction(db, async (trx) => {
    const owner = await createOwner(trx, testActor, { name: 'Olu Owner', kind: 'person' });
    own.user = presentUser(await updateUserDetails(trx, testActor, own.user.id, { ownerId: owner.id }));
    const { token } = await createApiToken(trx, testActor, mgr.user.id, { name: 'read', access: 'read' });
    const email = `sign-in-${Date.now()}@example.org`;
    await createUser(trx, testActor, {
      email,
      name: 'Signe Signin',
      role: 'viewer',
      password: signInPassword,
    });
    return {
      people: { admin, mgr, con, view, own, mgr0, staff, stranger },
      ownerId: owner.id,
      readToken: `Bearer ${token}`,
      signInAccount: { email, password: signInPassword },
    };
  });
}

async function makeReports(db: Db, plan: { id: string; slug: string }, words: string) {
  const [published, draft] = await inTransaction(db, async (trx) => {
    const first = await createReport(trx, testActor, plan.id, {
      periodStart: '2024-01-01',
      periodEnd: '2024-03-31',
    });
    const second = await createReport(trx, testActor, plan.id, {
      periodStart: '2024-04-01',
      periodEnd: '2024-06-30',
    });
    for (const report of [first, second])
      await updateReport(trx, testActor, plan.id, report.id, report.version, {
        periodStart: report.period_start ?? undefined,
        periodEnd: report.period_end ?? undefined,
        overallStatus: `${words} report overall status`,
        sections: {},
      });
    return [first, second];
  });
  const { model, report } = await loadReport(db.kysely, plan.slug, published.id);
  await inTransaction(db, (trx) =>
    publishReport(trx, testActor, plan.id, published.id, report.version, model, { withEmptySections: true }),
  );
  return { publishedReportId: published.id, draftReportId: draft.id };
}

/** One plan with two themes, two actions each with an update, a draft and a published report. */
async function makePlanFixture(
  db: Db,
  words: string,
  ownerName: string,
  ownedBy: string | null,
  openStaffPage: boolean,
): Promise<PlanFixture> {
  worlds += 1;
  const plan = await makePlan(db, {
    title: `${words} action plan`,
    slug: `${words.toLowerCase().replace(/\W+/g, '-')}-${worlds}-${Date.now().toString(36)}`,
    sponsor: `${words} sponsor`,
  });
  const theme = await makeTheme(db, plan.id, { title: `${words} theme led`, lead: ownedBy ?? ownerName });
  const otherTheme = await makeTheme(db, plan.id, { title: `${words} theme other`, lead: ownerName });
  // The owned action sits in the theme the owner does not lead, so each right is tested on its own.
  const action = await makeAction(db, plan.id, {
    title: `${words} action owned`,
    owners: [ownedBy ?? ownerName],
    themeId: otherTheme.id,
  });
  const otherAction = await makeAction(db, plan.id, {
    title: `${words} action other`,
    owners: [ownerName],
    themeId: theme.id,
  });
  const update = await makeUpdate(db, plan.id, { actionId: action.id }, { body: `${words} update owned` });
  const otherUpdate = await makeUpdate(
    db,
    plan.id,
    { actionId: otherAction.id },
    { body: `${words} update other` },
  );
  await makeUpdate(db, plan.id, { themeId: theme.id }, { body: `${words} theme update` });
  const finding = await inTransaction(db, async (trx) => {
    const made = await createFinding(trx, testActor, plan.id, {
      reference: 'R1',
      text: `${words} finding`,
      kind: 'recommendation',
      sourceDocument: `${words} review`,
    });
    await setActionFindings(trx, testActor, plan.id, action.id, [made.id]);
    return made;
  });
  const wave = await inTransaction(db, async (trx) => {
    const made = await createWave(trx, testActor, plan.id, { name: `${words} survey`, heldOn: '2024-03-29' });
    await saveScores(trx, testActor, plan.id, made.id, 1, [{ question: `${words} question`, score: 60 }]);
    return made;
  });
  const question = await db.kysely
    .selectFrom('survey_questions')
    .select('id')
    .where('plan_id', '=', plan.id)
    .executeTakeFirstOrThrow();
  const owner = await db.kysely
    .selectFrom('owners')
    .select('id')
    .where('name', '=', ownerName)
    .executeTakeFirstOrThrow();
  const staffPage = await inTransaction(db, async (trx) => {
    await saveStaffMark(trx, testActor, plan.id, { kind: 'action', id: action.id }, 0, {
      shown: true,
      summary: `${words} staff words`,
    });
    await publishStaffPage(trx, testActor, plan.id);
    return setStaffPageReaders(trx, testActor, plan.id, 0, openStaffPage ? 'public' : 'plan');
  });
  return {
    ...(await makeRound(db, plan, words)),
    id: plan.id,
    slug: plan.slug,
    actionId: action.id,
    otherActionId: otherAction.id,
    themeId: theme.id,
    otherThemeId: otherTheme.id,
    updateId: update.id,
    otherUpdateId: otherUpdate.id,
    findingId: finding.id,
    waveId: wave.id,
    questionId: question.id,
    ...(await makeReports(db, plan, words)),
    ownerId: owner.id,
    staffPageKey: staffPage.public_key,
  };
}

/** An open round asking Rhea about two actions, and the personal link her request carries. */
async function makeRound(db: Db, plan: PlanRow, words: string) {
  const rhea = await inTransaction(db, (trx) =>
    createOwner(trx, testActor, {
      // The owners directory is shared by every plan, so her name and address say nothing of the plan.
      name: `Rhea Rounds ${plan.id}`,
      kind: 'person',
      email: `rhea-${plan.id}@example.org`,
    }),
  );
  const linked = await makeAction(db, plan.id, { title: `${words} action asked about`, owners: [rhea.name] });
  const waiting = await makeAction(db, plan.id, { title: `${words} action awaited`, owners: [rhea.name] });
  const today = londonDate();
  const round = await inTransaction(db, (trx) =>
    startRound(trx, testActor, { publicUrl: undefined, port: 3000 }, plan, {
      meetingName: `${words} board`,
      meetingOn: addDays(today, 14),
      deadline: addDays(today, 7),
      items: [`action:${linked.id}`, `action:${waiting.id}`],
    }),
  );
  const request = await db.kysely
    .selectFrom('jobs')
    .select('payload_json')
    .where('unique_key', '=', `round:${round.id}:request:${rhea.id}`)
    .executeTakeFirstOrThrow();
  const linkToken = /\/respond\/([A-Za-z0-9_-]+)/.exec(JSON.parse(request.payload_json).text)![1]!;
  return { roundId: round.id, roundOwnerId: rhea.id, linkToken, linkActionId: linked.id };
}

const importCsv = Buffer.from('Action,Owner,Status\nPublish the imported action,Avery Adams,In progress\n');

/** Plans A and B with everyone's place in them, and a pending import for each person. */
export async function makeWorld(db: Db, cast: Cast): Promise<World> {
  const ownerName = (
    await db.kysely
      .selectFrom('owners')
      .select('name')
      .where('id', '=', cast.ownerId)
      .executeTakeFirstOrThrow()
  ).name;
  // Owners of their own in each world, so that deleting one in a fresh world leaves the others alone. The two plans
  // share nothing, so they are made side by side (on PostgreSQL, on two connections at once).
  const made = worlds;
  const [A, B] = await Promise.all([
    makePlanFixture(db, 'Alder', `Avery Adams ${made}`, ownerName, true),
    makePlanFixture(db, `${planBMarker} harbour`, `Bryony Bramble ${made + 1}`, null, false),
  ]);
  const { people } = cast;
  await inTransaction(db, async (trx) => {
    await setPlanRole(trx, testActor, A.id, people.mgr.user.id, 'manager');
    await setPlanRole(trx, testActor, A.id, people.con.user.id, 'contributor');
    await setPlanRole(trx, testActor, A.id, people.view.user.id, 'viewer');
  });
  const imports = Object.fromEntries(
    await Promise.all(
      Object.entries(people).map(async ([name, person]) => [
        name,
        await startPendingImport(db, {
          fileName: 'alder-import.csv',
          bytes: importCsv,
          sheet: null,
          actorName: person.user.name,
          userId: person.user.id,
        }),
      ]),
    ),
  ) as Record<string, string>;
  return { A, B, imports, strangerImport: imports.stranger! };
}

/** A summary of everything a request could change; equal before and after means nothing changed. */
export async function fingerprint(db: Db): Promise<string> {
  const tables = [
    'plans',
    'horizons',
    'themes',
    'actions',
    'action_owners',
    'findings',
    'action_findings',
    'survey_waves',
    'survey_questions',
    'survey_scores',
    'owners',
    'updates',
    'reports',
    'pending_imports',
    'plan_members',
    'users',
    'update_rounds',
    'update_round_items',
    'personal_links',
    'jobs',
    'staff_pages',
    'staff_marks',
    'staff_page_publications',
  ] as const;
  const versioned = new Set([
    'plans',
    'themes',
    'actions',
    'updates',
    'reports',
    'users',
    'owners',
    'update_rounds',
    'findings',
    'survey_waves',
    'survey_questions',
    'staff_pages',
    'staff_marks',
  ]);
  const parts = tables.map((table) =>
    versioned.has(table)
      ? sql`(select ${sql.lit(`${table}:`)} || count(*) || ':' || coalesce(sum(version), 0) from ${sql.table(table)})`
      : sql`(select ${sql.lit(`${table}:`)} || count(*) from ${sql.table(table)})`,
  );
  const result = await sql<{ print: string }>`select ${sql.join(parts, sql` || ' ' || `)} as print`.execute(
    db.kysely,
  );
  const owners = await db.kysely
    .selectFrom('owners')
    .select(['name', 'email', 'kind'])
    .orderBy('id')
    .execute();
  const columnsChosen = await db.kysely
    .selectFrom('pending_imports')
    .select('columns_json')
    .orderBy('id')
    .execute();
  const asked = await db.kysely
    .selectFrom('update_round_owners')
    .select(['round_id', 'owner_id', 'links_revoked_at', 'last_reminded_at'])
    .orderBy('round_id')
    .orderBy('owner_id')
    .execute();
  return `${result.rows[0]!.print} ${JSON.stringify(owners)} ${JSON.stringify(columnsChosen)} ${JSON.stringify(asked)}`;
}
