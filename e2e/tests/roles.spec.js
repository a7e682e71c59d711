'use strict';
// Every demo role can log in, sees a home page made for it, and only the
// navigation it may use.
const { test, expect } = require('@playwright/test');
const { logins, login } = require('../helpers');

// (The demo also lists a personal link, which is no login.)
for (const who of logins().filter((l) => l.username)) {
  test(`${who.role} (${who.username}) logs in and out`, async ({ page }) => {
    await login(page, who);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator('h1')).toHaveText('首页');
    await expect(page.locator('.user-name')).toHaveText(who.name);
    const admin = who.role === 'system_admin' || who.role === 'organizer_admin';
    await expect(page.locator('.sidenav a[href="/admin/org"]')).toHaveCount(admin ? 1 : 0);
    if (admin) {
      await expect(page.locator('.stat').first()).toBeVisible();
      const res = await page.goto('/admin/org');
      expect(res.status()).toBe(200);
    } else {
      await expect(page.locator('.card-title').first()).toBeVisible();
      const res = await page.goto('/admin/org');
      expect(res.status()).toBe(403);
      await expect(page.locator('h1')).toHaveText('无权访问');
      await page.goto('/');
    }
    await page.locator('form.logout button').click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.locator('.flash-ok')).toContainText('安全退出');
  });
}
