// The JSON API: OpenAPI at /api/openapi.json, a browsable page at /api/docs, and the routes under /api/v1.
import { AjvCompiler } from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../web/projectRoot.js';
import { actionRoutes } from './actionRoutes.js';
import { ownerRoutes } from './ownerRoutes.js';
import { planRoutes } from './planRoutes.js';
import { themeRoutes } from './themeRoutes.js';
import { updateRoutes } from './updateRoutes.js';
import { searchRoutes } from '../search/searchRoutes.js';
import { myWorkRoutes } from '../mywork/myWorkRoutes.js';
import { roundRoutes } from '../rounds/roundRoutes.js';
import { historyRoutes } from '../history/historyRoutes.js';
import { findingRoutes } from '../findings/findingRoutes.js';
import { dashboardRoutes } from '../dashboard/dashboardRoutes.js';
import { surveyRoutes } from '../surveys/surveyRoutes.js';

type BuildValidator = ReturnType<typeof AjvCompiler>;

/**
 * Fastify's validators, except that a body is taken as sent: by default Ajv coerces types (`{"title":123}` saved as
 * "123", `["a"]` as "a", `"owners":"x"` as `["x"]`), which hides a caller's mistake and saves what it did not mean.
 * The address and its query are text by nature, so they keep coercion: `?limit=20&overdue=true`.
 */
export function buildValidators(): BuildValidator {
  const compilers = AjvCompiler();
  return (externalSchemas, options) => {
    if (options?.mode === 'JTD') throw new Error('Headway validates with JSON Schema, not JTD');
    const coercing = compilers(externalSchemas, options);
    const exact = compilers(externalSchemas, {
      ...options,
      customOptions: { ...options?.customOptions, coerceTypes: false },
    });
    return (route) => (route.httpPart === 'body' ? exact(route) : coercing(route));
  };
}

function readReferenceFile(name: string): string {
  return readFileSync(join(projectRoot, 'src/api/reference', name), 'utf8');
}

export async function registerApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    // The document describes the API only; the pages are for people.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/v1/') ? schema : { ...schema, hide: true },
      url,
    }),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Headway API',
        version: '1',
        description:
          'Action plans, their themes, actions, dated updates and owners. Every edit carries the `version` it ' +
          'started from; a stale edit is refused with 409. Errors are `application/problem+json` (RFC 9457).',
      },
      tags: [
        { name: 'plans', description: 'Plans and their whole-plan export' },
        { name: 'themes', description: 'Themes or focus areas of a plan' },
        { name: 'actions', description: 'Actions (deliverables) of a plan' },
        { name: 'updates', description: 'Dated updates on actions and themes' },
        { name: 'owners', description: 'The directory of people and teams who own actions' },
        { name: 'search', description: 'Actions found by their words, across the plans you may read' },
        { name: 'my work', description: 'Your own actions and focus areas, grouped by what needs you' },
        {
          name: 'update requests',
          description: 'Asking owners for updates before a board, and who has answered',
        },
        { name: 'history', description: 'What changed, in words, and a plan as it stood at any moment' },
        {
          name: 'dashboard',
          description:
            'Figures for a plan or every plan you may read: statuses, overdue, RAG, trend and movers',
        },
        {
          name: 'findings',
          description:
            'What a plan answers (recommendations, areas for improvement, survey findings), the actions answering each, and coverage',
        },
        {
          name: 'surveys',
          description: "A plan's staff survey results across waves, and how each question moved",
        },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // The API's page may no more be framed than any other Headway page. Swagger UI draws its styles from script,
    // which hashes cannot allow: inline styles only, on this page only; its scripts stay as strict as everywhere.
    transformStaticCSP: (header) =>
      header
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'"),
    // Swagger UI's own top bar (its logo, a box to open any other API's document) is left out: the page gets a
    // header with the way back to Headway instead, and colours that pass WCAG AA, both served from this origin.
    uiConfig: { deepLinking: false, defaultModelsExpandDepth: 0, layout: 'BaseLayout' },
    theme: {
      title: 'API reference – Headway',
      css: [{ filename: 'headway.css', content: readReferenceFile('apiReference.css') }],
      js: [{ filename: 'headway.js', content: readReferenceFile('apiReference.js') }],
    },
  });
  app.get('/api/openapi.json', { config: { access: 'signed-in' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(
    async (v1) => {
      await v1.register(planRoutes);
      await v1.register(themeRoutes);
      await v1.register(actionRoutes);
      await v1.register(updateRoutes);
      await v1.register(ownerRoutes);
      await v1.register(searchRoutes);
      await v1.register(myWorkRoutes);
      await v1.register(roundRoutes);
      await v1.register(historyRoutes);
      await v1.register(findingRoutes);
      await v1.register(dashboardRoutes);
      await v1.register(surveyRoutes);
    },
    { prefix: '/api/v1' },
  );
}
