'use strict';
// An organizer finds last year's cycle with its weighted scheme, copies it
// for a new cycle, and is told why the cycle cannot move on yet.
const { test, expect } = require('@playwright/test');
const { login, selectByText } = require('../helpers');

test('copy last year\'s cycle and read its scheme', async ({ page }) => {
  await login(page, 'organizer_admin');
  await page.locator('.sidenav a[href="/admin/cycles"]').click();
  await expect(page.locator('h1')).toHaveText('考核周期');
  await page.getByRole('link', { name: '2025年度抓基层党建工作述职评议考核' }).click();
  await expect(page.locator('.step-current')).toContainText('准备');
  for (const g of ['市级领导', '党代表', '基层党员群众代表']) {
    await expect(page.locator('main')).toContainText(g);
  }
  await expect(page.locator('main')).toContainText('3/10');

  await page.goto('/admin/cycles/new');
  await selectByText(page, 'select[name=organizer_id]', '中共琅港市委员会');
  await page.fill('input[name=name]', '端到端测试周期');
  await page.fill('input[name=year]', '2027');
  await selectByText(page, 'select[name=copy_from]', '2025年度');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('考核周期已创建。');
  await expect(page.locator('main')).toContainText('人大代表、政协委员');

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: /进入“述职”阶段/ }).click();
  await expect(page.locator('.flash-err')).toContainText('还没有述职对象');

  // Add a district secretary as a subject; then reporting can open.
  await selectByText(page, '#person_id', '贾传峰');
  await page.selectOption('#category', 'county');
  await page.getByRole('button', { name: '添加述职对象' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('已添加述职对象。');
  await expect(page.locator('#subjects ~ .table-wrap').first()).toContainText('贾传峰');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: /进入“述职”阶段/ }).click();
  await expect(page.locator('.flash-ok')).toHaveText('已进入下一阶段。');
  await expect(page.locator('.step-current')).toContainText('述职');

  // Add a party congress deputy as an evaluator; evaluation can then open.
  await selectByText(page, '#evaluator_person', '邹志强');
  await page.getByRole('button', { name: '添加评议人员' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('已添加评议人员。');
  await expect(page.locator('#evaluators ~ .table-wrap').first()).toContainText('邹志强');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: /进入“评议”阶段/ }).click();
  await expect(page.locator('.step-current')).toContainText('评议');
  await expect(page.locator('main')).toContainText('已冻结');
});
