// Shared helpers for the e2e tests.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const STATE = path.join(__dirname, '.state.json');

// Passwords changed by a forced password change, by username. Kept in memory and
// also written back to .state.json, so a fresh worker (after a failed test) still
// knows them.
const changed = new Map();

function readState() {
  return JSON.parse(fs.readFileSync(STATE, 'utf8'));
}

/** The demo logins: [{role, username, password}], with any changed passwords applied. */
function logins() {
  return readState().logins.map((l) =>
    changed.has(l.username) ? { ...l, password: changed.get(l.username) } : l,
  );
}

function remember(username, password) {
  changed.set(username, password);
  const state = readState();
  for (const l of state.logins) if (l.username === username) l.password = password;
  fs.writeFileSync(STATE, JSON.stringify(state, null, 2));
}

function strongPassword() {
  return `Kp-${crypto.randomBytes(9).toString('base64url')}-9a!`;
}

// Click a submit button and wait for the page it leads to.
async function submitAndWait(page, button) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await button.click();
  await navigated;
  await page.waitForLoadState('domcontentloaded');
}

/**
 * Log in as the first demo user with `role` (or as a given {username, password}),
 * going through a forced password change if the app asks for one.
 * Returns the login used (with its current password).
 */
async function login(page, role) {
  const who = typeof role === 'string' ? logins().find((l) => l.role === role) : role;
  if (!who) throw new Error(`no demo login with role ${role}`);

  await page.goto('/login');
  const form = page.locator('form:has(input[name=password])');
  await form.locator('input[name=username]').fill(who.username);
  await form.locator('input[name=password]').fill(who.password);
  await submitAndWait(page, form.locator('button[type=submit]'));

  if (page.url().includes('/account/password')) {
    const fresh = strongPassword();
    const pw = page.locator('form:has(input[name=new_password])');
    await pw.locator('input[name=current]').fill(who.password);
    await pw.locator('input[name=new_password]').fill(fresh);
    await pw.locator('input[name=confirm]').fill(fresh);
    await submitAndWait(page, pw.locator('button[type=submit]'));
    if (page.url().includes('/account/password')) {
      throw new Error(`forced password change failed for ${who.username}: ${await page.locator('main').innerText()}`);
    }
    remember(who.username, fresh);
    who.password = fresh;
  }

  if (new URL(page.url()).pathname === '/login') {
    throw new Error(`login failed for ${who.username} (${who.role}): ${await page.locator('main').innerText()}`);
  }
  return who;
}

/** Select the option of `select` whose text contains `text` (tree options are indented). */
async function selectByText(page, select, text) {
  const value = await page.locator(select).evaluate(
    (el, t) => [...el.options].find((o) => o.textContent.includes(t))?.value,
    text,
  );
  if (value === undefined) throw new Error(`no option containing ${text} in ${select}`);
  await page.selectOption(select, value);
}

/** How many pixels of a `.table-wrap`'s table are hidden sideways (0: it fits). */
async function hiddenSideways(wrap) {
  return wrap.evaluate((w) => w.scrollWidth - w.clientWidth);
}

module.exports = { logins, login, selectByText, hiddenSideways };
