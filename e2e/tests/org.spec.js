'use strict';
// The org tree: create, edit, move (and a refused move), import with a bad
// file and with the template, export.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { login, selectByText } = require('../helpers');

test('an organizer creates, moves and deactivates a unit', async ({ page }) => {
  await login(page, 'organizer_admin');
  await page.goto('/admin/org');
  await expect(page.locator('table.data')).toContainText('琅港市芝山区委');
  await page.getByRole('link', { name: '新建组织' }).click();
  await selectByText(page, 'select[name=parent_id]', '琅港市芝山区委');
  await page.fill('input[name=code]', 'lg-zs-e2e');
  await page.fill('input[name=name]', '芝山区端到端测试社区党委');
  await page.selectOption('select[name=kind]', 'community_committee');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('组织已创建。');
  await expect(page.locator('input[name=code]')).toHaveValue('LG-ZS-E2E');

  // A duplicate code is refused with the reason, next to the field.
  await page.goto('/admin/org/new');
  await page.fill('input[name=code]', 'LG-ZS-E2E');
  await page.fill('input[name=name]', '重复');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.field-error')).toContainText('组织代码“LG-ZS-E2E”已被使用');

  // Move the new unit under 望海区委.
  await page.goto('/admin/org');
  await page.getByRole('link', { name: '芝山区端到端测试社区党委' }).click();
  await selectByText(page, '#move_parent', '琅港市望海区委');
  await page.getByRole('button', { name: '移动' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('隶属关系已调整。');

  // Moving 望海区委 under its own new sub-unit is refused.
  await page.goto('/admin/org');
  await page.getByRole('link', { name: '琅港市望海区委', exact: true }).click();
  const options = await page.locator('#move_parent option').allTextContents();
  expect(options.join('|')).not.toContain('芝山区端到端测试社区党委');

  // Deactivate it (with the confirmation), and it leaves the default list.
  await page.goto('/admin/org');
  await page.getByRole('link', { name: '芝山区端到端测试社区党委' }).click();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '停用' }).click();
  await expect(page.locator('.flash-ok')).toHaveText('组织已停用。');
  await page.goto('/admin/org');
  await expect(page.locator('table.data')).not.toContainText('芝山区端到端测试社区党委');
});

test('import refuses a bad file and takes the template', async ({ page }) => {
  await login(page, 'organizer_admin');
  await page.goto('/admin/org/import');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kp-e2e-'));
  const fake = path.join(dir, 'units.xlsx');
  fs.writeFileSync(fake, '组织代码,组织名称\nX,Y\n');
  await page.setInputFiles('input[type=file]', fake);
  await page.getByRole('button', { name: '上传并导入' }).click();
  await expect(page.locator('.flash-err')).toContainText('未导入任何数据');
  await expect(page.locator('.report')).toContainText('文件不是 Excel 工作簿');

  // The downloaded template imports as it is.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载导入模板' }).click()]);
  const template = path.join(dir, 'template.xlsx');
  await download.saveAs(template);
  await page.setInputFiles('input[type=file]', template);
  await page.getByRole('button', { name: '上传并导入' }).click();
  await expect(page.locator('.flash-ok')).toContainText('导入成功');

  // Export is a real workbook.
  await page.goto('/admin/org');
  const [exp] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 Excel' }).click()]);
  expect(exp.suggestedFilename()).toBe('org-units.xlsx');
  const bytes = fs.readFileSync(await exp.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
});
