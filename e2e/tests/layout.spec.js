'use strict';
// Pages without the menu (login, the personal-link pages) use the width of a
// desktop screen instead of a column left beside a missing menu.
const { test, expect } = require('@playwright/test');
const { logins } = require('../helpers');

for (const [width, height] of [[1366, 768], [1920, 1080]]) {
  test(`pages without a menu are readable at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/login');
    const form = await page.locator('form:has(input[name=password])').boundingBox();
    expect(form.width).toBeGreaterThan(300);
    // A link that has ended shows its page in the same frame.
    await page.goto('/e/999999');
    const main = await page.locator('main').boundingBox();
    expect(main.width).toBeGreaterThan(600);
    const h1 = await page.locator('h1').boundingBox();
    expect(h1.height).toBeLessThan(80); // one line, not a character a line
  });
}

test('the personal link reads across a desktop screen', async ({ browser }) => {
  const link = logins().find((l) => l.role === 'evaluator_link').password;
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await ctx.newPage();
  await page.goto(link);
  await expect(page.locator('h1')).toHaveText('阅读述职报告');
  const item = await page.locator('.reading-item a').first().boundingBox();
  expect(item.width).toBeGreaterThan(600);
  await ctx.close();
});
