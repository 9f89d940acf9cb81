import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { headwayVersion } from './sitePages.js';

const signedOut = { cookie: '' };
const pngLogo = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('rest of a PNG'),
]);

/** What only GOV.UK may show: the crown, the Royal Arms, Crown copyright, the licence and GOV.UK's typeface. */
function expectNoGovukBrand(html: string) {
  expect(html).not.toMatch(
    /govuk-logo|govuk-footer__crown|govuk-footer__copyright-logo|govuk-footer__licence/,
  );
  expect(html).not.toMatch(/Crown copyright|Open Government Licence|GOV\.UK - The best place/);
  expect(html).not.toContain('/static/govuk-frontend.min.css');
  expect(html).not.toContain('/assets/');
}

describeEachDatabase("the service's own pages", (current) => {
  let app: TestApp;
  let viewer: TestApp;
  beforeAll(async () => {
    const config = {
      organisationName: 'Avon Fire & Rescue',
      organisationLogo: { bytes: pngLogo, contentType: 'image/png' as const },
    };
    app = await buildTestApp(current(), { config });
    viewer = await buildTestApp(current(), { role: 'viewer', config });
  });
  afterAll(async () => {
    await app.close();
    await viewer.close();
  });

  it.each(['/plans', '/sign-in', '/accessibility', '/about', '/status'])(
    '%s names the organisation in the header, links the service pages in the footer, and shows no GOV.UK brand',
    async (url) => {
      const res = await app.inject({ url, headers: url === '/sign-in' ? signedOut : {} });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(
        '<span class="hw-organisation-name" data-organisation>Avon Fire &amp; Rescue</span>',
      );
      expect(res.body).toContain('<img class="hw-organisation-logo" src="/site/logo" alt="">');
      const footer = res.body.slice(res.body.indexOf('data-footer'));
      for (const href of ['/accessibility', '/about', '/status'])
        expect(footer).toContain(`class="govuk-footer__link" href="${href}"`);
      expect(footer).not.toContain('/healthz');
      expect(res.body).toContain('<link rel="stylesheet" href="/site/frontend.css">');
      expectNoGovukBrand(res.body);
    },
  );

  it('serves GOV.UK Frontend styles in Arial, without GDS Transport, its font files or the Royal Arms', async () => {
    const res = await app.inject({ url: '/site/frontend.css', headers: signedOut });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.body).toContain('.govuk-footer__link');
    expect(res.body).toContain('font-family:arial, helvetica, sans-serif');
    expect(res.body).not.toMatch(/GDS Transport|\.woff|@font-face|govuk-crest/);
    for (const url of [
      '/static/govuk-frontend.min.css',
      '/assets/fonts/bold-b542beb274-v2.woff2',
      '/assets/images/govuk-crest.svg',
      '/assets/images/favicon.ico',
    ])
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    const headway = await app.inject('/static/headway.css');
    expect(headway.statusCode).toBe(200);
    expect(headway.body).not.toContain('GDS Transport');
    expect((await app.inject('/static/govuk-frontend.min.js')).statusCode).toBe(200);
    expect((await app.inject('/static/favicon.svg')).statusCode).toBe(200);
  });

  it('serves the organisation logo from a fixed address, to anyone, unable to run script', async () => {
    const res = await app.inject({ url: '/site/logo', headers: signedOut });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.equals(pngLogo)).toBe(true);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain('sandbox');
  });

  it('reads the accessibility statement signed out, with the default text naming the organisation', async () => {
    const res = await app.inject({ url: '/accessibility', headers: signedOut });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-xl">Accessibility statement for Headway</h1>');
    expect(res.body).toContain('This service is run by Avon Fire &amp; Rescue.');
    expect(res.body).toContain('<h2 class="govuk-heading-m">Enforcement procedure</h2>');
    expect(res.body).toContain('href="https://www.equalityadvisoryservice.com/"');
    expect(res.body).not.toContain('/accessibility/edit');
  });

  it('lets an administrator edit the statement as plain text, and keeps their text when someone saved first', async () => {
    const page = await app.inject('/accessibility');
    expect(page.body).toContain('href="/accessibility/edit"');
    const form = await app.inject('/accessibility/edit');
    expect(form.statusCode).toBe(200);
    const box = /<textarea[^>]*>([^<]*)<\/textarea>/.exec(form.body)?.[1] ?? '';
    expect(box).toContain('## Enforcement procedure');
    const version = /name="version" value="(\d+)"/.exec(form.body)?.[1];
    expect(version).toBe('0');

    const saved = await app.inject({
      method: 'POST',
      url: '/accessibility/edit',
      payload: new URLSearchParams({
        version: '0',
        text: '## Our statement\n\nWe <mean> it.\n\n- Tested 2026',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/accessibility?notice=statement-saved');
    const shown = await viewer.inject({ url: '/accessibility?notice=statement-saved' });
    expect(shown.body).toContain('Accessibility statement saved');
    expect(shown.body).toContain('<h2 class="govuk-heading-m">Our statement</h2>');
    expect(shown.body).toContain('<p class="govuk-body">We &lt;mean&gt; it.</p>');
    expect(shown.body).toContain('<li>Tested 2026</li>');
    expect(shown.body).not.toContain('/accessibility/edit');

    // A second administrator's save from the default, after the first: refused, their words kept in the box.
    const stale = await app.inject({
      method: 'POST',
      url: '/accessibility/edit',
      payload: new URLSearchParams({ version: '0', text: 'My own version' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toMatch(/<textarea[^>]*>My own version<\/textarea>/);
    expect(stale.body).toContain('data-conflict');
    expect(stale.body).toContain('We &lt;mean&gt; it.');
    expect(stale.body).toContain('name="version" value="1"');

    const empty = await app.inject({
      method: 'POST',
      url: '/accessibility/edit',
      payload: new URLSearchParams({ version: '1', text: '  ' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the accessibility statement');
    expect((await app.inject({ url: '/accessibility', headers: signedOut })).body).toContain('Our statement');

    expect((await viewer.inject('/accessibility/edit')).statusCode).toBe(403);
  });

  it('says what Headway is on the about page, to anyone', async () => {
    const res = await app.inject({ url: '/about', headers: signedOut });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-xl">About Headway</h1>');
    expect(res.body).toContain('Headway is run by Avon Fire &amp; Rescue');
    expect(res.body).not.toContain('data-version');
    const signedIn = (await app.inject('/about')).body;
    expect(signedIn).toContain(`This is Headway version ${headwayVersion}.`);
    expect(signedIn).toMatch(/govuk-service-navigation__service-name[\s\S]*Headway/);
  });

  it('shows the service status as a page: database reachable and time to anyone, the version to people signed in', async () => {
    const out = await app.inject({ url: '/status', headers: signedOut });
    expect(out.statusCode).toBe(200);
    expect(out.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(out.headers['cache-control']).toBe('no-store');
    expect(out.body).toContain('Headway is working.');
    expect(out.body).toMatch(/(SQLite|PostgreSQL), reachable/);
    expect(out.body).toMatch(/Checked[\s\S]*\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d/);
    expect(out.body).not.toContain(headwayVersion);
    const signedIn = await app.inject('/status');
    expect(signedIn.body).toMatch(new RegExp(`Version[\\s\\S]*${headwayVersion.replace(/\./g, '\\.')}`));
    // /healthz stays as it was, for machines.
    const health = await app.inject({ url: '/healthz', headers: signedOut });
    expect(health.json()).toMatchObject({ status: 'ok' });
  });
});

describeEachDatabase('the service pages without an organisation set', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('names Headway in the header, draws no logo, and has no logo to serve', async () => {
    const res = await app.inject('/plans');
    expect(res.body).toContain('<span class="hw-organisation-name" data-organisation>Headway</span>');
    expect(res.body).not.toContain('is run by');
    // Headway is named once, not again as the service beside an organisation of the same name.
    expect(res.body).not.toContain('govuk-service-navigation__service-name');
    expect((await app.inject('/about')).body).not.toContain('is run by');
    const statement = (await app.inject('/accessibility')).body;
    expect(statement).not.toContain('Headway at Headway');
    expect(statement).toContain('This service is run by your organisation.');
    expect(statement).toContain('Your organisation is committed to making its websites accessible');
    expect(res.body).not.toContain('/site/logo');
    expect((await app.inject('/site/logo')).statusCode).toBe(404);
  });
});
