'use strict';
// An admin adds a person and gives them an account; the new user must set a
// password first; five wrong passwords lock the account until an admin unlocks it.
const { test, expect } = require('@playwright/test');
const { login, selectByText } = require('../helpers');

test('new account: forced password change, lockout, unlock', async ({ browser }) => {
  const admin = await browser.newPage();
  await login(admin, 'system_admin');
  await admin.goto('/admin/people/new');
  await admin.fill('input[name=name]', '端到端新同志');
  await selectByText(admin, 'select[name=org_unit_id]', '琅港市芝山区委');
  await admin.fill('input[name=post]', '组织干事');
  await admin.fill('input[name=phone]', '13900001111');
  await admin.getByRole('button', { name: '保存' }).click();
  await expect(admin.locator('.flash-ok')).toHaveText('人员已添加。');
  await admin.fill('input[name=username]', 'e2e-new');
  await admin.check('input[name=role][value=evaluator]');
  await admin.getByRole('button', { name: '开通账号' }).click();
  const temp = (await admin.locator('#temp-password').innerText()).trim();
  expect(temp.length).toBeGreaterThanOrEqual(12);

  // The masked phone in the list.
  await admin.goto('/admin/people?q=端到端');
  await expect(admin.locator('table.data')).toContainText('139****1111');

  const user = await browser.newPage();
  const who = { username: 'e2e-new', password: temp, role: 'evaluator' };
  await login(user, who); // goes through the forced change
  await expect(user.locator('h1')).toHaveText('首页');
  await user.locator('form.logout button').click();

  for (let i = 0; i < 4; i++) {
    await user.goto('/login');
    await user.fill('input[name=username]', 'e2e-new');
    await user.fill('input[name=password]', 'wrong-password');
    await user.locator('form:has(input[name=password]) button[type=submit]').click();
    await expect(user.locator('.flash-err')).toHaveText('用户名或密码错误。');
  }
  await user.fill('input[name=password]', 'wrong-password');
  await user.locator('form:has(input[name=password]) button[type=submit]').click();
  await expect(user.locator('.flash-err')).toContainText('账号已锁定');

  await admin.goto('/admin/accounts');
  const row = admin.locator('tr', { hasText: 'e2e-new' });
  await expect(row).toContainText('已锁定');
  await row.getByRole('button', { name: '解锁' }).click();
  await expect(admin.locator('.flash-ok')).toHaveText('账号已解锁。');
  await admin.goto('/admin/audit?action=auth.login');
  await expect(admin.locator('table.data')).toContainText('e2e-new');
});
