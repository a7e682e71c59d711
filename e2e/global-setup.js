// Starts `$KAOPING_BIN demo` on a free loopback port with a fresh data folder
// (or the empty PostgreSQL database in $KAOPING_E2E_DATABASE_URL),
// waits for /readyz, and writes {baseURL, logins, pid, tmp} to e2e/.state.json.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const STATE = path.join(__dirname, '.state.json');
const READY_TIMEOUT_MS = 120_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

module.exports = async function globalSetup() {
  const target = process.env.CARGO_TARGET_DIR || '/var/tmp/kaoping-target';
  const bin = process.env.KAOPING_BIN || path.join(target, 'debug', 'kaoping');
  if (!fs.existsSync(bin)) {
    throw new Error(`kaoping binary not found: ${bin} (set KAOPING_BIN or run cargo build -p kaoping)`);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaoping-e2e-'));
  const data = path.join(tmp, 'data');
  fs.mkdirSync(data);
  const loginsFile = path.join(tmp, 'logins.json');
  const logFile = path.join(tmp, 'server.log');
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;

  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    bin,
    [
      'demo',
      '--listen',
      `127.0.0.1:${port}`,
      // KAOPING_E2E_DATABASE_URL: run the demo on that (empty) PostgreSQL database.
      ...(process.env.KAOPING_E2E_DATABASE_URL
        ? ['--database-url', process.env.KAOPING_E2E_DATABASE_URL]
        : ['--data', data]),
      '--logins-json',
      loginsFile,
    ],
    {
      stdio: ['ignore', log, log],
      // Every test logs in from 127.0.0.1: lift the per-client login rate
      // limit (the lockout per account stays as configured).
      env: { ...process.env, KAOPING_WEB__LOGIN_PER_MINUTE: '6000', KAOPING_WEB__LOGIN_BURST: '1000' },
    },
  );
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || `exit code ${code}`; });
  child.on('error', (err) => { exited = String(err); });

  const fail = (why) => {
    if (exited === null) child.kill('SIGKILL');
    throw new Error(`${why}\n--- last lines of ${logFile} ---\n${tail(logFile)}`);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) fail(`kaoping demo stopped before it was ready (${exited})`);
    if (Date.now() > deadline) fail(`kaoping demo not ready after ${READY_TIMEOUT_MS / 1000} s`);
    try {
      const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200 && fs.existsSync(loginsFile)) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }

  let logins;
  try {
    logins = JSON.parse(fs.readFileSync(loginsFile, 'utf8')).logins;
  } catch (err) {
    fail(`cannot read ${loginsFile}: ${err.message}`);
  }
  if (!Array.isArray(logins) || logins.length === 0) fail(`no logins in ${loginsFile}`);

  fs.writeFileSync(STATE, JSON.stringify({ baseURL, logins, pid: child.pid, tmp }, null, 2));
  process.env.BASE_URL = baseURL;
  console.log(`kaoping demo ready at ${baseURL} (pid ${child.pid}, log ${logFile})`);
};
