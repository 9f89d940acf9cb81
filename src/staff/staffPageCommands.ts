// A plan's staff page, "You said, we did": its opening words, who may read it, the findings and actions chosen for it
// in words for staff, and publishing it. Each change checks the version it started from and writes history in the
// caller's transaction; a page or an entry not yet saved is at version 0.
import { nowIso } from '../db/migrations.js';
import type { StaffMarkRow, StaffPageReaders, StaffPageRow } from '../db/schema.js';
import { checkVersion, holdPlan, updateAtVersion, type VersionedValues } from '../db/versionedUpdate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { staffPageLimits } from '../fieldLimits.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { newSecret } from '../signin/secrets.js';
import { FieldChecks } from '../validation.js';
import { buildStaffPageContent, type StaffPageContent } from './staffPageContent.js';

export const staffPageReaders: readonly StaffPageReaders[] = ['plan', 'signed-in', 'public'];

export const staffPageReaderLabels: Record<StaffPageReaders, string> = {
  plan: 'People who can read this plan',
  'signed-in': 'Anyone signed in to Headway, including staff accounts',
  public: 'Anyone with the link, without signing in',
};

/** The staff page's settings as they stand; a plan whose page was never set up reads as the defaults, version 0. */
export async function staffPageOf(db: Reader, planId: string): Promise<StaffPageRow> {
  const row = await db.selectFrom('staff_pages').selectAll().where('plan_id', '=', planId).executeTakeFirst();
  return (
    row ?? {
      id: '',
      plan_id: planId,
      intro: '',
      readers: 'plan',
      public_key: '',
      version: 0,
      created_at: '',
      updated_at: '',
    }
  );
}

/**
 * The plan's staff page row, made with its defaults if it has none yet. The plan row is held first, so two first
 * changes at once are made one after the other (PostgreSQL; SQLite writes one at a time).
 */
async function staffPageForChange(trx: Trx, planId: string): Promise<StaffPageRow> {
  await holdPlan(trx, planId);
  return staffPageOf(trx, planId);
}

/**
 * Writes a staff page or entry read at `before`: made (version 1, with `made`'s fields too) when it was not yet
 * saved, else changed from the version the change started from. Returns it as written.
 */
async function writeAtVersion<Row extends StaffPageRow | StaffMarkRow>(
  trx: Trx,
  table: 'staff_pages' | 'staff_marks',
  before: Row,
  expectedVersion: number,
  values: Partial<Row>,
  made: Partial<Row> = {},
): Promise<Row> {
  checkVersion(table, before, expectedVersion);
  const now = nowIso();
  if (before.version === 0) {
    const after = {
      ...before,
      ...values,
      ...made,
      id: newId(),
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await trx
      .insertInto(table)
      .values(after as StaffPageRow & StaffMarkRow)
      .execute();
    return after;
  }
  const version = await updateAtVersion(trx, table, before.id, expectedVersion, {
    ...values,
    updated_at: now,
  } as VersionedValues<typeof table>);
  return { ...before, ...values, version, updated_at: now };
}

async function saveStaffPage(
  trx: Trx,
  actor: Actor,
  planId: string,
  expectedVersion: number,
  values: Partial<Pick<StaffPageRow, 'intro' | 'readers'>>,
): Promise<StaffPageRow> {
  const before = await staffPageForChange(trx, planId);
  const after = await writeAtVersion<StaffPageRow>(trx, 'staff_pages', before, expectedVersion, values, {
    // Long and random: the public address is the only thing between the page and anyone guessing it.
    public_key: newSecret(),
  });
  await recordChange(trx, actor, {
    recordType: 'staff_page',
    recordId: after.id,
    planId,
    change: before.version === 0 ? 'create' : 'update',
    before: before.version === 0 ? undefined : withoutKey(before),
    after: withoutKey(after),
  });
  return after;
}

/** History keeps who could read the page, never the key of its public address. */
function withoutKey(page: StaffPageRow) {
  const { public_key: _key, ...rest } = page;
  return rest;
}

export async function saveStaffPageIntro(
  trx: Trx,
  actor: Actor,
  planId: string,
  expectedVersion: number,
  intro: unknown,
): Promise<StaffPageRow> {
  const checks = new FieldChecks();
  const text = checks.text('intro', 'the introduction', intro, { max: staffPageLimits.intro });
  checks.done();
  return saveStaffPage(trx, actor, planId, expectedVersion, { intro: text });
}

/** Who may read the published page: an administrator's choice (the route says so). */
export async function setStaffPageReaders(
  trx: Trx,
  actor: Actor,
  planId: string,
  expectedVersion: number,
  readers: unknown,
): Promise<StaffPageRow> {
  const checks = new FieldChecks();
  const chosen = checks.choice('readers', 'who can read the staff page', readers, staffPageReaders, {
    required: true,
  });
  checks.done();
  return saveStaffPage(trx, actor, planId, expectedVersion, { readers: chosen! });
}

export type StaffSubject = { kind: 'finding'; id: string } | { kind: 'action'; id: string };

export interface StaffMarkInput {
  shown?: boolean;
  summary?: string;
  /**
   * The focus area it is shown under: for a finding, '' or null for none; for an action, '' or null for the action's
   * own (a plan's actions often sit outside the focus areas they serve).
   */
  themeId?: string | null;
  showOwners?: boolean;
  showUpdate?: boolean;
}

/** The entry for a finding or action, or a new one (version 0) with the words it would start from. */
export async function staffMarkOf(db: Reader, planId: string, subject: StaffSubject): Promise<StaffMarkRow> {
  const column = subject.kind === 'finding' ? 'finding_id' : 'action_id';
  const row = await db
    .selectFrom('staff_marks')
    .selectAll()
    .where(column, '=', subject.id)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (row) return row;
  return {
    id: '',
    plan_id: planId,
    finding_id: subject.kind === 'finding' ? subject.id : null,
    action_id: subject.kind === 'action' ? subject.id : null,
    shown: 0,
    summary: '',
    theme_id: null,
    show_owners: 0,
    show_update: 0,
    version: 0,
    created_at: '',
    updated_at: '',
  };
}

async function checkSubject(db: Reader, planId: string, subject: StaffSubject): Promise<void> {
  const found =
    subject.kind === 'finding'
      ? await db
          .selectFrom('findings')
          .select('id')
          .where('id', '=', subject.id)
          .where('plan_id', '=', planId)
          .executeTakeFirst()
      : await db
          .selectFrom('actions')
          .select('id')
          .where('id', '=', subject.id)
          .where('plan_id', '=', planId)
          .executeTakeFirst();
  if (!found) throw new NotFoundError(subject.kind === 'finding' ? 'Finding' : 'Action');
}

/**
 * Puts a finding or action on the staff page, changes its words, or takes it off (shown false: the words are kept for
 * next time). Words are needed to show it: nothing reaches staff in the plan's own wording unless a manager chose it.
 */
export async function saveStaffMark(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: StaffSubject,
  expectedVersion: number,
  input: StaffMarkInput,
): Promise<StaffMarkRow> {
  await checkSubject(trx, planId, subject);
  const checks = new FieldChecks();
  const shown = input.shown === true;
  const summary = checks.text(
    'summary',
    subject.kind === 'finding' ? 'what staff said' : 'what was done',
    input.summary,
    { required: shown, max: staffPageLimits.summary },
  );
  let themeId: string | null = null;
  if (input.themeId) {
    const theme = await trx
      .selectFrom('themes')
      .select('id')
      .where('id', '=', input.themeId)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    if (!theme) checks.fail('themeId', 'Choose a focus area of this plan');
    else themeId = theme.id;
  }
  checks.done();
  const values = {
    shown: shown ? 1 : 0,
    summary,
    theme_id: themeId,
    show_owners: subject.kind === 'action' && input.showOwners === true ? 1 : 0,
    show_update: subject.kind === 'action' && input.showUpdate === true ? 1 : 0,
  };
  // Held like the page itself: two first entries for one finding at once must not both be made.
  await holdPlan(trx, planId);
  const before = await staffMarkOf(trx, planId, subject);
  const after = await writeAtVersion<StaffMarkRow>(trx, 'staff_marks', before, expectedVersion, values);
  await recordChange(trx, actor, {
    recordType: 'staff_mark',
    recordId: after.id,
    planId,
    change: before.version === 0 ? 'create' : 'update',
    before: before.version === 0 ? undefined : before,
    after,
  });
  return after;
}

/** Moves the entries shown under a focus area being deleted out of it, each through saveStaffMark, with its history. */
export async function moveStaffMarksOutOf(
  trx: Trx,
  actor: Actor,
  planId: string,
  themeId: string,
): Promise<void> {
  const marks = await trx
    .selectFrom('staff_marks')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('theme_id', '=', themeId)
    .execute();
  for (const mark of marks)
    await saveStaffMark(
      trx,
      actor,
      planId,
      mark.finding_id !== null
        ? { kind: 'finding', id: mark.finding_id }
        : { kind: 'action', id: mark.action_id! },
      mark.version,
      {
        shown: mark.shown === 1,
        summary: mark.summary,
        themeId: null,
        showOwners: mark.show_owners === 1,
        showUpdate: mark.show_update === 1,
      },
    );
}

/**
 * Removes the entry of a finding or action being deleted, with its row of history, in the deletion's transaction: the
 * deleting commands call this before they delete. A published copy keeps its words until the page is published again.
 */
export async function removeStaffMark(
  trx: Trx,
  actor: Actor,
  planId: string,
  subject: StaffSubject,
): Promise<void> {
  const before = await staffMarkOf(trx, planId, subject);
  if (before.version === 0) return;
  await trx.deleteFrom('staff_marks').where('id', '=', before.id).execute();
  await recordChange(trx, actor, {
    recordType: 'staff_mark',
    recordId: before.id,
    planId,
    change: 'delete',
    before,
  });
}

export interface StaffPagePublication {
  id: string;
  publishedAt: string;
  publishedBy: string;
  content: StaffPageContent;
}

/** The page as last published, or null when it never was. */
export async function latestPublication(db: Reader, planId: string): Promise<StaffPagePublication | null> {
  const row = await db
    .selectFrom('staff_page_publications')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    content: JSON.parse(row.content_json) as StaffPageContent,
  };
}

/**
 * Freezes the page as it now stands for staff to read, until the next publication. Refused with nothing chosen, so
 * staff never meet an empty page by accident.
 */
export async function publishStaffPage(
  trx: Trx,
  actor: Actor,
  planId: string,
): Promise<StaffPagePublication> {
  await staffPageForChange(trx, planId);
  const content = await buildStaffPageContent(trx, planId);
  if (content.areas.length === 0)
    throw new InvalidInputError({
      publish: 'Nothing is chosen for the staff page yet: choose what staff said and what was done first',
    });
  const publication = {
    id: newId(),
    plan_id: planId,
    published_at: nowIso(),
    published_by: actor.name,
    content_json: JSON.stringify(content),
  };
  await trx.insertInto('staff_page_publications').values(publication).execute();
  await recordChange(trx, actor, {
    recordType: 'staff_page',
    recordId: publication.id,
    planId,
    change: 'create',
    after: {
      published: true,
      areas: content.areas.length,
      said: content.areas.reduce((n, area) => n + area.said.length, 0),
      did: content.areas.reduce((n, area) => n + area.did.length, 0),
    },
  });
  return {
    id: publication.id,
    publishedAt: publication.published_at,
    publishedBy: publication.published_by,
    content,
  };
}
