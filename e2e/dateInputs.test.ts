// Every form that asks for a date, in a real Chromium: the GOV.UK date input, never the browser's own date picker.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, signIn, startDemoServer, type DemoServer } from './support.js';

/** What a page offers for dates: native pickers, and the day, month and year fields of each GOV.UK date input. */
async function dateFields(page: Page) {
  return page.evaluate(() => ({
    nativePickers: document.querySelectorAll('input[type="date"]').length,
    dateInputs: [...document.querySelectorAll('.govuk-date-input')].map((group) =>
      [...group.querySelectorAll('input')].map((input) => `${input.name}:${input.type}:${input.inputMode}`),
    ),
  }));
}

describe.runIf(browserAvailable())('date inputs in Chromium', () => {
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

  it('shows day, month and year fields and no native date picker on every form that asks for a date', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server);
    await page.getByRole('link', { name: 'Staff Survey - Action Plan' }).click();
    const planUrl = page.url();
    await page.locator('[data-action] a').first().click();
    const actionUrl = page.url();
    const seen: Record<string, Awaited<ReturnType<typeof dateFields>>> = {};
    const visit = async (label: string, url: string) => {
      await page.goto(url);
      seen[label] = await dateFields(page);
    };
    await visit('post an update', actionUrl);
    await visit('edit an action', `${actionUrl}/edit`);
    await visit('add an action', `${planUrl}/actions/new`);
    await visit('security history', `${server.url}/admin/history`);
    await visit('reports', `${planUrl}/reports`);
    await page.getByRole('button', { name: 'Draft the report' }).click();
    await page.waitForURL(/\/reports\/[^/]+$/);
    await visit('edit a report', `${page.url()}/edit`);
    await page.goto(actionUrl);
    await page.getByLabel('Update', { exact: true }).fill('Posted to have an update to edit.');
    await page.getByRole('button', { name: 'Post update' }).click();
    await page.locator('[data-timeline] [data-update] a', { hasText: 'Edit' }).first().click();
    seen['edit an update'] = await dateFields(page);

    const fields = (name: string) => [
      `${name}-day:text:numeric`,
      `${name}-month:text:numeric`,
      `${name}-year:text:numeric`,
    ];
    expect(seen).toEqual({
      'post an update': { nativePickers: 0, dateInputs: [fields('effectiveOn')] },
      'edit an action': { nativePickers: 0, dateInputs: [fields('completedOn')] },
      'add an action': { nativePickers: 0, dateInputs: [fields('completedOn')] },
      'security history': { nativePickers: 0, dateInputs: [fields('from'), fields('to')] },
      reports: { nativePickers: 0, dateInputs: [fields('periodStart'), fields('periodEnd')] },
      'edit a report': { nativePickers: 0, dateInputs: [fields('periodStart'), fields('periodEnd')] },
      'edit an update': { nativePickers: 0, dateInputs: [fields('effectiveOn')] },
    });
    await context.close();
    // Seven pages in one browser: slow on a busy machine, so given room; nothing here is timed.
  }, 120_000);

  it('names a missing month, marks only that field, and takes the user to it from the error summary', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server);
    await page.getByRole('link', { name: 'Staff Survey - Action Plan' }).click();
    await page.locator('[data-action] a').first().click();
    await page.getByLabel('Update', { exact: true }).fill('Typed, and kept.');
    const date = page.getByRole('group', { name: 'Date of the update' });
    await date.getByLabel('Day').fill('27');
    await date.getByLabel('Month').fill('');
    await date.getByLabel('Year').fill('2024');
    await page.getByRole('button', { name: 'Post update' }).click();
    const summary = page.locator('.govuk-error-summary');
    await expect.poll(() => summary.textContent()).toContain('Date of the update must include a month');
    expect(
      await page
        .locator('.govuk-date-input .govuk-input--error')
        .evaluateAll((inputs) => inputs.map((i) => i.id)),
    ).toEqual(['effectiveOn-month']);
    await summary.getByRole('link', { name: 'Date of the update must include a month' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('effectiveOn-month');
    expect(await page.getByLabel('Update', { exact: true }).inputValue()).toBe('Typed, and kept.');
    await context.close();
  });
});
