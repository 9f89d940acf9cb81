// A sample plan's staff page, "You said, we did", as a small table (the findings and actions chosen for staff, in words
// written for them, and the focus area each is shown under), and how it is loaded through the same commands a manager
// uses: each entry saved, the introduction written, the page published and opened to everyone signed in.
import type { StaffPageReaders } from '../db/schema.js';
import type { Actor, Trx } from '../history/recordChange.js';
import {
  publishStaffPage,
  saveStaffMark,
  saveStaffPageIntro,
  setStaffPageReaders,
} from '../staff/staffPageCommands.js';

export interface DemoStaffPage {
  intro: string;
  readers: StaffPageReaders;
  /** By the finding's reference: what staff said, and the title of the focus area it is shown under. */
  said: { reference: string; summary: string; focusArea: string }[];
  /** By the action's title: what was done, and where it is shown (null: its own focus area). */
  did: {
    action: string;
    summary: string;
    focusArea: string | null;
    showOwners?: boolean;
    showUpdate?: boolean;
  }[];
}

export async function addDemoStaffPage(
  trx: Trx,
  actor: Actor,
  planId: string,
  page: DemoStaffPage,
): Promise<void> {
  const [themes, findings, actions] = await Promise.all([
    trx.selectFrom('themes').select(['id', 'title']).where('plan_id', '=', planId).execute(),
    trx.selectFrom('findings').select(['id', 'reference']).where('plan_id', '=', planId).execute(),
    trx.selectFrom('actions').select(['id', 'title']).where('plan_id', '=', planId).execute(),
  ]);
  const themeId = (title: string | null) => {
    if (title === null) return null;
    const theme = themes.find((t) => t.title === title);
    if (!theme) throw new Error(`The demo staff page names no focus area of the plan: ${title}`);
    return theme.id;
  };
  for (const said of page.said) {
    const finding = findings.find((f) => f.reference === said.reference);
    if (!finding) throw new Error(`The demo staff page names no finding of the plan: ${said.reference}`);
    await saveStaffMark(trx, actor, planId, { kind: 'finding', id: finding.id }, 0, {
      shown: true,
      summary: said.summary,
      themeId: themeId(said.focusArea),
    });
  }
  for (const did of page.did) {
    const action = actions.find((a) => a.title === did.action);
    if (!action) throw new Error(`The demo staff page names no action of the plan: ${did.action}`);
    await saveStaffMark(trx, actor, planId, { kind: 'action', id: action.id }, 0, {
      shown: true,
      summary: did.summary,
      themeId: themeId(did.focusArea),
      showOwners: did.showOwners === true,
      showUpdate: did.showUpdate === true,
    });
  }
  const saved = await saveStaffPageIntro(trx, actor, planId, 0, page.intro);
  await setStaffPageReaders(trx, actor, planId, saved.version, page.readers);
  await publishStaffPage(trx, actor, planId);
}
