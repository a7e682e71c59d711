'use strict';
// A subject writes and submits a duty report with a Word file made in
// LibreOffice; the organizer sees it among the submissions, reads it and
// accepts it, and looks at the reading coverage.
const { test, expect } = require('@playwright/test');
const { login } = require('../helpers');
const { textToDocx } = require('../office');

test.setTimeout(90_000);

test('a subject writes, uploads and submits; the organizer reviews', async ({ browser }) => {
  const subject = await browser.newPage();
  await login(subject, 'subject');
  await subject.locator('#tasks a', { hasText: '2026年度' }).click();
  await expect(subject.locator('h1')).toHaveText('书面述职报告');
  await expect(subject.locator('#report-status')).toContainText('草稿');
  // The editor is a rich-text area over the form field.
  const area = subject.locator('.editor-area');
  await area.click();
  await subject.keyboard.press('Control+End');
  await subject.keyboard.type('补充：全年走访困难党员二十三户。');
  const docx = textToDocx(['附件：党建工作台账摘要', '全年召开党建工作专题会议十二次。'], '台账');
  await subject.setInputFiles('#report-file', docx);
  subject.once('dialog', (d) => d.accept());
  await subject.getByRole('button', { name: '提交', exact: true }).click();
  await expect(subject.locator('.flash-ok')).toHaveText('述职报告已提交。');
  await expect(subject.locator('#report-status')).toContainText('已提交');
  await expect(subject.locator('main')).toContainText('补充：全年走访困难党员二十三户。');
  await expect(subject.locator('main')).toContainText('台账.docx');

  // (Refused uploads — a renamed program, 200 MB — are covered by the HTTP suite.)
  const org = await browser.newPage();
  await login(org, 'organizer_admin');
  await org.goto('/admin/cycles');
  await org.getByRole('link', { name: '2026年度抓基层党建工作述职评议考核' }).click();
  await org.getByRole('link', { name: '报告提交情况' }).first().click();
  await expect(org.locator('#submission-summary')).toContainText('县市区委书记');
  await org.getByRole('link', { name: '未提交' }).click();
  await expect(org.locator('main')).not.toContainText('贾传峰');
  await org.getByRole('link', { name: '全部' }).click();
  const row = org.locator('tr', { hasText: '贾传峰' });
  await expect(row).toContainText('已提交');
  await row.getByRole('link', { name: '查看' }).click();
  // The text of the Word file is there to read.
  await expect(org.locator('.attachment-text')).toContainText('全年召开党建工作专题会议十二次。');
  await org.getByRole('button', { name: '通过' }).click();
  await expect(org.locator('.flash-ok')).toHaveText('报告已通过。');
  // Words from the uploaded file are found by the search.
  await org.getByRole('link', { name: '报告提交情况' }).click();
  await org.fill('#q', '专题会议十二次');
  await org.locator('form.search button').click();
  await expect(org.locator('#search-count')).toHaveText('1 份报告含此内容');
  await expect(org.locator('main table.data').nth(1)).toContainText('贾传峰');

  // Reading coverage, with its chart.
  await org.goto('/admin/cycles');
  await org.getByRole('link', { name: '2025年度抓基层党建工作述职评议考核' }).click();
  await org.getByRole('link', { name: '阅读情况' }).first().click();
  await expect(org.locator('#coverage-chart svg')).toBeVisible();
  await expect(org.locator('#coverage-groups')).toContainText('党代表');
  await expect(org.locator('#coverage-evaluators tbody tr')).toHaveCount(69);
});
