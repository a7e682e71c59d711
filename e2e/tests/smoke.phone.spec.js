'use strict';
const { test, expect } = require('@playwright/test');

test('login page fits a 360-px phone with large touch targets', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('input[name=username]')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no horizontal scrolling').toBeLessThanOrEqual(0);
  for (const sel of ['input[name=username]', 'input[name=password]', 'form:has(input[name=password]) button[type=submit]']) {
    const box = await page.locator(sel).boundingBox();
    expect(box.height, `${sel} is at least 44 px high`).toBeGreaterThanOrEqual(44);
  }
});
