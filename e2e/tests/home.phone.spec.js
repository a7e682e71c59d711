'use strict';
// Phones: an evaluator and an organizer use the app at 360 px without sideways scrolling.
const { test, expect } = require('@playwright/test');
const { login } = require('../helpers');

async function noOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `no horizontal scrolling on ${page.url()}`).toBeLessThanOrEqual(0);
}

test('an evaluator on a phone', async ({ page }) => {
  await login(page, 'evaluator');
  await expect(page.locator('h1')).toHaveText('首页');
  await noOverflow(page);
  await page.goto('/account');
  await noOverflow(page);
  const btn = await page.locator('a[href="/account/password"]').boundingBox();
  expect(btn.height).toBeGreaterThanOrEqual(44);
});

test('an organizer on a phone reaches the org tree through the menu', async ({ page }) => {
  await login(page, 'organizer_admin');
  const menu = page.locator('details.navtoggle');
  await expect(menu.locator('summary')).toBeVisible();
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  await menu.locator('a[href="/admin/org"]').click();
  await expect(page.locator('h1')).toHaveText('组织机构');
  await noOverflow(page);
});
