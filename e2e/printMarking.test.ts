// The printable pages of a plan's highlight report and action-plan document, printed by a real Chromium: the
// plan's protective marking must be at the top and bottom of every printed page, not only the first and last.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools, readPdfPages, withPdfFile } from '../src/testing/pdfText.js';
import { browserAvailable, launchBrowser, signIn, startDemoServer, type DemoServer } from './support.js';

const missing = missingTools(['pdftotext']);

describe.runIf(browserAvailable() && !missing)('printing a marked plan in Chromium', () => {
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

  const printedPages = async (url: string) => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server);
    await page.goto(url);
    const pdf = await page.pdf({ preferCSSPageSize: true });
    return withPdfFile(pdf, readPdfPages);
  };

  it('shows the marking at the top and bottom of every page of the highlight report and the action plan', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server);
    await page.goto(`${server.url}/plans/staff-survey-2021/reports`);
    for (const [legend, [day, month, year]] of [
      ['First day of the period', ['1', '1', '2021']],
      ['Last day of the period', ['31', '12', '2022']],
    ] as const) {
      const date = page.getByRole('group', { name: legend });
      await date.getByLabel('Day').fill(day);
      await date.getByLabel('Month').fill(month);
      await date.getByLabel('Year').fill(year);
    }
    await page.getByRole('button', { name: 'Draft the report' }).click();
    const print = page.getByRole('link', { name: 'Printable version' });
    const reportPrint = new URL((await print.getAttribute('href'))!, server.url).toString();

    for (const url of [reportPrint, `${server.url}/plans/staff-survey-2021/print`]) {
      const pages = await printedPages(url);
      expect(pages.length, url).toBeGreaterThan(1);
      for (const [index, printed] of pages.entries()) {
        // The words from the top of the page down: the marking must come first and last.
        const words = [...printed.words]
          .sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin)
          .map((w) => w.text);
        expect(words.slice(0, 3).join(' '), `${url} page ${index + 1}`).toBe('NOT PROTECTIVELY MARKED');
        expect(words.slice(-3).join(' '), `${url} page ${index + 1}`).toBe('NOT PROTECTIVELY MARKED');
      }
    }
  });
});
