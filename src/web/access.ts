// Who is asking, and may they: every route declares its access, and one hook enforces it before any handler runs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Actor } from '../history/recordChange.js';
import {
  atLeast,
  mayContributeTo,
  ownedInPlan,
  planAccessFor,
  readablePlanIds,
  type PlanAccessLevel,
  type PlanAtAddress,
} from '../people/planAccess.js';
import type { User } from '../people/users.js';
import { userForApiToken, type TokenHolder } from '../signin/apiTokens.js';
import { sessionCookieName, sessionTimes, sessionHolder, clearSessionCookie } from '../signin/sessions.js';
import { sendProblem } from './errorHandler.js';
import { reusableQuery } from '../db/reusableQuery.js';

/**
 * - public: anyone, signed in or not (sign-in, health, assets);
 * - account: any signed-in user, a staff account too: their own account, signing out, and the staff pages' list;
 * - signed-in: any signed-in user but a staff account (what they then see is filtered to their plans);
 * - create-plans: administrators and plan managers (new plans, imports, the owners directory);
 * - admin: administrators only;
 * - plan:read / plan:contribute / plan:manage: the plan named by `:slug`, at that level or above;
 *   plan:contribute lets owners in, and the handler then checks the action or focus area is theirs;
 * - plan:staff: the staff page of the plan named by `:slug`: its readers, or anyone signed in (a staff account too)
 *   when the plan's administrator has opened its staff page wider (src/staff/).
 */
export type RouteAccess =
  | 'public'
  | 'account'
  | 'signed-in'
  | 'create-plans'
  | 'admin'
  | 'plan:read'
  | 'plan:contribute'
  | 'plan:manage'
  | 'plan:staff';

export interface PlanAccess {
  planId: string;
  slug: string;
  /** The plan's content version as this request found it: what its cached responses are keyed on. */
  contentVersion: number;
  level: PlanAccessLevel;
  /** For an owner: what they own and lead in this plan, so pages offer them the update form only there. */
  owned?: { actionIds: Set<string>; themeIds: Set<string> };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    user: User | null;
    /** Set when the request came with an API token. */
    apiToken: TokenHolder | null;
    /** Set for plan:* routes: the plan and what this user may do in it. */
    planAccess: PlanAccess | null;
    /** The plan at the address asked for, found with the user (see `identify`). */
    planAt: PlanAtAddress | null;
    actor: Actor;
  }
}

// Routes registered by plugins we do not write (files, API documentation): their access is decided here.
const pluginRoutes: [prefix: string, access: RouteAccess][] = [
  ['/static/', 'public'],
  ['/assets/', 'public'],
  ['/api/docs', 'signed-in'],
];

export class SignInRequiredError extends Error {
  constructor() {
    super('Sign in to continue');
    this.name = 'SignInRequiredError';
  }
}

export const planLevelFor: Record<
  'plan:read' | 'plan:contribute' | 'plan:manage' | 'plan:staff',
  PlanAccessLevel
> = {
  'plan:read': 'viewer',
  'plan:staff': 'viewer',
  'plan:contribute': 'owner',
  'plan:manage': 'manager',
};

function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/v1/') || request.url === '/api/v1';
}

/** The address of the plan a plan:* route is asked for, known before the route runs. */
function planSlugAsked(request: FastifyRequest): string | undefined {
  if (request.is404 || !request.routeOptions.config.access?.startsWith('plan:')) return undefined;
  return (request.params as { slug?: string }).slug;
}

async function identify(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { db, config } = request.server;
  // The plan at the address comes in the statement that finds the user: one round trip before the route's own work.
  const planSlug = planSlugAsked(request);
  if (isApiRequest(request)) {
    // The API takes only bearer tokens, never the browser's cookie, so a page elsewhere cannot act through it.
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    request.apiToken = match ? await userForApiToken(db, match[1]!, undefined, planSlug) : null;
    request.user = request.apiToken?.user ?? null;
    request.planAt = request.apiToken?.planAt ?? null;
    return;
  }
  const secret = request.cookies[sessionCookieName];
  if (!secret) return;
  const holder = await sessionHolder(db, secret, sessionTimes(config), { planSlug });
  request.user = holder?.user ?? null;
  request.planAt = holder?.planAt ?? null;
  if (!request.user) clearSessionCookie(request, reply);
}

function mayCreatePlans(user: User): boolean {
  return user.role === 'admin' || user.role === 'manager';
}

const planBySlug = reusableQuery(['slug'], (kysely, { slug }) =>
  kysely.selectFrom('plans').select(['id', 'slug', 'content_version']).where('slug', '=', slug),
);

const staffPageReaders = reusableQuery(['planId'], (kysely, { planId }) =>
  kysely.selectFrom('staff_pages').select('readers').where('plan_id', '=', planId),
);

/** Whether the plan's staff page is open to anyone signed in (or to anyone at all). */
async function staffPageOpenToAll(request: FastifyRequest, planId: string): Promise<boolean> {
  const [page] = await staffPageReaders(request.server.db.kysely, { planId });
  return page !== undefined && page.readers !== 'plan';
}

async function enforce(request: FastifyRequest): Promise<void> {
  // An address that matches no route is a 404 for someone signed in, and the sign-in page for anyone else.
  const access = request.is404 ? 'signed-in' : request.routeOptions.config.access;
  if (access === undefined) throw new ForbiddenError('This address declares no access rule');
  if (access === 'public') return;
  const user = request.user;
  if (!user) throw new SignInRequiredError();
  if (request.apiToken?.access === 'read' && !['GET', 'HEAD'].includes(request.method))
    throw new ForbiddenError('This API token can only read: make a read-write token to change things');
  if (access === 'account') return;
  if (user.role === 'staff' && !access.startsWith('plan:'))
    throw new ForbiddenError('A staff account can read only the staff pages: see “You said, we did”');
  if (access === 'signed-in') return;
  if (access === 'admin') {
    if (user.role !== 'admin') throw new ForbiddenError('Only an administrator can do that');
    return;
  }
  if (access === 'create-plans') {
    if (!mayCreatePlans(user))
      throw new ForbiddenError('Only an administrator or a plan manager can do that');
    return;
  }
  const slug = (request.params as { slug?: string }).slug;
  const found = request.planAt?.slug === slug ? request.planAt : null;
  const [plan] = found
    ? found.plan
      ? [found.plan]
      : []
    : slug
      ? await planBySlug(request.server.db.kysely, { slug })
      : [];
  const level = plan ? await planAccessFor(request.server.db, user, plan.id, found?.memberRole) : null;
  // Beyond the plan's readers, a staff page may be open to anyone signed in: they read it and nothing else.
  if (access === 'plan:staff' && plan && level === null && (await staffPageOpenToAll(request, plan.id)))
    return;
  // A plan the user may not read answers exactly as a plan that does not exist, so slugs cannot be probed.
  if (!plan || level === null) throw new NotFoundError('Plan');
  if (!atLeast(level, planLevelFor[access]))
    throw new ForbiddenError(
      access === 'plan:manage'
        ? 'Only a manager of this plan can do that'
        : 'You can read this plan but not post updates to it',
    );
  request.planAccess = {
    planId: plan.id,
    slug: plan.slug,
    contentVersion: plan.content_version,
    level,
    ...(level === 'owner' && user.ownerId
      ? { owned: await ownedInPlan(request.server.db, user.ownerId, plan.id) }
      : {}),
  };
}

/**
 * What the user may do, for pages to offer only that (the routes refuse the rest whatever a page shows):
 * create plans and keep the owners directory; manage the plan of this page; post updates on an action or focus area.
 */
export function permissionsFor(user: User | null, planAccess: PlanAccess | null) {
  const level = planAccess?.level ?? null;
  return {
    createPlans: user !== null && mayCreatePlans(user),
    managePlan: atLeast(level, 'manager'),
    postOn(kind: 'action' | 'theme', id: string): boolean {
      if (atLeast(level, 'contributor')) return true;
      const owned = planAccess?.owned;
      return (
        level === 'owner' &&
        owned !== undefined &&
        (kind === 'action' ? owned.actionIds : owned.themeIds).has(id)
      );
    },
  };
}

export const setUpAccess = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', null);
  app.decorateRequest('apiToken', null);
  app.decorateRequest('planAccess', null);
  app.decorateRequest('planAt', null);
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: RouteAccess };
    if (config.access) return;
    const fromPlugin = pluginRoutes.find(([prefix]) => route.url.startsWith(prefix));
    if (!fromPlugin)
      throw new Error(`Route ${String(route.method)} ${route.url} must declare its access (config.access)`);
    route.config = { ...config, access: fromPlugin[1] };
  });
  app.addHook('onRequest', async (request, reply) => {
    await identify(request, reply);
    request.actor = request.user
      ? { name: request.user.name, userId: request.user.id }
      : { name: 'Signed-out visitor' };
    try {
      await enforce(request);
    } catch (error) {
      // Refused before its body is read: the connection must close, or the unread rest of the body would be taken
      // for the browser's next request on it.
      if (request.headers['content-length'] || request.headers['transfer-encoding'])
        void reply.header('connection', 'close');
      throw error;
    }
  });
});

/** Where a signed-out person is sent for a page: the sign-in page, coming back here afterwards. */
export function signInRedirect(request: FastifyRequest, reply: FastifyReply) {
  if (request.method === 'GET' || request.method === 'HEAD') {
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303);
  }
  return null;
}

export function sendSignInProblem(request: FastifyRequest, reply: FastifyReply) {
  reply.header('WWW-Authenticate', 'Bearer realm="Headway"');
  return sendProblem(request, reply, {
    status: 401,
    title: 'Sign-in required',
    detail: 'Send an API token as "Authorization: Bearer hw_..."; make one under Your account',
  });
}

/**
 * For plan:contribute routes: refuses unless the user may post on this action or focus area (a plan's contributors
 * and managers on any; its owners only on their own). Takes an update's own record to check what it is on.
 */
export async function assertMayContribute(
  request: FastifyRequest,
  subject: { actionId: string } | { themeId: string } | { action_id: string | null; theme_id: string | null },
): Promise<void> {
  const access = request.planAccess;
  const user = request.user;
  if (!access || !user) throw new ForbiddenError();
  const target =
    'actionId' in subject
      ? { kind: 'action' as const, id: subject.actionId }
      : 'themeId' in subject
        ? { kind: 'theme' as const, id: subject.themeId }
        : subject.action_id
          ? { kind: 'action' as const, id: subject.action_id }
          : { kind: 'theme' as const, id: subject.theme_id ?? '' };
  if (!(await mayContributeTo(request.server.db, user, access.level, target)))
    throw new ForbiddenError(
      target.kind === 'action'
        ? 'You can post updates only on the actions you own'
        : 'You can post updates only on the focus areas you lead',
    );
}

/** The plans the signed-in user may read, for lists that span plans. */
export function readablePlans(request: FastifyRequest): Promise<Set<string> | 'all'> {
  if (!request.user) return Promise.resolve(new Set());
  return readablePlanIds(request.server.db, request.user);
}
