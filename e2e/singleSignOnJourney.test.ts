// Single sign-on in a real Chromium: from a deep link, through a real OpenID provider on another site, and back.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startOpenIdProvider, type TestProvider } from '../src/testing/openIdProvider.js';
import { browserAvailable, launchBrowser, startDemoServer, type DemoServer } from './support.js';

describe.runIf(browserAvailable())('journey: sign in with an OpenID provider in Chromium', () => {
  let provider: TestProvider;
  let server: DemoServer;
  let browser: Browser;
  // Headway on "localhost" and the provider on "127.0.0.1" are different sites, as in real life, so the
  // browser's SameSite rules apply to the way back.
  let headway: string;

  beforeAll(async () => {
    const port = await freePort();
    headway = `http://localhost:${port}`;
    provider = await startOpenIdProvider(`${headway}/sign-in/sso/callback`);
    server = await startDemoServer({
      port,
      singleSignOn: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        redirectUrl: `${headway}/sign-in/sso/callback`,
        defaultRole: 'viewer',
        label: 'Test Provider',
      },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  it('takes the administrator from a deep link to the provider and back to the page they asked for', async () => {
    const admin = server.accounts[0]!;
    provider.next = { sub: 'admin-at-provider', email: admin.email.toUpperCase(), email_verified: true };
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${headway}/plans?q=Survey`);
    await page.waitForURL(/\/sign-in\?returnTo=/);
    await page.getByRole('link', { name: 'Sign in with Test Provider' }).click();
    await page.waitForURL(`${headway}/plans?q=Survey`);
    await expect.poll(() => page.getByRole('link', { name: 'Staff Survey - Action Plan' }).count()).toBe(1);
    const cookies = await page.context().cookies(headway);
    expect(cookies.find((c) => c.name === 'headway_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(cookies.find((c) => c.name === 'headway_sign_on')).toBeUndefined();
  });

  it('makes someone new a viewer, who sees no plan until given one', async () => {
    provider.next = {
      sub: 'new-at-provider',
      email: 'new.starter@example.org',
      email_verified: true,
      name: 'New Starter',
    };
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${headway}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Test Provider' }).click();
    await page.waitForURL(`${headway}/plans`);
    expect(await page.getByRole('link', { name: 'Staff Survey - Action Plan' }).count()).toBe(0);
    const user = await server.db.kysely
      .selectFrom('users')
      .select(['name', 'role'])
      .where('email', '=', 'new.starter@example.org')
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'New Starter', role: 'viewer' });
  });

  it('shows the provider’s refusal with a way back to the sign-in page', async () => {
    provider.next = 'refuse';
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${headway}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Test Provider' }).click();
    await expect.poll(() => page.locator('[data-problem]').textContent()).toContain('did not sign you in');
    await page.getByRole('link', { name: 'Go back to sign in' }).click();
    await page.waitForURL(`${headway}/sign-in`);
  });
});
