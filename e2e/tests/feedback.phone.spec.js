'use strict';
// Last year's feedback, followed through on a phone: the subject
// acknowledges the sheet, writes a plan with a measurable target, the
// organizer approves it, the subject reports progress with a photo, the
// organizer signs the problems off; this year's report and an evaluator's
// reading page carry last year's problems with their state.
const { test, expect } = require('@playwright/test');
const { login, logins, hiddenSideways } = require('../helpers');

test.setTimeout(120_000);

// A tiny valid JPEG header is all the content check needs.
const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

async function noOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `no horizontal scrolling on ${page.url()}`).toBeLessThanOrEqual(0);
}

test('a subject follows the feedback through on a phone, across two cycles', async ({ page, browser }) => {
  await login(page, 'subject');
  // Last year's result card reads on the phone without scrolling sideways.
  await page.goto('/my/results');
  // Per-group figures, or the note that a group gave too few votes to show them.
  const groups = await page.locator('.result-card td.wrap').count();
  const withheld = await page.locator('.result-card .groups-note').count();
  expect(groups + withheld).toBeGreaterThan(0);
  for (const wrap of await page.locator('.result-card .table-wrap').all()) {
    expect(await hiddenSideways(wrap)).toBeLessThanOrEqual(0);
  }
  await noOverflow(page);
  const menu = page.locator('details.navtoggle');
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  await menu.locator('a[href="/my/feedback"]').click();
  await expect(page.locator('h1')).toHaveText('我的问题反馈');
  await expect(page.locator('.card')).toContainText('琅组反〔2025〕');
  await expect(page.locator('.card')).toContainText('未签收');
  await page.locator('.card-title a').first().click();
  await expect(page.locator('#feedback-sheet h2').first()).toHaveText('一、存在问题');
  await expect(page.locator('#feedback-sheet')).toContainText('中共琅港市委组织部');
  await noOverflow(page);
  const number = (await page.locator('.sheet-number').textContent()).trim();
  await page.getByRole('button', { name: '确认签收' }).click();
  await expect(page.locator('.flash')).toContainText('已签收');
  await expect(page.locator('#acknowledge')).toContainText('已签收');

  // The plan: one measure per problem; the first with a target, its
  // baseline first typed as words (refused with the reason).
  await page.locator('#to-plan').click();
  await expect(page.locator('h1')).toHaveText('整改方案');
  const problems = page.locator('ol.problem-list > li');
  const n = await problems.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const p = page.locator('ol.problem-list > li').nth(i);
    await p.locator('details.add-measure summary').click();
    const f = p.locator('details.add-measure form');
    await f.locator('textarea[name=text]').fill(`第${i + 1}项整改措施`);
    await f.locator('input[name=responsible]').fill('贾传峰');
    await f.locator('input[name=deadline]').fill('2099-06-30');
    if (i === 0) {
      await f.locator('input[name=kpi_name]').fill('项目开复工率');
      await f.locator('input[name=kpi_unit]').fill('%');
      await f.locator('input[name=kpi_baseline]').fill('六成');
      await f.locator('input[name=kpi_target]').fill('90');
      await f.getByRole('button', { name: '添加整改措施' }).click();
      await expect(page.locator('.flash-err')).toContainText('“六成”不是数字');
      const again = page.locator('ol.problem-list > li').nth(0).locator('details.add-measure form');
      await expect(again.locator('textarea[name=text]')).toHaveValue('第1项整改措施');
      await again.locator('input[name=kpi_baseline]').fill('60');
      await again.getByRole('button', { name: '添加整改措施' }).click();
    } else {
      await f.getByRole('button', { name: '添加整改措施' }).click();
    }
    await expect(page.locator('.flash')).toContainText('措施已保存');
  }
  await noOverflow(page);
  page.once('dialog', (d) => d.accept());
  await page.locator('#plan-submit').click();
  await expect(page.locator('#plan-badge')).toHaveText('已报送，待审核');
  const planUrl = new URL(page.url()).pathname;
  const cycle = planUrl.split('/')[3];

  // The organizer approves it, on a desk.
  const desk = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  await login(desk, 'organizer_admin');
  await desk.goto(`/admin/cycles/${cycle}/feedback`);
  const row = desk.locator('table.feedback tbody tr', { hasText: number });
  await expect(row).toContainText('已签收');
  await row.getByRole('link', { name: '已报送，待审核' }).click();
  await desk.getByRole('button', { name: '通过' }).click();
  await expect(desk.locator('.flash')).toContainText('整改方案已通过');

  // Progress on the first measure, with a photo and the target's value.
  await page.reload();
  await expect(page.locator('#plan-badge')).toHaveText('已通过');
  const first = page.locator('.measure-list > li').first();
  await first.locator('details.progress-form summary').click();
  const pf = first.locator('details.progress-form form');
  await pf.locator('textarea[name=text]').fill('开复工率提升到 84.3%');
  await pf.locator('input[name=percent]').fill('80');
  await pf.locator('input[name=kpi_value]').fill('84.3');
  await pf.locator('input[name=files]').setInputFiles({ name: '现场照片.jpg', mimeType: 'image/jpeg', buffer: PHOTO });
  await pf.getByRole('button', { name: '提交进展' }).click();
  await expect(page.locator('.flash')).toContainText('进展已报送');
  await expect(page.locator('.measure-list > li').first()).toContainText('现场照片.jpg');
  await expect(page.locator('.measure-list > li').first()).toContainText('当前值 84.3');
  await noOverflow(page);

  // The organizer sees it in the ledger and signs every problem off.
  await desk.goto(`/admin/cycles/${cycle}/ledger`);
  await desk.locator('#ledger-filter input[name=name]').fill('贾传峰');
  await desk.getByRole('button', { name: '筛选' }).click();
  await expect(desk.locator('#ledger-problems')).toHaveText(String(n));
  await expect(desk.locator('table.ledger')).toContainText('项目开复工率 60 → 90 % (84.3)');
  await desk.goto(`/admin/cycles/${cycle}/feedback`);
  await desk.locator('table.feedback tbody tr', { hasText: number }).getByRole('link', { name: '已通过' }).click();
  // The KPI is short of its target (84.3 of 60 → 90): each sign-off says why.
  for (let i = 0; i < n; i++) {
    const form = desk.locator('form').filter({ has: desk.getByRole('button', { name: '问题销号' }) }).first();
    await form.locator('input[name=note]').fill('经现场核实，阶段目标已达，转入常态化推进');
    desk.once('dialog', (d) => d.accept());
    await form.getByRole('button', { name: '问题销号' }).click();
    await expect(desk.locator('.flash')).toContainText('已销号');
  }
  await expect(desk.locator('#history')).toBeVisible();

  // This year: the report page carries last year's problems, signed off.
  await page.goto('/my/reports');
  // On the phone the report opens from its cycle's name, in view without scrolling sideways.
  const open = page.locator('td.wrap a[href^="/my/reports/"]').first();
  await expect(open).toBeInViewport({ ratio: 1 });
  await open.click();
  await expect(page.locator('#carry-over')).toContainText('上年度问题整改落实情况');
  await expect(page.locator('#carry-over .badge-ok')).toHaveCount(n);
  await expect(page.locator('#carry-over')).toContainText('第1项整改措施');
  await noOverflow(page);

  // An evaluator reading this year's report sees them too.
  const reader = await browser.newPage({ locale: 'zh-CN', viewport: { width: 360, height: 740 }, isMobile: true });
  await reader.goto(logins().find((l) => l.role === 'evaluator_link').password);
  await reader.getByRole('link', { name: /贾传峰/ }).first().click();
  await expect(reader.locator('#carry-over')).toContainText('上年度问题整改落实情况');
  await reader.close();
  await desk.close();
});
