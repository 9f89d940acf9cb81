// Loads the two sample plans through the same commands people use, one transaction per plan; plans already there are left alone.
import type { Db } from '../db/connection.js';
import type { Actor, Trx } from '../history/recordChange.js';
import type { PlanDraft } from '../import/planDraft.js';
import { savePlanDraft } from '../import/savePlanDraft.js';
import { cultureHighlightPlan } from './cultureHighlightPlan.js';
import { addDemoSurvey, type DemoSurvey } from './demoSurvey.js';
import { addDemoStaffPage, type DemoStaffPage } from './demoStaffPage.js';
import { staffSurvey, staffSurveyPlan, staffSurveyStaffPage } from './staffSurveyPlan.js';

/** A sample plan as its document states it, with its staff survey and staff page loaded beside it where it has them. */
export interface DemoPlan {
  draft: PlanDraft;
  survey?: DemoSurvey;
  staffPage?: DemoStaffPage;
}

export const demoPlans: readonly DemoPlan[] = [
  { draft: staffSurveyPlan, survey: staffSurvey, staffPage: staffSurveyStaffPage },
  { draft: cultureHighlightPlan },
];

/** Thrown inside a plan's transaction to roll it back when another run loaded the same plan meanwhile. */
class AlreadyLoaded extends Error {}

export async function loadDemo(db: Db, actor: Actor): Promise<{ created: string[]; skipped: string[] }> {
  const created: string[] = [];
  const skipped: string[] = [];
  for (const demo of demoPlans) {
    const slug = demo.draft.plan.slug!;
    try {
      const loaded = await db.kysely.transaction().execute((trx) => loadPlan(trx, actor, demo));
      (loaded ? created : skipped).push(slug);
    } catch (error) {
      if (!(error instanceof AlreadyLoaded)) throw error;
      skipped.push(slug);
    }
  }
  return { created, skipped };
}

/** Returns false, writing nothing, when a plan with the sample's slug is already there. */
async function loadPlan(trx: Trx, actor: Actor, demo: DemoPlan): Promise<boolean> {
  const slug = demo.draft.plan.slug!;
  const existing = await trx.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirst();
  if (existing) return false;
  const { plan } = await savePlanDraft(trx, actor, demo.draft);
  // createPlan picks a free slug such as "staff-survey-2021-2" if the wanted one was taken after the check above.
  if (plan.slug !== slug) throw new AlreadyLoaded();
  if (demo.survey) await addDemoSurvey(trx, actor, plan.id, demo.survey);
  if (demo.staffPage) await addDemoStaffPage(trx, actor, plan.id, demo.staffPage);
  return true;
}
