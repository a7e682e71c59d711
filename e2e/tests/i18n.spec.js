'use strict';
// The language switcher works before and after login, and is remembered.
const { test, expect } = require('@playwright/test');
const { login } = require('../helpers');

test('switch between Chinese and English', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('h1')).toHaveText('登录');
  await page.selectOption('form.lang-switch select', 'en');
  await expect(page.locator('h1')).toHaveText('Log in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await login(page, 'organizer_admin');
  await expect(page.locator('h1')).toHaveText('Home');
  await page.goto('/admin/org');
  await expect(page.locator('h1')).toHaveText('Organization units');
  await page.selectOption('form.lang-switch select', 'zh-CN');
  await expect(page.locator('h1')).toHaveText('组织机构');
});
