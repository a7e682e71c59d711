'use strict';
// A whole review meeting with all 69 evaluators of last year's roster: the
// organizer copies the cycle, prints the codes, opens the meeting console
// and the big screen, sets who is presenting and opens voting; two
// evaluators vote on phones (the presenting banner shows), staff enter one
// paper ballot, the other 66 vote over HTTP; the big screen counts them
// live; the organizer closes voting and the results match the hand count:
// every evaluator gave the presenting subject 好 and everyone else 较好, so
// it scores exactly 100.00 (好) and every other 80.00 (较好). The public
// export verifies with `kaoping verify`.
const { test, expect, request } = require('@playwright/test');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { login, selectByText } = require('../helpers');

test.setTimeout(240_000);

/** Marks for one evaluator's scope: `first` gets 好, the rest 较好. */
function marks(ids, first) {
  return JSON.stringify(ids.map((id) => ({ subject: id, grades: { overall: id === first ? 'excellent' : 'good' } })));
}

/** Subject ids on a ballot page, in presentation order. */
function scopeOf(html) {
  return [...html.matchAll(/id="s-(\d+)"/g)].map((m) => Number(m[1]));
}

async function phoneVotes(browser, link, first) {
  const phone = await browser.newPage({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
  });
  await phone.goto(new URL(link).pathname);
  await expect(phone.locator('#presenting')).toBeVisible();
  await phone.locator('#to-ballot').click();
  const subjects = phone.locator('fieldset.ballot-subject');
  const n = await subjects.count();
  for (let i = 0; i < n; i++) {
    const s = subjects.nth(i);
    const id = Number((await s.getAttribute('id')).slice(2));
    await s.locator('label.grade-choice', { hasText: id === first ? /^好$/ : '较好' }).click();
  }
  await phone.getByRole('button', { name: '检查并提交' }).click();
  await expect(phone.locator('#ballot-problems')).toHaveCount(0);
  phone.once('dialog', (d) => d.accept());
  await phone.getByRole('button', { name: '确认提交' }).click();
  await expect(phone.locator('#receipt')).toHaveText(/^[0-9a-f]{64}$/);
  await phone.close();
}

test('a meeting of 69 evaluators: phones, paper, HTTP, the big screen, results', async ({ browser, baseURL }) => {
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const org = await desk.newPage();
  await login(org, 'organizer_admin');
  await org.goto('/admin/cycles/new');
  await selectByText(org, 'select[name=organizer_id]', '中共琅港市委员会');
  await org.fill('input[name=name]', '端到端全体评议会');
  await org.fill('input[name=year]', '2029');
  await selectByText(org, 'select[name=copy_from]', '2025年度');
  await org.getByRole('button', { name: '保存' }).click();
  const cycle = new URL(org.url()).pathname.split('/').pop();
  for (const phase of ['述职', '评议']) {
    org.once('dialog', (d) => d.accept());
    await org.getByRole('button', { name: new RegExp(`进入“${phase}”阶段`) }).click();
    await expect(org.locator('.step-current')).toContainText(phase);
  }
  await org.goto(`/admin/cycles/${cycle}/links`);
  const [sheet] = await Promise.all([
    org.waitForEvent('popup'),
    org.getByRole('button', { name: '为未发放者生成并打印' }).click(),
  ]);
  await expect(sheet.locator('.qr-url')).toHaveCount(69);
  const links = await sheet.locator('.qr-url').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  await sheet.close();

  // The console and the big screen; the first subject presents.
  await org.goto(`/admin/cycles/${cycle}`);
  await org.locator('#to-meeting').click();
  await expect(org.locator('h1')).toHaveText('评议会');
  const [screen] = await Promise.all([org.waitForEvent('popup'), org.locator('#open-screen').click()]);
  await expect(screen.locator('#screen-expected')).toHaveText('69');
  await expect(screen.locator('#screen-voted')).toHaveText('0');
  // The second subject: its category is large enough for one 好 within the ballot quota.
  const firstRow = org.locator('table.agenda tbody tr').nth(1);
  const firstName = (await firstRow.locator('td').nth(1).textContent()).trim();
  const first = Number(await firstRow.locator('input[name=subject]').getAttribute('value'));
  await firstRow.getByRole('button', { name: '开始述职' }).click();
  await expect(org.locator('tr.presenting-row')).toContainText(firstName);
  await expect(screen.locator('#screen-presenting')).toContainText(firstName);
  // The critique is recorded in the console while the subject presents.
  const critique = '党建工作与中心工作融合不够紧密。阵地建设有短板。';
  await org.locator('#critique textarea[name=critique]').fill(critique);
  await org.locator('#critique').getByRole('button', { name: '保存' }).click();
  await expect(org.locator('.flash')).toContainText('点评已保存');
  await expect(org.locator('#critique textarea[name=critique]')).toHaveValue(critique);
  org.once('dialog', (d) => d.accept());
  await org.getByRole('button', { name: '开始投票' }).click();
  await expect(screen.locator('#screen-voting')).toHaveText('投票中');

  // Two evaluators on phones.
  await phoneVotes(browser, links[0], first);
  await phoneVotes(browser, links[1], first);
  await expect(screen.locator('#screen-voted')).toHaveText('2');

  // Staff enter a paper ballot for the last evaluator still listed as pending.
  await org.reload();
  const pending = org.locator('#pending ~ .table-wrap tbody tr');
  const paperRow = pending.last();
  await paperRow.getByRole('link', { name: '录入纸质票' }).click();
  await expect(org.locator('h1')).toHaveText('录入纸质票');
  const fields = org.locator('fieldset.ballot-subject');
  const n = await fields.count();
  for (let i = 0; i < n; i++) {
    const s = fields.nth(i);
    const id = Number((await s.getAttribute('id')).slice(2));
    await s.locator('label.grade-choice', { hasText: id === first ? /^好$/ : '较好' }).click();
  }
  org.once('dialog', (d) => d.accept());
  await org.getByRole('button', { name: '提交纸质票' }).click();
  await expect(org.locator('#paper-stored')).toBeVisible();
  await expect(screen.locator('#screen-voted')).toHaveText('3');

  // Everyone else over HTTP (whoever has not voted yet).
  let http = 0;
  for (const link of links.slice(2)) {
    const ctx = await request.newContext({
      baseURL, extraHTTPHeaders: { origin: baseURL, 'sec-fetch-site': 'same-origin' },
    });
    await ctx.get(new URL(link).pathname);
    const page = await (await ctx.get(`/e/${cycle}/ballot`)).text();
    if (page.includes('您已提交选票')) {
      await ctx.dispose();
      continue; // the paper ballot's evaluator
    }
    const ids = scopeOf(page);
    const r = await ctx.post(`/e/${cycle}/ballot/submit`, {
      form: { key: `e2e-meeting-${cycle}-${http}-${Date.now()}`, marks: marks(ids, first) },
    });
    if (r.status() !== 200) {
      const text = await r.text();
      const at = text.indexOf('<h1');
      throw new Error(`ballot over HTTP: ${r.status()}: ${text.slice(at, at + 1500)}`);
    }
    http += 1;
    await ctx.dispose();
  }
  expect(http).toBe(66);
  await expect(screen.locator('#screen-voted')).toHaveText('69', { timeout: 10_000 });
  await expect(screen.locator('#screen-results')).toContainText('结束投票后显示结果');

  // Close; the screen shows the results; the table matches the hand count.
  await org.goto(`/admin/cycles/${cycle}/meeting`);
  org.once('dialog', (d) => d.accept());
  await org.getByRole('button', { name: '结束投票' }).click();
  await expect(screen.locator('#screen-voting')).toHaveText('投票已结束');
  await expect(screen.locator('#screen-presenting')).toBeEmpty();
  await expect(screen.locator('.screen-chart').first()).toBeVisible();
  await org.goto(`/admin/cycles/${cycle}/results`);
  const top = org.locator('table.results tbody tr', { hasText: firstName });
  await expect(top).toContainText('100.00');
  await expect(top).toContainText('好');
  const rest = org.locator('table.results tbody tr', { hasText: '80.00' });
  const total = await org.locator('table.results tbody tr').count();
  expect(await rest.count()).toBe(total - 1);
  await expect(rest.first()).toContainText('较好');

  // The export verifies.
  const [download] = await Promise.all([
    org.waitForEvent('download'),
    org.getByRole('link', { name: '下载公开数据（可核验）' }).click(),
  ]);
  const file = path.join(test.info().outputPath(), 'export.json');
  await download.saveAs(file);
  const bin = process.env.KAOPING_BIN || path.join(process.env.CARGO_TARGET_DIR || '/var/tmp/kaoping-target', 'debug', 'kaoping');
  expect(execFileSync(bin, ['verify', file], { encoding: 'utf8' })).toContain('verified: 69 ballots');
  await screen.screenshot({ path: test.info().outputPath('screen.png') });

  // Feedback: a problem quoted from the critique, the sheet issued for the
  // subject's category (the only one there with problems), its number from
  // the pattern copied with the cycle, its Word file downloaded.
  await org.goto(`/admin/cycles/${cycle}/feedback/${first}`);
  await org.fill('#add-text', '阵地建设有短板');
  await org.locator('#add-problem select[name=tag]').selectOption('阵地建设');
  await org.locator('#add-problem').getByRole('button', { name: '添加问题' }).click();
  await expect(org.locator('.flash')).toContainText('问题已添加');
  await expect(org.locator('ol.problem-list li')).toHaveCount(1);
  // Not verbatim: refused with the reason.
  await org.fill('#add-text', '阵地建设很好');
  await org.locator('#add-problem').getByRole('button', { name: '添加问题' }).click();
  await expect(org.locator('.flash-err')).toContainText('须与点评原文一致');
  await org.goto(`/admin/cycles/${cycle}/feedback`);
  const category = (await org.locator(`#fb-${first} td`).nth(2).textContent()).trim();
  await selectByText(org, '#issue-category', category);
  org.once('dialog', (d) => d.accept());
  await org.getByRole('button', { name: '下发' }).click();
  await expect(org.locator('.flash, [role=status]').first()).toContainText('已下发 1 份反馈单');
  await expect(org.locator(`#fb-${first}`)).toContainText('琅组反〔2029〕1号');
  await expect(org.locator(`#fb-${first}`)).toContainText('未签收');
  await org.locator(`#fb-${first} a`, { hasText: '琅组反' }).click();
  await expect(org.locator('#feedback-sheet')).toContainText('阵地建设有短板');
  const [docx] = await Promise.all([org.waitForEvent('download'), org.locator('#sheet-docx').click()]);
  expect(docx.suggestedFilename()).toMatch(/^feedback-2029-0001\.docx$/);
});
