// Everything pages need: the view engine as reply.render, GOV.UK Frontend's assets and Headway's own.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { mailSetUp } from '../mail/sendEmail.js';
import { join } from 'node:path';
import type { User } from '../people/users.js';
import { permissionsFor } from './access.js';
import { projectRoot } from './projectRoot.js';
import { createViews } from './views.js';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply;
    /** The page as render would send it, for a route that keeps what it drew (src/web/responseCache.ts). */
    renderHtml(template: string, context?: Record<string, unknown>): string;
  }
  interface FastifyInstance {
    /** A part of a page as markup, drawn only from `context`: nothing of the request reaches it unless passed. */
    renderFragment(template: string, context: Record<string, unknown>): string;
  }
}

interface NavigationItem {
  href: string;
  text: string;
  active?: boolean;
}

/** The service navigation: only what this user can use. */
export function navigationFor(user: User | null, path: string): NavigationItem[] {
  if (!user) return [];
  const staffPages = {
    href: '/you-said-we-did',
    text: 'You said, we did',
    active: path.startsWith('/you-said-we-did'),
  };
  const account = { href: '/account', text: 'Your account', active: path.startsWith('/account') };
  // A staff account reads the staff pages and nothing else: the rest would only refuse it.
  if (user.role === 'staff') return [staffPages, account];
  const items: NavigationItem[] = [
    // Those who own or lead something land on My work: it comes first for them.
    ...(user.ownerId ? [{ href: '/my-work', text: 'My work', active: path.startsWith('/my-work') }] : []),
    { href: '/plans', text: 'Plans', active: path.startsWith('/plans') },
    { href: '/dashboard', text: 'Dashboard', active: path.startsWith('/dashboard') },
    { href: '/owners', text: 'Owners', active: path.startsWith('/owners') },
  ];
  if (user.role === 'admin' || user.role === 'manager')
    items.push({ href: '/import', text: 'Import', active: path.startsWith('/import') });
  if (user.role === 'admin') {
    items.push({ href: '/admin/users', text: 'Users', active: path.startsWith('/admin/users') });
    items.push({
      href: '/admin/history',
      text: 'Security history',
      active: path.startsWith('/admin/history'),
    });
    items.push({ href: '/admin/outbox', text: 'Outbox', active: path.startsWith('/admin/outbox') });
  }
  items.push(staffPages);
  items.push({ href: '/api/docs', text: 'API' });
  items.push(account);
  return items;
}

export const setUpPages = fp(async (app: FastifyInstance) => {
  const views = createViews();
  // The organisation that runs Headway, for the header and footer of every page.
  views.addGlobal('site', {
    organisationName: app.config.organisationName,
    hasLogo: app.config.organisationLogo !== undefined,
  });
  // Whether e-mail is set up, for the pages that would send it: {% include "mail/views/mailNotSetUp.njk" %}.
  views.addGlobal('mail', mailSetUp(app.config));
  app.decorate('renderFragment', (template: string, context: Record<string, unknown>) =>
    views.render(template, context),
  );
  app.decorateReply(
    'renderHtml',
    function renderHtml(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
      return views.render(template, {
        ...context,
        cspStyleNonce: this.styleNonce,
        // Called by csrfField() in each form, so a page without a form sets no cookie.
        csrfToken: () => this.csrfToken(),
        currentPath: this.request.url.split('?')[0],
        actor: this.request.actor,
        user: this.request.user,
        navigation: navigationFor(this.request.user, this.request.url.split('?')[0] ?? ''),
        may: permissionsFor(this.request.user, this.request.planAccess),
      });
    },
  );
  app.decorateReply(
    'render',
    function render(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
      return this.type('text/html; charset=utf-8').send(this.renderHtml(template, context));
    },
  );
  // GOV.UK Frontend's scripts and Headway's own files. Not GOV.UK's assets (its typeface, crown icons and crest),
  // nor its stylesheet as published, which loads them: src/site/frontendStyles.ts serves it without them.
  await app.register(fastifyStatic, {
    root: [join(projectRoot, 'node_modules/govuk-frontend/dist/govuk'), join(projectRoot, 'src/web/public')],
    prefix: '/static/',
    allowedPath: (path) =>
      /\.(css|js|mjs|map|svg|png|ico)$/.test(path) &&
      !path.includes('/assets/') &&
      !path.startsWith('/govuk-frontend.min.css'),
    maxAge: '1h',
  });
});
