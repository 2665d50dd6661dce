#!/usr/bin/env node
// Browser test of the first operator's way in, with Playwright (playwright-core) driving
// Debian's Chromium against the real `liaison` binary on a fresh SQLite database:
//
//   liaison migrate; liaison admin create-operator  -> invitation link
//   invitation page: passphrase, TOTP enrolment (secret + QR code)  -> 10 recovery codes
//   /sign-in with e-mail, passphrase and the next TOTP code  -> "/" signed in
//   session cookie HttpOnly + SameSite=Strict; sign out  -> /sign-in; "/" redirects to /sign-in
//   the sign-in fields have labels (getByLabel)
//
// Usage: node tests/e2e/sign_in_flow.mjs [path/to/liaison]   (or LIAISON_BINARY=...)
// Environment: CHROMIUM (default /usr/bin/chromium), LIAISON_E2E_KEEP=1 keeps the temp dir.
// Exits 0 when every step passed, 1 with a message naming the failed step otherwise (a
// screenshot and the server log stay in the temp dir then). Bounded to 90 s in all.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { kStepSeconds, selfTest, timeStep, totpForStep } from './totp.mjs';

const kOverallMilliseconds = 85_000;
const kStepTimeoutMilliseconds = 10_000;
const kOperatorEmail = 'ops@example.org';
const kOperatorName = 'Olga Operator';

const started = Date.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const state = { step: 'start', tmp: null, server: null, serverLog: [], browser: null, page: null };

class Failure extends Error {}

function fail(message) {
  throw new Failure(message);
}

function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${seconds} s] ${message}`);
}

function step(name) {
  state.step = name;
  log(name);
}

// ---- the binary and its processes --------------------------------------------------------------

function runLiaison(binary, args, env, timeoutMilliseconds = 30_000) {
  return new Promise((resolve) => {
    execFile(binary, args, { env, timeout: timeoutMilliseconds, maxBuffer: 4 << 20 },
             (error, stdout, stderr) => {
               const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
               resolve({ code, stdout, stderr, signal: error?.signal ?? null });
             });
  });
}

async function mustRun(binary, args, env) {
  const result = await runLiaison(binary, args, env);
  if (result.code !== 0) {
    fail(`\`liaison ${args.join(' ')}\` exited ${result.code}` +
         `${result.signal ? ` (signal ${result.signal})` : ''}\n` +
         `--- stdout\n${result.stdout}--- stderr\n${result.stderr}`);
  }
  return result;
}

// A port nobody listens on right now. `liaison serve` is given it explicitly (rather than port 0)
// so that LIAISON_PUBLIC_URL can name it before the server starts.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts `liaison serve` and resolves with its origin once it logged "serving … on URL" and
// answers /healthz.
async function startServer(binary, env) {
  const child = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  state.server = child;
  const logFile = fs.createWriteStream(path.join(state.tmp, 'server.log'));
  const origin = await new Promise((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(
        () => reject(new Failure('`liaison serve` did not log "serving … on http://…" in 15 s')),
        15_000);
    const onData = (chunk) => {
      logFile.write(chunk);
      pending += chunk.toString();
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        state.serverLog.push(line);
        if (state.serverLog.length > 200) state.serverLog.shift();
        const match = /serving .* on (https?:\/\/[^\s/]+)\//.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Failure(`cannot start \`liaison serve\`: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Failure(`\`liaison serve\` exited early (code ${code}, signal ${signal}):\n` +
                         state.serverLog.slice(-20).join('\n')));
    });
  });
  const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) fail(`GET ${origin}/healthz answered ${response.status}`);
  return origin;
}

async function stopServer() {
  const child = state.server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// ---- the browser --------------------------------------------------------------------------------

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (error) {
    fail(`cannot load playwright-core (${error.message}); run \`npm ci\` in ${here}`);
  }
}

// What the page says, for failure messages: its URL, title and the start of its text.
async function describePage(page) {
  try {
    const text = (await page.locator('body').innerText({ timeout: 2_000 }))
                     .replace(/\s+/g, ' ').trim().slice(0, 600);
    return `page ${page.url()} (title ${JSON.stringify(await page.title())}): ${text}`;
  } catch (error) {
    return `page ${page.url()} (its text could not be read: ${error.message})`;
  }
}

async function expectVisible(page, selector, what) {
  try {
    await page.locator(selector).first().waitFor({ state: 'visible' });
  } catch {
    fail(`${what}: no visible ${selector} on the ${await describePage(page)}`);
  }
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

// Every element that `getByLabel(label)` finds must include the input named `name`: the field
// has an associated <label> (or aria-label) with that text.
async function expectLabel(page, label, name) {
  const names = await page.getByLabel(label).evaluateAll(
      (elements) => elements.map((element) => element.getAttribute('name')));
  if (!names.includes(name)) {
    fail(`the sign-in form has no field labelled "${label}" for input[name=${name}] ` +
         `(getByLabel found ${JSON.stringify(names)})`);
  }
}

// Fills the sign-in form with the code of `totpStep` and submits it with Enter from the code
// field, as a keyboard user would. Resolves with the path the browser lands on.
async function signIn(page, origin, passphrase, secret, totpStep) {
  await page.goto(`${origin}/sign-in`);
  if (pathOf(page) !== '/sign-in') fail(`GET /sign-in ended on ${page.url()}`);
  await page.locator('input[name=email]').fill(kOperatorEmail);
  await page.locator('input[name=password]').fill(passphrase);
  const code = page.locator('input[name=code]');
  await code.fill(totpForStep(secret, totpStep));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), code.press('Enter')]);
  return pathOf(page);
}

// ---- the flow -----------------------------------------------------------------------------------

async function main() {
  step('checking the TOTP helper against RFC 6238');
  selfTest();

  step('checking the liaison binary, Chromium and playwright-core');
  const binary = process.argv[2] || process.env.LIAISON_BINARY;
  if (!binary) fail('usage: node sign_in_flow.mjs path/to/liaison (or set LIAISON_BINARY)');
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    fail(`the liaison binary ${binary} does not exist or is not executable`);
  }
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  try {
    fs.accessSync(chromiumPath, fs.constants.X_OK);
  } catch {
    fail(`Chromium is not installed at ${chromiumPath} (Debian: apt-get install chromium; ` +
         'scripts/install-deps.sh installs it)');
  }
  const { chromium } = await loadPlaywright();

  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liaison-e2e-'));
  log(`temporary directory ${state.tmp}`);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    LIAISON_DATABASE: `sqlite:///${path.join(state.tmp, 'liaison.db')}`,
    LIAISON_LISTEN: `127.0.0.1:${port}`,
    LIAISON_PUBLIC_URL: publicUrl,
    LIAISON_THREADS: '2',
  };

  step('liaison migrate');
  await mustRun(binary, ['migrate'], env);

  step('liaison admin create-operator');
  const created = await mustRun(
      binary, ['admin', 'create-operator', '--email', kOperatorEmail, '--name', kOperatorName],
      env);
  const linkLine = created.stdout.split('\n').map((line) => line.trim())
                       .find((line) => line.startsWith('http'));
  if (!linkLine) {
    fail(`create-operator printed no line starting with http on standard output:\n` +
         created.stdout);
  }
  const printed = new URL(linkLine.split(/\s/)[0]);

  step('liaison serve');
  const origin = await startServer(binary, env);
  log(`server at ${origin}`);
  const invitation = `${origin}${printed.pathname}${printed.search}`;

  step('launching Chromium');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // Playwright adds --no-sandbox unless chromiumSandbox is set: keep the sandbox unless root.
  state.browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    chromiumSandbox: !asRoot,
    timeout: 30_000,
  });
  const context = await state.browser.newContext();
  context.setDefaultTimeout(kStepTimeoutMilliseconds);
  context.setDefaultNavigationTimeout(kStepTimeoutMilliseconds);
  const page = await context.newPage();
  state.page = page;

  step(`opening the invitation ${printed.pathname.replace(/[^/]+$/, '…')}`);
  const invitationResponse = await page.goto(invitation);
  if (!invitationResponse || invitationResponse.status() !== 200) {
    fail(`the invitation link answered ${invitationResponse?.status()}: ` +
         await describePage(page));
  }
  await expectVisible(page, 'input[name=password]', 'invitation page');
  await expectVisible(page, 'input[name=code]', 'invitation page');
  await expectVisible(page, 'svg[role=img]', 'invitation page (QR code)');
  await expectVisible(page, '#totp-secret', 'invitation page (TOTP secret as text)');
  const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
  if (!/^[A-Z2-7]{16,}=*$/i.test(secret)) fail(`#totp-secret is not base32: ${secret}`);

  step('accepting the invitation: passphrase and the current TOTP code');
  const passphrase = randomBytes(15).toString('base64url');  // 20 characters
  // Every passphrase field gets it: a confirmation field, if the page has one, too.
  const passwordFields = page.locator('input[type=password]');
  for (let i = 0, n = await passwordFields.count(); i < n; ++i) {
    await passwordFields.nth(i).fill(passphrase);
  }
  await page.locator('input[name=password]').fill(passphrase);
  const enrolmentStep = timeStep(Date.now());
  await page.locator('input[name=code]').fill(totpForStep(secret, enrolmentStep));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                     page.locator('button[type=submit]').first().click()]);
  if ((await page.locator('#recovery-codes').count()) === 0) {
    fail(`after accepting the invitation, no #recovery-codes on the ${await describePage(page)}`);
  }
  const recoveryCodes = await page.locator('#recovery-codes li').allInnerTexts();
  if (recoveryCodes.length !== 10) {
    fail(`#recovery-codes lists ${recoveryCodes.length} codes, not 10: ` +
         JSON.stringify(recoveryCodes));
  }
  if (new Set(recoveryCodes.map((code) => code.trim())).size !== 10) {
    fail(`the recovery codes are not all different: ${JSON.stringify(recoveryCodes)}`);
  }

  step('/sign-in: the fields have labels');
  await page.goto(`${origin}/sign-in`);
  if (pathOf(page) !== '/sign-in') fail(`GET /sign-in ended on ${page.url()}`);
  await expectLabel(page, 'E-mail address', 'email');
  await expectLabel(page, 'Password', 'password');
  await expectLabel(page, 'Code', 'code');

  // The enrolment code's step cannot be used again (replay protection); the server accepts one
  // step either side of its own, so the next step's code is good now. If it is refused anyway,
  // wait for the step after it and use that one's current code.
  step('signing in with e-mail, passphrase and the next TOTP code');
  let signInStep = Math.max(enrolmentStep + 1, timeStep(Date.now()));
  let landed = await signIn(page, origin, passphrase, secret, signInStep);
  if (landed !== '/') {
    log(`refused with step ${signInStep} (${await describePage(page)}); trying a later code`);
    const nextStepAt = (signInStep + 1) * kStepSeconds * 1000;
    const wait = nextStepAt - Date.now() + 500;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    signInStep = Math.max(signInStep + 1, timeStep(Date.now()));
    landed = await signIn(page, origin, passphrase, secret, signInStep);
  }
  if (landed !== '/') fail(`signing in did not lead to "/": ${await describePage(page)}`);
  await expectVisible(page, '#signed-in-as', 'home page');
  const signedInAs = await page.locator('#signed-in-as').innerText();
  if (!signedInAs.includes(kOperatorName)) {
    fail(`#signed-in-as says ${JSON.stringify(signedInAs)}, not "${kOperatorName}"`);
  }

  step('the session cookie is HttpOnly and SameSite=Strict');
  const cookies = await context.cookies(origin);
  const sessionCookies = cookies.filter((cookie) => /session/i.test(cookie.name));
  if (sessionCookies.length === 0) {
    fail(`no session cookie after signing in; cookies: ${cookies.map((c) => c.name).join(', ')}`);
  }
  for (const cookie of sessionCookies) {
    if (!cookie.httpOnly) fail(`cookie ${cookie.name} is not HttpOnly`);
    if (cookie.sameSite !== 'Strict') {
      fail(`cookie ${cookie.name} has SameSite=${cookie.sameSite}, not Strict`);
    }
  }

  step('signing out');
  await expectVisible(page, '#sign-out', 'home page (sign-out button)');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#sign-out')]);
  if (pathOf(page) !== '/sign-in') {
    fail(`signing out did not lead to /sign-in: ${await describePage(page)}`);
  }
  await page.goto(`${origin}/`);
  if (pathOf(page) !== '/sign-in') {
    fail(`after signing out, "/" did not redirect to /sign-in: ${await describePage(page)}`);
  }
}

// ---- run, bounded, always cleaning up --------------------------------------------------------------

async function cleanUp(failed) {
  if (failed && state.page && state.tmp) {
    const shot = path.join(state.tmp, 'failure.png');
    try {
      await state.page.screenshot({ path: shot, fullPage: true, timeout: 5_000 });
      console.error(`screenshot: ${shot}`);
    } catch (error) {
      console.error(`no screenshot: ${error.message}`);
    }
  }
  if (state.browser) await state.browser.close().catch(() => {});
  await stopServer().catch(() => {});
  if (state.tmp) {
    if (failed || process.env.LIAISON_E2E_KEEP === '1') {
      console.error(`kept for inspection: ${state.tmp} (server.log, liaison.db)`);
    } else {
      fs.rmSync(state.tmp, { recursive: true, force: true });
    }
  }
}

const deadline = setTimeout(async () => {
  console.error(`FAIL: e2e sign-in flow took longer than ${kOverallMilliseconds / 1000} s ` +
                `(at step "${state.step}")`);
  if (state.server) state.server.kill('SIGKILL');
  const hardStop = setTimeout(() => process.exit(1), 4_000);
  await cleanUp(true).catch(() => {});
  clearTimeout(hardStop);
  process.exit(1);
}, kOverallMilliseconds);

try {
  await main();
  clearTimeout(deadline);
  await cleanUp(false);
  log('e2e sign-in flow: all steps passed');
  process.exit(0);
} catch (error) {
  clearTimeout(deadline);
  const detail = error instanceof Failure ? error.message : (error?.stack ?? String(error));
  console.error(`FAIL at step "${state.step}": ${detail}`);
  if (state.serverLog.length) {
    console.error(`--- last server log lines\n${state.serverLog.slice(-15).join('\n')}`);
  }
  await cleanUp(true);
  process.exit(1);
}
