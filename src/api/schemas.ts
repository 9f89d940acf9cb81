// The JSON API's shapes, as TypeBox schemas: they validate request bodies and document responses in OpenAPI.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { actionLimits, ownerLimits, planLimits, themeLimits, updateLimits } from '../fieldLimits.js';
import { ownerKinds } from '../owners/ownerCommands.js';
import { rags, statuses } from '../plans/vocabulary.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const choice = (values: readonly string[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

export const StatusSchema = choice(statuses, 'Lifecycle status');
export const RagSchema = choice(rags, 'RAG status');
const RagInput = Type.Union([RagSchema, Type.Literal(''), Type.Null()], {
  description: 'RAG status; empty or null for none',
});
const StatusInput = Type.Union([StatusSchema, Type.Literal(''), Type.Null()]);
const Text = (max: number, description?: string) => Type.String({ maxLength: max, description });
const RichText = (max: number, description: string) =>
  Type.String({
    maxLength: max,
    description: `${description}: sanitised HTML (p, br, ul, ol, li, b, strong, i, em, u, a); plain text becomes paragraphs`,
  });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
const Version = Type.Integer({ minimum: 1, description: 'The version the edit started from' });

const TargetDateSchema = Type.Object({
  text: Type.String({ description: 'As the organisation wrote it' }),
  kind: choice(
    ['date', 'ongoing', 'not_applicable', 'complete', 'to_be_confirmed', 'unparsed', 'none'],
    'What the text means',
  ),
  start: nullable(Type.String({ format: 'date' })),
  end: nullable(Type.String({ format: 'date' })),
});

export const PlanSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  source: Type.String(),
  sponsor: Type.String(),
  marking: Type.String({ description: 'Protective marking, such as OFFICIAL' }),
  rag: nullable(RagSchema),
  ragNote: Type.String(),
  summary: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const HorizonSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Integer(),
});

export const OwnerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: choice(ownerKinds, 'A person or a team'),
  email: Type.String(),
});

export const UpdateSchema = Type.Object({
  id: Type.String(),
  actionId: nullable(Type.String()),
  themeId: nullable(Type.String()),
  effectiveOn: Type.String({ format: 'date' }),
  author: Type.String(),
  body: Type.String(),
  statusChange: nullable(StatusSchema),
  version: Type.Integer(),
  createdAt: Type.String(),
});

export const ThemeSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  lead: nullable(Type.String()),
  status: nullable(StatusSchema),
  rag: nullable(RagSchema),
  progress: Type.String(),
  futureActions: Type.String(),
  position: Type.Integer(),
  version: Type.Integer(),
});

export const ActionSchema = Type.Object({
  id: Type.String(),
  ref: Type.String(),
  title: Type.String(),
  description: Type.String(),
  owners: Type.Array(Type.String()),
  themeId: nullable(Type.String()),
  horizonId: nullable(Type.String()),
  status: StatusSchema,
  rag: nullable(RagSchema),
  ragReason: Type.String(),
  progress: Type.String(),
  futureActions: Type.String(),
  targetDate: TargetDateSchema,
  revisedTargetDate: TargetDateSchema,
  revisedReason: Type.String(),
  completedOn: nullable(Type.String({ format: 'date' })),
  // Optional so that a plan's export.json written before actions had it is still read.
  percentComplete: Type.Optional(
    nullable(
      Type.Integer({ minimum: 0, maximum: 100, description: 'How far through the action is, in percent' }),
    ),
  ),
  overdue: Type.Boolean({ description: 'Not complete or cancelled, and the end of its target has passed' }),
  position: Type.Integer(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const StatusCounts = Type.Record(Type.String(), Type.Integer());

export const PlanSummarySchema = Type.Composite([
  PlanSchema,
  Type.Object({ counts: StatusCounts, total: Type.Integer() }),
]);

export const PlanDetailSchema = Type.Composite([
  PlanSchema,
  Type.Object({ horizons: Type.Array(HorizonSchema), counts: StatusCounts, total: Type.Integer() }),
]);

export const ThemeDetailSchema = Type.Composite([
  ThemeSchema,
  Type.Object({ updates: Type.Array(UpdateSchema) }),
]);
export const ActionDetailSchema = Type.Composite([
  ActionSchema,
  Type.Object({ updates: Type.Array(UpdateSchema) }),
]);

export const PlanExportSchema = Type.Object(
  {
    format: Type.Literal('headway.plan'),
    formatVersion: Type.Literal(1),
    exportedAt: Type.String(),
    plan: PlanSchema,
    horizons: Type.Array(HorizonSchema),
    owners: Type.Array(OwnerSchema),
    themes: Type.Array(ThemeDetailSchema),
    actions: Type.Array(ActionDetailSchema),
  },
  { description: 'The whole plan in the headway.plan interchange shape (docs/interchange.md)' },
);

export const page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ description: 'How many match, across all pages' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
export const ThemeParams = Type.Object({ slug: Type.String({ maxLength: 100 }), themeId: Id });
export const ActionParams = Type.Object({ slug: Type.String({ maxLength: 100 }), actionId: Id });
export const UpdateParams = Type.Object({ slug: Type.String({ maxLength: 100 }), updateId: Id });
export const OwnerParams = Type.Object({ ownerId: Id });

const planFields = {
  slug: Type.Optional(Text(planLimits.slug, 'Web address: lower-case letters, numbers and hyphens')),
  source: Type.Optional(
    Text(planLimits.source, 'Where the plan came from: a review, an inspection, a survey'),
  ),
  sponsor: Type.Optional(Text(planLimits.sponsor)),
  marking: Type.Optional(Text(planLimits.marking)),
  rag: Type.Optional(RagInput),
  ragNote: Type.Optional(RichText(planLimits.ragNote, 'Why the overall RAG is what it is')),
  summary: Type.Optional(RichText(planLimits.summary, 'Summary')),
  horizons: Type.Optional(
    Type.Array(Text(planLimits.horizons), {
      maxItems: 20,
      description: 'Horizon names in order, e.g. Short term',
    }),
  ),
};
export const PlanCreateBody = Type.Object(
  { title: Text(planLimits.title), ...planFields },
  { additionalProperties: false },
);
export const PlanPatchBody = Type.Object(
  { version: Version, title: Type.Optional(Text(planLimits.title)), ...planFields },
  { additionalProperties: false },
);

const themeFields = {
  lead: Type.Optional(
    Text(themeLimits.lead, 'The lead: a person or team, added to the owners directory if new'),
  ),
  status: Type.Optional(StatusInput),
  rag: Type.Optional(RagInput),
  progress: Type.Optional(RichText(themeLimits.progress, 'Progress')),
  futureActions: Type.Optional(RichText(themeLimits.futureActions, 'Future planned actions')),
};
export const ThemeCreateBody = Type.Object(
  { title: Text(themeLimits.title), ...themeFields },
  { additionalProperties: false },
);
export const ThemePatchBody = Type.Object(
  { version: Version, title: Type.Optional(Text(themeLimits.title)), ...themeFields },
  { additionalProperties: false },
);

const actionFields = {
  ref: Type.Optional(Text(actionLimits.ref)),
  description: Type.Optional(RichText(actionLimits.description, 'Description')),
  owners: Type.Optional(
    Type.Array(Text(actionLimits.owners), {
      maxItems: 20,
      description: 'Owner names; new names join the directory',
    }),
  ),
  themeId: Type.Optional(nullable(Id)),
  horizonId: Type.Optional(nullable(Id)),
  status: Type.Optional(StatusSchema),
  rag: Type.Optional(RagInput),
  ragReason: Type.Optional(Text(actionLimits.ragReason)),
  progress: Type.Optional(RichText(actionLimits.progress, 'Progress')),
  futureActions: Type.Optional(RichText(actionLimits.futureActions, 'Future planned actions')),
  targetDate: Type.Optional(Text(actionLimits.targetDate, 'As written, e.g. "end of sept 21" or "Q3 2024"')),
  revisedTargetDate: Type.Optional(Text(actionLimits.revisedTargetDate, 'As written; needs revisedReason')),
  revisedReason: Type.Optional(Text(actionLimits.revisedReason)),
  completedOn: Type.Optional(nullable(Type.String({ format: 'date' }))),
  percentComplete: Type.Optional(
    nullable(
      Type.Integer({ minimum: 0, maximum: 100, description: 'How far through the action is, in percent' }),
    ),
  ),
};
export const ActionCreateBody = Type.Object(
  { title: Text(actionLimits.title), ...actionFields },
  { additionalProperties: false },
);
export const ActionPatchBody = Type.Object(
  { version: Version, title: Type.Optional(Text(actionLimits.title)), ...actionFields },
  { additionalProperties: false },
);

const updateFields = {
  effectiveOn: Type.Optional(Type.String({ format: 'date', description: 'Defaults to today' })),
  author: Type.Optional(Text(updateLimits.author, 'Defaults to the signed-in user')),
  statusChange: Type.Optional(StatusInput),
};
export const UpdateCreateBody = Type.Object(
  { body: RichText(updateLimits.body, 'The update'), ...updateFields },
  { additionalProperties: false },
);
export const UpdatePatchBody = Type.Object(
  { version: Version, body: Type.Optional(RichText(updateLimits.body, 'The update')), ...updateFields },
  { additionalProperties: false },
);

const ownerFields = {
  kind: Type.Optional(Type.Union([choice(ownerKinds, 'A person or a team'), Type.Literal('')])),
  email: Type.Optional(Text(ownerLimits.email)),
};
export const OwnerCreateBody = Type.Object(
  { name: Text(ownerLimits.name), ...ownerFields },
  { additionalProperties: false },
);
export const OwnerPatchBody = Type.Object(
  { version: Version, name: Type.Optional(Text(ownerLimits.name)), ...ownerFields },
  { additionalProperties: false },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    errors: Type.Optional(Type.Record(Type.String(), Type.String())),
    currentVersion: Type.Optional(Type.Integer()),
    current: Type.Optional(Type.Unknown()),
  },
  { description: 'An RFC 9457 problem document' },
);

export type PlanCreate = Static<typeof PlanCreateBody>;
