// What the staff page says, worked out from the plan as it stands: by focus area, what staff said (the findings chosen
// for it) and what was done (the actions chosen, each with its words for staff, its status, and its owners and latest
// update where chosen), with the survey's change where the area has one. Only what a manager chose is read into it, so
// the draft, the publication frozen from it and every page drawn from either hold nothing else.
import type { Status } from '../db/schema.js';
import type { Reader } from '../history/recordChange.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { changesByTheme, planSurveys } from '../surveys/surveyQueries.js';

export interface StaffPageAction {
  summary: string;
  status: Status;
  /** Named only where the manager chose to. */
  owners: string[] | null;
  /** The latest update, in plain words, only where the manager chose to show it. */
  update: { on: string; text: string } | null;
}

export interface StaffPageArea {
  title: string;
  said: string[];
  did: StaffPageAction[];
  /** "Vision clarity: 54% → 61%, +7 points", for the area's survey questions scored in two waves. */
  survey: string[];
}

export interface StaffPageContent {
  planTitle: string;
  intro: string;
  areas: StaffPageArea[];
}

/** What is chosen with no focus area is shown under this heading, after the focus areas. */
export const acrossThePlan = 'Across the plan';

export async function buildStaffPageContent(db: Reader, planId: string): Promise<StaffPageContent> {
  const [plan, page, themes, findings, actions] = await Promise.all([
    db.selectFrom('plans').select('title').where('id', '=', planId).executeTakeFirstOrThrow(),
    db.selectFrom('staff_pages').select('intro').where('plan_id', '=', planId).executeTakeFirst(),
    db
      .selectFrom('themes')
      .select(['id', 'title'])
      .where('plan_id', '=', planId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('staff_marks')
      .innerJoin('findings', 'findings.id', 'staff_marks.finding_id')
      .select(['staff_marks.summary', 'staff_marks.theme_id', 'findings.position'])
      .where('staff_marks.plan_id', '=', planId)
      .where('staff_marks.shown', '=', 1)
      .orderBy('findings.position')
      .execute(),
    db
      .selectFrom('staff_marks')
      .innerJoin('actions', 'actions.id', 'staff_marks.action_id')
      .select([
        'staff_marks.summary',
        'staff_marks.show_owners',
        'staff_marks.show_update',
        'staff_marks.theme_id as shown_under',
        'actions.id',
        'actions.theme_id',
        'actions.status',
      ])
      .where('staff_marks.plan_id', '=', planId)
      .where('staff_marks.shown', '=', 1)
      .orderBy('actions.position')
      .execute(),
  ]);
  const withOwners = actions.filter((a) => a.show_owners === 1).map((a) => a.id);
  const withUpdate = actions.filter((a) => a.show_update === 1).map((a) => a.id);
  const [owners, updates, surveys] = await Promise.all([
    withOwners.length === 0
      ? []
      : db
          .selectFrom('action_owners')
          .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
          .select(['action_owners.action_id', 'owners.name'])
          .where('action_owners.action_id', 'in', withOwners)
          .orderBy('action_owners.position')
          .execute(),
    withUpdate.length === 0
      ? []
      : db
          .selectFrom('updates')
          .select(['action_id', 'effective_on', 'body', 'created_at'])
          .where('action_id', 'in', withUpdate)
          .orderBy('effective_on', 'desc')
          .orderBy('created_at', 'desc')
          .execute(),
    planSurveys(db, planId),
  ]);
  const ownersOf = new Map<string, string[]>();
  for (const row of owners) ownersOf.set(row.action_id, [...(ownersOf.get(row.action_id) ?? []), row.name]);
  const latestUpdate = new Map<string, { on: string; text: string }>();
  for (const row of updates)
    if (row.action_id && !latestUpdate.has(row.action_id))
      latestUpdate.set(row.action_id, { on: row.effective_on, text: richTextToPlain(row.body) });
  const surveyByTheme = changesByTheme(surveys);

  const areaFor = new Map<string | null, StaffPageArea>();
  const area = (themeId: string | null): StaffPageArea => {
    let found = areaFor.get(themeId);
    if (!found) {
      found = {
        title: themes.find((theme) => theme.id === themeId)?.title ?? acrossThePlan,
        said: [],
        did: [],
        survey: [],
      };
      areaFor.set(themeId, found);
    }
    return found;
  };
  for (const finding of findings) area(finding.theme_id).said.push(finding.summary);
  for (const action of actions)
    area(action.shown_under ?? action.theme_id).did.push({
      summary: action.summary,
      status: action.status,
      owners: action.show_owners === 1 ? (ownersOf.get(action.id) ?? []) : null,
      update: action.show_update === 1 ? (latestUpdate.get(action.id) ?? null) : null,
    });
  // The survey's change is told only beside what was chosen for the area: an area with nothing chosen is not shown.
  for (const [themeId, shown] of areaFor)
    if (themeId)
      shown.survey = (surveyByTheme.get(themeId) ?? []).flatMap((result) =>
        result.change ? [result.change.sentence] : [],
      );
  const ordered = [...themes.map((theme) => theme.id), null]
    .map((id) => areaFor.get(id))
    .filter((shown): shown is StaffPageArea => shown !== undefined);
  return { planTitle: plan.title, intro: page?.intro ?? '', areas: ordered };
}
