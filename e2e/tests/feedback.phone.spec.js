'use strict';
// A subject on a phone reads last year's feedback sheet and acknowledges
// it; the organizer sees the acknowledgement.
const { test, expect } = require('@playwright/test');
const { login } = require('../helpers');

test('a subject acknowledges the feedback sheet on a phone', async ({ page, browser }) => {
  await login(page, 'subject');
  const menu = page.locator('details.navtoggle');
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  await menu.locator('a[href="/my/feedback"]').click();
  await expect(page.locator('h1')).toHaveText('我的问题反馈');
  await expect(page.locator('.card')).toContainText('琅组反〔2025〕');
  await expect(page.locator('.card')).toContainText('未签收');
  await page.locator('.card-title a').first().click();
  await expect(page.locator('#feedback-sheet h2').first()).toHaveText('一、存在问题');
  await expect(page.locator('#feedback-sheet')).toContainText('中共琅港市委组织部');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const number = (await page.locator('.sheet-number').textContent()).trim();
  await page.getByRole('button', { name: '确认签收' }).click();
  await expect(page.locator('.flash')).toContainText('已签收');
  await expect(page.locator('#acknowledge')).toContainText('已签收');
  await expect(page.getByRole('button', { name: '确认签收' })).toHaveCount(0);

  const desk = await browser.newPage({ locale: 'zh-CN' });
  await login(desk, 'organizer_admin');
  await desk.goto('/admin/cycles');
  await desk.getByRole('link', { name: /2025年度/ }).first().click();
  await desk.locator('#to-feedback').click();
  const row = desk.locator('table.feedback tbody tr', { hasText: number });
  await expect(row).toContainText('已签收');
  await desk.close();
});
