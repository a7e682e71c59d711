// Stops the server that global-setup.js started and removes its temp folder.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const STATE = path.join(__dirname, '.state.json');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

module.exports = async function globalTeardown() {
  let state;
  try {
    state = JSON.parse(fs.readFileSync(STATE, 'utf8'));
  } catch {
    return; // setup never got as far as writing the state
  }
  const { pid, tmp } = state;
  if (pid && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (tmp && process.env.KAOPING_E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(STATE, { force: true });
};
