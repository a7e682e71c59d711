'use strict';
const { test, expect } = require('@playwright/test');

test('login page is served in Chinese', async ({ page }) => {
  const res = await page.goto('/login');
  expect(res.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('input[name=username]')).toBeVisible();
  await expect(page.locator('input[name=password]')).toBeVisible();
});
