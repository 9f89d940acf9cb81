import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createAction } from './actions/actionCommands.js';
import {
  ActionCreateBody,
  ActionPatchBody,
  OwnerCreateBody,
  OwnerPatchBody,
  PlanCreateBody,
  PlanPatchBody,
  ThemeCreateBody,
  ThemePatchBody,
  UpdateCreateBody,
  UpdatePatchBody,
} from './api/schemas.js';
import type { Db } from './db/connection.js';
import { createFinding } from './findings/findingCommands.js';
import { FindingCreateBody, FindingPatchBody } from './findings/findingRoutes.js';
import { InvalidInputError } from './errors.js';
import {
  actionLimits,
  findingLimits,
  ownerLimits,
  planLimits,
  themeLimits,
  updateLimits,
} from './fieldLimits.js';
import { createPlan } from './plans/planCommands.js';
import { describeEachDatabase } from './testing/databases.js';
import { makeAction, makePlan, testActor } from './testing/factories.js';
import { createTheme } from './themes/themeCommands.js';
import { postUpdate } from './updates/updateCommands.js';

/** Each property's maxLength as the schema states it: a string's own, a list's per item. */
function maxLengths(schema: TSchema): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const limit = property.type === 'array' ? (property.items as TSchema).maxLength : property.maxLength;
    if (typeof limit === 'number') found[name] = limit;
  }
  return found;
}

describe("the API's text limits", () => {
  it.each([
    ['PlanCreateBody', PlanCreateBody, planLimits],
    ['PlanPatchBody', PlanPatchBody, planLimits],
    ['ThemeCreateBody', ThemeCreateBody, themeLimits],
    ['ThemePatchBody', ThemePatchBody, themeLimits],
    ['ActionCreateBody', ActionCreateBody, actionLimits],
    ['ActionPatchBody', ActionPatchBody, actionLimits],
    ['UpdateCreateBody', UpdateCreateBody, updateLimits],
    ['UpdatePatchBody', UpdatePatchBody, updateLimits],
    ['OwnerCreateBody', OwnerCreateBody, ownerLimits],
    ['OwnerPatchBody', OwnerPatchBody, ownerLimits],
    ['FindingCreateBody', FindingCreateBody, findingLimits],
    ['FindingPatchBody', FindingPatchBody, findingLimits],
  ] as const)('%s states every text field with the limit saving it allows', (_name, schema, limits) => {
    expect(maxLengths(schema)).toEqual(limits);
  });
});

type Save = (db: Db, field: string, value: string | string[]) => Promise<unknown>;

let counter = 0;
const saves: Record<string, { limits: Record<string, number>; lists: string[]; save: Save }> = {
  plan: {
    limits: planLimits,
    lists: ['horizons'],
    save: (db, field, value) =>
      db.kysely.transaction().execute((trx) =>
        createPlan(trx, testActor, {
          title: 'Limits',
          slug: `limits-${++counter}-${Date.now().toString(36)}`,
          [field]: value,
        }),
      ),
  },
  theme: {
    limits: themeLimits,
    lists: [],
    save: async (db, field, value) => {
      const plan = await makePlan(db);
      return db.kysely
        .transaction()
        .execute((trx) => createTheme(trx, testActor, plan.id, { title: 'Limits', [field]: value }));
    },
  },
  action: {
    limits: actionLimits,
    lists: ['owners'],
    save: async (db, field, value) => {
      const plan = await makePlan(db);
      return db.kysely.transaction().execute((trx) =>
        createAction(trx, testActor, plan.id, {
          title: 'Limits',
          // A revised date needs its reason.
          ...(field === 'revisedTargetDate' ? { revisedReason: 'Moved by the board' } : {}),
          [field]: value,
        }),
      );
    },
  },
  update: {
    limits: updateLimits,
    lists: [],
    save: async (db, field, value) => {
      const plan = await makePlan(db);
      const action = await makeAction(db, plan.id);
      return db.kysely
        .transaction()
        .execute((trx) =>
          postUpdate(trx, testActor, plan.id, { actionId: action.id }, { body: 'Limits', [field]: value }),
        );
    },
  },
  finding: {
    limits: findingLimits,
    lists: [],
    save: async (db, field, value) => {
      const plan = await makePlan(db);
      return db.kysely.transaction().execute((trx) =>
        createFinding(trx, testActor, plan.id, {
          reference: 'R1',
          text: 'Limits',
          kind: 'recommendation',
          [field]: value,
        }),
      );
    },
  },
};

describeEachDatabase('text limits when saving', (current) => {
  for (const [record, { limits, lists, save }] of Object.entries(saves)) {
    it(`takes each ${record} field at its limit and refuses one character more, naming the field`, async () => {
      const db = current();
      for (const [field, limit] of Object.entries(limits)) {
        // Lower-case letters fit every field, the web address included.
        const text = (length: number) => 'a'.repeat(length);
        const value = (length: number) => (lists.includes(field) ? [text(length)] : text(length));
        await expect(save(db, field, value(limit)), `${record} ${field} at ${limit}`).resolves.toBeDefined();
        const refused = await save(db, field, value(limit + 1)).catch((error: unknown) => error);
        expect(refused, `${record} ${field} at ${limit + 1}`).toBeInstanceOf(InvalidInputError);
        expect(Object.keys((refused as InvalidInputError).fieldErrors)).toEqual([field]);
      }
    });
  }
});
