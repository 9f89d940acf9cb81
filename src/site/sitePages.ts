// The service's own pages: the accessibility statement (and its editing), about Headway, the service status for
// people (/healthz stays for machines), the organisation's logo, and GOV.UK Frontend's styles without GOV.UK's brand.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unnamedOrganisation } from '../config.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { projectRoot } from '../web/projectRoot.js';
import {
  readAccessibilityStatement,
  saveAccessibilityStatement,
  statementMaxLength,
  type AccessibilityStatement,
} from './accessibilityStatement.js';
import { frontendStyles } from './frontendStyles.js';
import { siteTextToHtml } from './siteText.js';

export const headwayVersion: string = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export async function sitePages(app: FastifyInstance): Promise<void> {
  // The statement speaks of the organisation running Headway; until it is named, in general terms.
  const organisation =
    app.config.organisationName === unnamedOrganisation ? 'your organisation' : app.config.organisationName;

  // Public: public-sector bodies publish their statement openly, and someone who cannot sign in must be able to read
  // how to ask for help.
  app.get<{ Querystring: { notice?: string } }>(
    '/accessibility',
    { config: { access: 'public' } },
    async (request, reply) => {
      const statement = await readAccessibilityStatement(app.db.kysely, organisation);
      return reply.render('site/views/accessibility.njk', {
        title: 'Accessibility statement',
        statement,
        statementHtml: siteTextToHtml(statement.text),
        mayEdit: request.user?.role === 'admin',
        notice: noticeText(request.query.notice),
      });
    },
  );

  const renderEdit = (reply: FastifyReply, context: Record<string, unknown>) =>
    reply.render('site/views/accessibilityEdit.njk', {
      title: 'Edit the accessibility statement',
      maxLength: statementMaxLength,
      breadcrumbs: [{ text: 'Accessibility statement', href: '/accessibility' }],
      ...context,
    });

  app.get('/accessibility/edit', { config: { access: 'admin' } }, async (_request, reply) => {
    const statement = await readAccessibilityStatement(app.db.kysely, organisation);
    return renderEdit(reply, { form: { text: statement.text, version: statement.version }, statement });
  });

  app.post<{ Body: FormBody }>(
    '/accessibility/edit',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const text = formText(request.body, 'text') ?? '';
      try {
        await inTransaction(app.db, (trx) =>
          saveAccessibilityStatement(trx, request.actor, organisation, {
            text,
            version: formVersion(request.body),
          }),
        );
        return reply.redirect(withNotice('/accessibility', 'statement-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderEdit(reply.status(400), {
            form: { text, version: formText(request.body, 'version') },
            errors: error.fieldErrors,
          });
        if (error instanceof ConflictError) {
          const saved = error.current as AccessibilityStatement;
          // The administrator's text stays in the form; the version moves on, so saving again is a deliberate overwrite.
          return renderEdit(reply.status(409), {
            form: { text, version: saved.version },
            conflict: saved,
          });
        }
        throw error;
      }
    },
  );

  app.get('/about', { config: { access: 'public' } }, async (request, reply) =>
    reply.render('site/views/about.njk', {
      title: 'About Headway',
      version: headwayVersion,
      signedIn: request.user !== null,
    }),
  );

  // Public, for someone who cannot sign in to see whether the service is up; the version, which helps an attacker
  // more than a visitor, only to people signed in.
  app.get('/status', { config: { access: 'public' } }, async (request, reply) => {
    let databaseReachable = true;
    try {
      await sql`select 1`.execute(app.db.kysely);
    } catch (error) {
      databaseReachable = false;
      request.log.error({ err: error }, 'the status page could not reach the database');
    }
    return reply
      .status(databaseReachable ? 200 : 503)
      .header('cache-control', 'no-store')
      .render('site/views/status.njk', {
        title: 'Service status',
        databaseReachable,
        databaseKind: app.db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite',
        version: request.user ? headwayVersion : undefined,
        checkedAt: new Date().toISOString(),
      });
  });

  app.get('/site/logo', { config: { access: 'public' } }, async (_request, reply) => {
    const logo = app.config.organisationLogo;
    if (!logo) throw new NotFoundError('The organisation logo');
    return (
      reply
        .type(logo.contentType)
        .header('cache-control', 'public, max-age=3600')
        // An SVG opened on its own is a document: it may draw, but never run script or load anything.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .send(logo.bytes)
    );
  });

  app.get('/site/frontend.css', { config: { access: 'public' } }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(frontendStyles()),
  );
}
