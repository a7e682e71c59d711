// Files made in LibreOffice for the e2e tests: sheets round-tripped through
// CSV, and a .docx written from text.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function soffice(args, dir) {
  // A private profile, so parallel or leftover instances never clash.
  const profile = `file://${path.join(dir, 'lo-profile')}`;
  execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', ...args, '--outdir', dir], {
    stdio: 'pipe',
    timeout: 120_000,
  });
}

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kaoping-lo-'));
}

/** Read an xlsx through LibreOffice as rows of cells (CSV, UTF-8). */
function xlsxRows(file) {
  const dir = tmpdir();
  soffice(['--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', file], dir);
  const csv = fs.readFileSync(path.join(dir, path.basename(file).replace(/\.xlsx$/, '.csv')), 'utf8');
  return csv.trim().split('\n').map((line) => line.split(',').map((c) => c.replace(/^"|"$/g, '')));
}

/** Write rows as an xlsx made by LibreOffice; returns its path. */
function rowsToXlsx(rows, name) {
  const dir = tmpdir();
  const csv = path.join(dir, `${name}.csv`);
  fs.writeFileSync(csv, rows.map((r) => r.map((c) => `"${String(c).replace(/"/g, '""')}"`).join(',')).join('\n'));
  soffice(['--infilter=CSV:44,34,76', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', csv], dir);
  return path.join(dir, `${name}.xlsx`);
}

/** A .docx made by LibreOffice from paragraphs of text; returns its path. */
function textToDocx(paragraphs, name) {
  const dir = tmpdir();
  const html = path.join(dir, `${name}.html`);
  fs.writeFileSync(html, `<html><meta charset="utf-8"><body>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`);
  soffice(['--convert-to', 'docx:MS Word 2007 XML', html], dir);
  return path.join(dir, `${name}.docx`);
}

module.exports = { xlsxRows, rowsToXlsx, textToDocx };
