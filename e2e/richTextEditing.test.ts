// Editing an imported action's rich text in a real Chromium: the boxes hold text, never HTML, and formatting survives.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, signIn, startDemoServer, type DemoServer } from './support.js';

describe.runIf(browserAvailable())('journey: edit an imported action’s rich text in Chromium', () => {
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

  const historyOf = async (actionId: string) =>
    (await server.db.kysely.selectFrom('history').select('id').where('record_id', '=', actionId).execute())
      .length;

  it('shows no HTML in any box, saves a bullet list typed into the progress with one change, and an untouched save with none', async () => {
    const action = await server.db.kysely
      .selectFrom('actions')
      .select(['id', 'title', 'progress'])
      .where('title', 'like', 'Hold focus groups with Directorates%')
      .executeTakeFirstOrThrow();
    // Imported as several paragraphs with white space between them.
    expect(action.progress).toMatch(/<\/p>\s+<p>/);

    const page = await (await browser.newContext()).newPage();
    await signIn(page, server);
    await page.getByRole('link', { name: 'Staff Survey - Action Plan' }).click();
    await page.getByRole('link', { name: action.title }).first().click();
    await page.getByRole('button', { name: 'Edit action' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Edit action');

    const boxes = await page
      .locator('textarea')
      .evaluateAll((areas) => areas.map((area) => (area as HTMLTextAreaElement).value));
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (const text of boxes) expect(text).not.toContain('<');
    const progress = page.getByLabel('Progress', { exact: true });
    const shown = await progress.inputValue();
    expect(shown).toContain('All Directorates were invited to attend focus groups.');
    expect(shown).toContain('\n\n1.) Ensure return to work plan');

    const before = await historyOf(action.id);
    await progress.fill(`${shown}\n\nSince then:\n- **Findings** shared with the board\n- Leads agreed`);
    await page.getByRole('button', { name: 'Save action' }).click();
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Action saved');
    // The progress row's list: the action also lists the findings it answers.
    const list = page
      .locator('[data-action-details] .govuk-summary-list__row')
      .filter({ has: page.locator('dt', { hasText: /^\s*Progress\s*$/ }) })
      .locator('ul')
      .last();
    await expect
      .poll(() => list.locator('li').allTextContents())
      .toEqual(['Findings shared with the board', 'Leads agreed']);
    expect(await list.locator('li b').textContent()).toBe('Findings');
    expect(await historyOf(action.id)).toBe(before + 1);

    await page.getByRole('button', { name: 'Edit action' }).click();
    const again = await page.getByLabel('Progress', { exact: true }).inputValue();
    expect(again).toContain('Since then:\n\n- **Findings** shared with the board\n- Leads agreed');
    await page.getByRole('button', { name: 'Save action' }).click();
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Nothing was changed');
    expect(await historyOf(action.id)).toBe(before + 1);
  }, 120_000);
});
