'use strict';
// A review meeting in miniature: the organizer copies last year's cycle,
// opens evaluation and voting and prints the codes; an evaluator votes on a
// phone (every subject 较好), checks the ballot and keeps the receipt; the
// organizer closes voting, every subject scores exactly 80.00 (较好), and
// the public export verifies with `kaoping verify`.
const { test, expect } = require('@playwright/test');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const Ajv2020 = require('ajv/dist/2020');
const path = require('node:path');
const { login, selectByText, hiddenSideways } = require('../helpers');

test.setTimeout(120_000);

test('vote on a phone, close, and read the results', async ({ browser }) => {
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const org = await desk.newPage();
  await login(org, 'organizer_admin');
  await org.goto('/admin/cycles/new');
  await selectByText(org, 'select[name=organizer_id]', '中共琅港市委员会');
  await org.fill('input[name=name]', '端到端评议会议');
  await org.fill('input[name=year]', '2028');
  await selectByText(org, 'select[name=copy_from]', '2025年度');
  await org.getByRole('button', { name: '保存' }).click();
  await expect(org.locator('.flash-ok')).toHaveText('考核周期已创建。');
  const cycle = new URL(org.url()).pathname.split('/').pop();
  for (const phase of ['述职', '评议']) {
    org.once('dialog', (d) => d.accept());
    await org.getByRole('button', { name: new RegExp(`进入“${phase}”阶段`) }).click();
    await expect(org.locator('.step-current')).toContainText(phase);
  }
  org.once('dialog', (d) => d.accept());
  await org.getByRole('button', { name: '开始投票' }).click();
  await expect(org.locator('.flash-ok')).toHaveText('投票已开始。');
  await expect(org.locator('#turnout')).toHaveText('0/69');

  await org.goto(`/admin/cycles/${cycle}/links`);
  const [sheet] = await Promise.all([
    org.waitForEvent('popup'),
    org.getByRole('button', { name: '为未发放者生成并打印' }).click(),
  ]);
  const link = await sheet.locator('.qr-url').first().getAttribute('href');

  // The evaluator, on a phone.
  const phone = await browser.newPage({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
  });
  await phone.goto(new URL(link).pathname);
  await phone.locator('#to-ballot').click();
  await expect(phone.locator('h1')).toHaveText('评议投票');
  const subjects = phone.locator('fieldset.ballot-subject');
  const n = await subjects.count();
  expect(n).toBeGreaterThan(40);
  for (let i = 0; i < n; i++) {
    await subjects.nth(i).locator('label.grade-choice', { hasText: '较好' }).click();
  }
  await phone.getByRole('button', { name: '检查并提交' }).click();
  await expect(phone.locator('h1')).toHaveText('核对选票');
  await expect(phone.locator('#ballot-problems')).toHaveCount(0);
  // Every grade's count is in view on the phone, without scrolling sideways.
  const counts = phone.locator('#ballot-counts');
  await expect(counts.locator('th')).toHaveText(['类别', '好', '较好', '一般', '差', '不了解']);
  expect(await hiddenSideways(phone.locator('.table-wrap', { has: counts }))).toBeLessThanOrEqual(0);
  phone.once('dialog', (d) => d.accept());
  await phone.getByRole('button', { name: '确认提交' }).click();
  await expect(phone.locator('.flash-ok')).toHaveText('选票已提交。');
  await expect(phone.locator('#receipt')).toHaveText(/^[0-9a-f]{64}$/);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The organizer sees the turnout, closes voting and reads the results.
  await org.goto(`/admin/cycles/${cycle}`);
  await expect(org.locator('#turnout')).toHaveText('1/69');
  org.once('dialog', (d) => d.accept());
  await org.getByRole('button', { name: '结束投票' }).click();
  await expect(org.locator('.flash-ok')).toHaveText('投票已结束，选票已封存。');
  await org.getByRole('link', { name: '评议结果' }).click();
  const scored = org.locator('table.results tbody tr', { hasText: '80.00' });
  expect(await scored.count()).toBe(n);
  await expect(scored.first()).toContainText('较好');

  // The public export verifies with `kaoping verify`.
  const [download] = await Promise.all([
    org.waitForEvent('download'),
    org.getByRole('link', { name: '下载公开数据（可核验）' }).click(),
  ]);
  const file = path.join(test.info().outputPath(), 'export.json');
  await download.saveAs(file);
  const bin = process.env.KAOPING_BIN || path.join(process.env.CARGO_TARGET_DIR || '/var/tmp/kaoping-target', 'debug', 'kaoping');
  const out = execFileSync(bin, ['verify', file], { encoding: 'utf8' });
  expect(out).toContain('verified: 1 ballots');
  // …and matches the documented JSON Schema.
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'export.schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const ok = validate(JSON.parse(fs.readFileSync(file, 'utf8')));
  expect(validate.errors || []).toEqual([]);
  expect(ok).toBe(true);
});
