'use strict';
// An organizer sets up this year's cycle: copies last year's (scheme,
// categories, rosters), adjusts the scheme, re-imports both rosters from
// sheets made in LibreOffice, opens reporting and prints the QR sheet.
const { test, expect } = require('@playwright/test');
const path = require('node:path');
const { login, selectByText } = require('../helpers');
const { xlsxRows, rowsToXlsx } = require('../office');

test.setTimeout(120_000);

async function download(page, href) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(`a[href="${href}"]`).click()]);
  const file = path.join(test.info().outputPath(), d.suggestedFilename());
  await d.saveAs(file);
  return file;
}

async function importSheet(page, url, file, flash) {
  await page.goto(url);
  await page.setInputFiles('input[name=file]', file);
  await page.getByRole('button', { name: '上传并导入' }).click();
  await expect(page.locator('.flash-ok')).toHaveText(flash);
}

test('copy last year, adjust the scheme, import rosters made in LibreOffice, print QR codes', async ({ page }) => {
  await login(page, 'organizer_admin');
  await page.locator('.sidenav a[href="/admin/cycles"]').click();
  await page.getByRole('link', { name: '2025年度抓基层党建工作述职评议考核' }).click();
  await expect(page.locator('.step-current')).toContainText('整改');
  await expect(page.locator('main')).toContainText('3/10');

  await page.goto('/admin/cycles/new');
  await selectByText(page, 'select[name=organizer_id]', '中共琅港市委员会');
  await page.fill('input[name=name]', '端到端测试周期');
  await page.fill('input[name=year]', '2027');
  await selectByText(page, 'select[name=copy_from]', '2025年度');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('考核周期已创建。');
  const id = new URL(page.url()).pathname.split('/').pop();
  // The rosters came along.
  await expect(page.locator('#subjects .num')).toHaveText('51');
  await expect(page.locator('#evaluators .num')).toHaveText('69');

  // Adjust the scheme: trim one extreme vote at each end.
  await page.goto(`/admin/cycles/${id}/scheme`);
  await page.fill('#trim', '1');
  await page.getByRole('button', { name: '保存方案' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('评议方案已保存。');

  // Subjects: export, drop the last three rows in LibreOffice, import.
  const subjects = xlsxRows(await download(page, `/admin/cycles/${id}/subjects.xlsx`));
  expect(subjects.length).toBe(52);
  const fewer = rowsToXlsx(subjects.slice(0, 49), 'subjects');
  await importSheet(page, `/admin/cycles/${id}/subjects/import`, fewer, '述职对象名单已导入。');
  await page.goto(`/admin/cycles/${id}`);
  await expect(page.locator('#subjects .num')).toHaveText('48');
  // Evaluators: the same, unchanged.
  await page.goto(`/admin/cycles/${id}`);
  const evaluators = xlsxRows(await download(page, `/admin/cycles/${id}/evaluators.xlsx`));
  await importSheet(page, `/admin/cycles/${id}/evaluators/import`, rowsToXlsx(evaluators, 'evaluators'), '评议人员名单已导入。');

  // Reporting opens; the QR sheet prints one card per evaluator.
  await page.goto(`/admin/cycles/${id}`);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: /进入“述职”阶段/ }).click();
  await expect(page.locator('.step-current')).toContainText('述职');
  await page.getByRole('link', { name: '一人一码' }).click();
  const [sheet] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: '为未发放者生成并打印' }).click(),
  ]);
  await expect(sheet.locator('.qr-card')).toHaveCount(69);
  await expect(sheet.locator('.qr-card svg').first()).toBeVisible();
  await expect(sheet.locator('.qr-card .qr-url').first()).toContainText('/k/');
  await page.reload();
  await expect(page.locator('#links-issued')).toHaveText('69');
});
