// A programme manager's journey through the staff-survey plan in a real Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, signIn, startDemoServer, type DemoServer } from './support.js';

describe.runIf(browserAvailable())('journey: filter, update and edit an action in Chromium', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('filters to Ongoing, posts a dated update that completes an action, and refuses a stale edit from a second tab', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server);
    await page.getByRole('link', { name: 'Staff Survey - Action Plan' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch('Staff Survey - Action Plan');

    await page.getByLabel('Status', { exact: true }).selectOption('ongoing');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('[data-result-count]').textContent())
      .toMatch(/Showing 7 of 14 actions/);
    expect(await page.locator('[data-action] [data-status="complete"]').count()).toBe(0);

    await page.getByRole('link', { name: 'Comms piece to raise awareness of Focus Group findings' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toContain('Comms piece to raise awareness');
    const actionUrl = page.url();

    await page.getByLabel('Update', { exact: true }).fill('Comms piece published on the intranet.');
    const date = page.getByRole('group', { name: 'Date of the update' });
    await date.getByLabel('Day').fill('14');
    await date.getByLabel('Month').fill('9');
    await date.getByLabel('Year').fill('2021');
    await page.getByLabel('Change status to').selectOption('complete');
    await page.getByRole('button', { name: 'Post update' }).click();
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Update posted');
    const first = page.locator('[data-timeline] [data-update]').first();
    await expect.poll(() => first.textContent()).toContain('14 September 2021');
    await expect.poll(() => first.textContent()).toContain('Comms piece published on the intranet.');
    await expect.poll(() => first.textContent()).toContain('status changed to Complete');
    await expect.poll(() => page.locator('[data-action-details]').textContent()).toContain('Complete');

    const tabA = await context.newPage();
    const tabB = await context.newPage();
    await tabA.goto(`${actionUrl}/edit`);
    await tabB.goto(`${actionUrl}/edit`);
    await tabA.getByLabel('Progress').fill('Saved first, from tab A.');
    await tabA.getByRole('button', { name: 'Save action' }).click();
    await expect
      .poll(() => tabA.locator('.govuk-notification-banner').textContent())
      .toContain('Action saved');

    await tabB.getByLabel('Progress').fill('My words from tab B, which must not be lost.');
    await tabB.getByRole('button', { name: 'Save action' }).click();
    await expect
      .poll(() => tabB.locator('[data-conflict]').textContent())
      .toContain('Someone else saved a change while you were editing');
    await expect
      .poll(() => tabB.locator('td[data-saved]').first().textContent())
      .toContain('Saved first, from tab A.');
    expect(await tabB.getByLabel('Progress').inputValue()).toBe(
      'My words from tab B, which must not be lost.',
    );
    await context.close();
  });
});
