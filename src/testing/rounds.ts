// A plan to start update requests in: owners with and without e-mail addresses and accounts, open and closed items.
import type { Db } from '../db/connection.js';
import type { PlanRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { createOwner } from '../owners/ownerCommands.js';
import { createUser, updateUserDetails } from '../people/userCommands.js';
import { makeAction, makePlan, makeTheme, testActor } from './factories.js';

let rounds = 0;

export interface RoundPlan {
  plan: PlanRow;
  /** Ash: an e-mail address and no account (gets a personal link); owns two open actions, a complete one, leads the theme. */
  ash: { id: string; email: string };
  /** Bo: an e-mail address and an account; owns one open action. */
  bo: { id: string; email: string; userId: string };
  /** Cy: no e-mail address; owns one open action. */
  cy: { id: string };
  themeId: string;
  ashActionId: string;
  ashOtherActionId: string;
  ashCompleteActionId: string;
  boActionId: string;
  cyActionId: string;
}

export async function makeRoundPlan(db: Db, words = 'Harbour'): Promise<RoundPlan> {
  rounds += 1;
  const n = `${rounds}-${Date.now().toString(36)}`;
  const plan = await makePlan(db, { title: `${words} plan`, marking: 'OFFICIAL-SENSITIVE' });
  const { ash, bo, cy, boUser } = await inTransaction(db, async (trx) => {
    const ash = await createOwner(trx, testActor, {
      name: `Ash ${words} ${n}`,
      kind: 'person',
      email: `ash-${n}@example.org`,
    });
    const bo = await createOwner(trx, testActor, {
      name: `Bo ${words} ${n}`,
      kind: 'person',
      email: `bo-${n}@example.org`,
    });
    const cy = await createOwner(trx, testActor, { name: `Cy ${words} ${n}`, kind: 'person' });
    const boUser = await createUser(trx, testActor, {
      email: `bo-user-${n}@example.org`,
      name: bo.name,
      role: 'viewer',
    });
    await updateUserDetails(trx, testActor, boUser.id, { ownerId: bo.id });
    return { ash, bo, cy, boUser };
  });
  const theme = await makeTheme(db, plan.id, { title: `${words} theme`, lead: ash.name });
  const action = (title: string, owner: string, status: 'in_progress' | 'complete' = 'in_progress') =>
    makeAction(db, plan.id, { title: `${words} ${title}`, owners: [owner], themeId: theme.id, status });
  const ashAction = await action('first action', ash.name);
  const ashOther = await action('second action', ash.name);
  const ashComplete = await action('finished action', ash.name, 'complete');
  const boAction = await action('action of Bo', bo.name);
  const cyAction = await action('action of Cy', cy.name);
  return {
    plan,
    ash: { id: ash.id, email: ash.email },
    bo: { id: bo.id, email: bo.email, userId: boUser.id },
    cy: { id: cy.id },
    themeId: theme.id,
    ashActionId: ashAction.id,
    ashOtherActionId: ashOther.id,
    ashCompleteActionId: ashComplete.id,
    boActionId: boAction.id,
    cyActionId: cyAction.id,
  };
}

/** The e-mails queued to an address, as the worker would send them. */
export async function queuedEmailsTo(db: Db, to: string) {
  const rows = await db.kysely
    .selectFrom('jobs')
    .select(['payload_json', 'unique_key', 'plan_id'])
    .where('kind', '=', 'email')
    .orderBy('created_at')
    .execute();
  return rows
    .map((row) => ({
      ...(JSON.parse(row.payload_json) as { to: string; subject: string; text: string; html: string }),
      uniqueKey: row.unique_key,
      planId: row.plan_id,
    }))
    .filter((message) => message.to === to);
}

/** The personal link's secret in an e-mail's text. */
export function linkSecretIn(text: string): string | undefined {
  return /\/respond\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
}
