// Creating, changing and deleting plans and their horizons; each writes history in the caller's transaction.
import { sql } from 'kysely';
import { nowIso } from '../db/migrations.js';
import { checkVersion, forChange, updateAtVersion } from '../db/versionedUpdate.js';
import type { HorizonRow, PlanRow, Rag } from '../db/schema.js';
import { updateAction } from '../actions/actionCommands.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { setPlanRole } from '../people/userCommands.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId, slugify } from '../ids.js';
import { toRichText } from '../richtext/sanitise.js';
import { removePlanFromSearch } from '../search/searchIndex.js';
import { planLimits } from '../fieldLimits.js';
import { FieldChecks } from '../validation.js';
import { loadPlanContents } from './planContents.js';
import { presentPlanExport } from './presenters.js';
import { rags } from './vocabulary.js';

export interface PlanInput {
  title?: string;
  slug?: string;
  source?: string;
  sponsor?: string;
  marking?: string;
  rag?: Rag | '' | null;
  ragNote?: string;
  summary?: string;
  /** Horizon names in order; an existing horizon of the same name keeps its actions. */
  horizons?: string[];
}

function checkPlan(input: PlanInput, existing?: PlanRow) {
  const checks = new FieldChecks();
  const title = checks.text('title', 'a title', input.title ?? existing?.title, {
    required: true,
    max: planLimits.title,
  });
  const slugText = checks.text('slug', 'a web address', input.slug ?? existing?.slug ?? '', {
    max: planLimits.slug,
  });
  if (slugText !== '' && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slugText)) {
    checks.fail(
      'slug',
      'Web address must use only lower-case letters, numbers and hyphens, like staff-survey-2021',
    );
  }
  const horizons = (input.horizons ?? []).map((name) => name.trim()).filter((name) => name !== '');
  const seen = new Set<string>();
  for (const name of horizons) {
    if (name.length > planLimits.horizons)
      checks.fail('horizons', `Each horizon must be ${planLimits.horizons} characters or fewer`);
    if (seen.has(name.toLowerCase())) checks.fail('horizons', `Horizon "${name}" is listed twice`);
    seen.add(name.toLowerCase());
  }
  const values = {
    title,
    slug: slugText,
    source: checks.text('source', 'the source', input.source ?? existing?.source, {
      max: planLimits.source,
    }),
    sponsor: checks.text('sponsor', 'the sponsor', input.sponsor ?? existing?.sponsor, {
      max: planLimits.sponsor,
    }),
    marking: checks.text('marking', 'the protective marking', input.marking ?? existing?.marking, {
      max: planLimits.marking,
    }),
    rag:
      input.rag === undefined
        ? (existing?.rag ?? null)
        : checks.choice('rag', 'overall RAG status', input.rag, rags),
    rag_note: toRichText(
      checks.text('ragNote', 'the RAG note', input.ragNote ?? existing?.rag_note, {
        max: planLimits.ragNote,
      }),
    ),
    summary: toRichText(
      checks.text('summary', 'the summary', input.summary ?? existing?.summary, { max: planLimits.summary }),
    ),
  };
  checks.done();
  return { values, horizons };
}

async function uniqueSlug(trx: Trx, wanted: string, exceptId?: string): Promise<string> {
  const taken = await trx
    .selectFrom('plans')
    .select(['slug'])
    .where((eb) => eb.or([eb('slug', '=', wanted), eb('slug', 'like', `${wanted}-%`)]))
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
    .execute();
  const used = new Set(taken.map((row) => row.slug));
  if (!used.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!used.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

export async function createPlan(trx: Trx, actor: Actor, input: PlanInput): Promise<PlanRow> {
  const { values, horizons } = checkPlan(input);
  const slug = await uniqueSlug(trx, values.slug || slugify(values.title));
  const now = nowIso();
  const plan: PlanRow = {
    id: newId(),
    ...values,
    slug,
    version: 1,
    content_version: 1,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('plans').values(plan).execute();
  await recordChange(trx, actor, {
    recordType: 'plan',
    recordId: plan.id,
    planId: plan.id,
    change: 'create',
    after: plan,
  });
  await setHorizons(trx, actor, plan.id, horizons);
  // Whoever creates a plan manages it, even if their own role changes later.
  if (actor.userId) await setPlanRole(trx, actor, plan.id, actor.userId, 'manager');
  return plan;
}

export async function findPlanBySlug(trx: Reader, slug: string): Promise<PlanRow> {
  const plan = await trx.selectFrom('plans').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!plan) throw new NotFoundError(`Plan "${slug}"`);
  return plan;
}

export async function updatePlan(
  trx: Trx,
  actor: Actor,
  planId: string,
  expectedVersion: number,
  input: PlanInput,
): Promise<PlanRow> {
  const before = await trx.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
  if (!before) throw new NotFoundError('Plan');
  checkVersion('plans', before, expectedVersion);
  const { values, horizons } = checkPlan(input, before);
  const slug =
    values.slug && values.slug !== before.slug ? await uniqueSlug(trx, values.slug, planId) : before.slug;
  if (slug !== (values.slug || before.slug)) {
    throw new InvalidInputError({ slug: `Web address "${values.slug}" is already used by another plan` });
  }
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'plans', planId, expectedVersion, {
    ...values,
    slug,
    updated_at: updatedAt,
  });
  const after: PlanRow = { ...before, ...values, slug, version, updated_at: updatedAt };
  await recordChange(trx, actor, {
    recordType: 'plan',
    recordId: planId,
    planId,
    change: 'update',
    before,
    after,
  });
  if (input.horizons !== undefined) await setHorizons(trx, actor, planId, horizons);
  return after;
}

/**
 * Deletes a plan and everything in it; the history keeps the whole plan as it was, in the interchange shape. The
 * plan and its records are locked (see forChange) before that copy is read, in this transaction, so nothing can
 * change or join the plan between the copy and the delete: what the history keeps is exactly what was deleted.
 */
export async function deletePlan(trx: Trx, actor: Actor, planId: string): Promise<void> {
  const plan = await forChange(trx, trx.selectFrom('plans').select(['id', 'slug']).where('id', '=', planId), {
    deleting: true,
  }).executeTakeFirst();
  if (!plan) throw new NotFoundError('Plan');
  for (const table of ['themes', 'actions', 'updates'] as const)
    await forChange(trx, trx.selectFrom(table).select('id').where('plan_id', '=', planId), {
      deleting: true,
    }).execute();
  const snapshot = presentPlanExport(await loadPlanContents(trx, plan.slug, { updates: 'all' }));
  // Child rows first, in an order that both databases' foreign keys accept.
  await trx.deleteFrom('updates').where('plan_id', '=', planId).execute();
  await trx
    .deleteFrom('action_findings')
    .where('finding_id', 'in', trx.selectFrom('findings').select('id').where('plan_id', '=', planId))
    .execute();
  await trx.deleteFrom('findings').where('plan_id', '=', planId).execute();
  await trx
    .deleteFrom('survey_scores')
    .where('wave_id', 'in', trx.selectFrom('survey_waves').select('id').where('plan_id', '=', planId))
    .execute();
  await trx.deleteFrom('survey_questions').where('plan_id', '=', planId).execute();
  await trx.deleteFrom('survey_waves').where('plan_id', '=', planId).execute();
  await trx
    .deleteFrom('action_owners')
    .where('action_id', 'in', trx.selectFrom('actions').select('id').where('plan_id', '=', planId))
    .execute();
  await trx.deleteFrom('actions').where('plan_id', '=', planId).execute();
  await trx.deleteFrom('themes').where('plan_id', '=', planId).execute();
  await trx.deleteFrom('horizons').where('plan_id', '=', planId).execute();
  await trx.deleteFrom('reports').where('plan_id', '=', planId).execute();
  await trx.deleteFrom('plans').where('id', '=', planId).execute();
  await removePlanFromSearch(trx, planId);
  await recordChange(trx, actor, {
    recordType: 'plan',
    recordId: planId,
    planId,
    change: 'delete',
    before: snapshot,
  });
}

/** Makes the plan's horizons exactly these names, in this order, keeping those whose names match. */
export async function setHorizons(
  trx: Trx,
  actor: Actor,
  planId: string,
  names: string[],
): Promise<HorizonRow[]> {
  const existing = await trx.selectFrom('horizons').selectAll().where('plan_id', '=', planId).execute();
  const byName = new Map(existing.map((h) => [h.name.toLowerCase(), h]));
  const result: HorizonRow[] = [];
  for (const [position, name] of names.entries()) {
    const found = byName.get(name.toLowerCase());
    if (found) {
      byName.delete(name.toLowerCase());
      if (found.position !== position || found.name !== name) {
        await trx.updateTable('horizons').set({ position, name }).where('id', '=', found.id).execute();
        const after = { ...found, position, name };
        await recordChange(trx, actor, {
          recordType: 'horizon',
          recordId: found.id,
          planId,
          change: 'update',
          before: found,
          after,
        });
        result.push(after);
      } else result.push(found);
    } else {
      const horizon: HorizonRow = { id: newId(), plan_id: planId, name, position };
      await trx.insertInto('horizons').values(horizon).execute();
      await recordChange(trx, actor, {
        recordType: 'horizon',
        recordId: horizon.id,
        planId,
        change: 'create',
        after: horizon,
      });
      result.push(horizon);
    }
  }
  for (const gone of byName.values()) {
    // Each action leaves the horizon through its own command, as an edit would: a new version and its history.
    const held = await forChange(
      trx,
      trx.selectFrom('actions').select(['id', 'version']).where('horizon_id', '=', gone.id),
    ).execute();
    for (const action of held)
      await updateAction(trx, actor, planId, action.id, action.version, { horizonId: null });
    await trx.deleteFrom('horizons').where('id', '=', gone.id).execute();
    await recordChange(trx, actor, {
      recordType: 'horizon',
      recordId: gone.id,
      planId,
      change: 'delete',
      before: gone,
    });
  }
  return result;
}

/** The next free position at the end of a list, so new themes and actions go last. */
export async function nextPosition(
  trx: Trx,
  table: 'themes' | 'actions' | 'findings',
  planId: string,
): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select(sql<number | null>`max(position)`.as('max'))
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  return row?.max == null ? 0 : Number(row.max) + 1;
}
