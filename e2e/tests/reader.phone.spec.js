'use strict';
// An evaluator opens a personal link on a phone, reads a report, highlights
// a passage with a note, and the visible reading time is recorded.
const { test, expect } = require('@playwright/test');
const { logins } = require('../helpers');

test.setTimeout(60_000);

test('personal link: read, highlight and note on a phone', async ({ page }) => {
  const link = logins().find((l) => l.role === 'evaluator_link').password;
  await page.goto(link);
  // The token is gone from the address bar.
  expect(new URL(page.url()).pathname).toMatch(/^\/e\/\d+$/);
  await expect(page.locator('h1')).toHaveText('阅读述职报告');
  await expect(page.locator('.progress-bar')).toContainText('已阅读');
  // Open the first report that was handed in.
  await page.locator('.reading-item a:not(:has(.badge-muted))').first().click();
  await expect(page.locator('#report-body')).toBeVisible();

  // Select a passage and note it.
  const passage = await page.locator('#report-body p').nth(1).evaluate((p) => {
    const r = document.createRange();
    r.setStart(p.firstChild, 0);
    r.setEnd(p.firstChild, 10);
    const s = window.getSelection();
    s.removeAllRanges();
    s.addRange(r);
    return s.toString();
  });
  await page.locator('#highlight-btn').click();
  await expect(page.locator('#note-quote')).toHaveValue(passage);
  await page.fill('#note-body', '数据是否有台账佐证？');
  await page.getByRole('button', { name: '保存批注' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('批注已保存。');
  await expect(page.locator('#report-body mark')).toHaveText(passage);
  await expect(page.locator('#notes-list')).toContainText('数据是否有台账佐证？');

  // Visible reading time goes to the server while the page is on screen.
  const ping = await page.waitForRequest((r) => r.url().endsWith('/ping') && r.method() === 'POST', { timeout: 25_000 });
  expect(ping.postData()).toMatch(/^seconds=\d+$/);

  // All my notes, across subjects.
  await page.getByRole('link', { name: '返回名单' }).click();
  await page.getByRole('link', { name: '我的全部批注' }).click();
  await expect(page.locator('main')).toContainText('数据是否有台账佐证？');
  // No horizontal scrolling on a 360-px screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
