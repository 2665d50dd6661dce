// What the browser tests share: the run's state and step log, the `liaison` binary and its
// `serve` process on a free port with a fresh SQLite database in a temporary directory,
// playwright-core driving Debian's Chromium, accepting an invitation (passphrase + TOTP
// enrolment) and signing in with TOTP codes, accessibility checks with axe-core
// (`expectAccessible`, WCAG 2.2 AA), and a bounded run that always cleans up.
//
// A test script calls `run(main, {name, overallMilliseconds})`; `main` calls `setUp(script)`
// for the binary, Chromium, playwright-core, the temporary directory and the LIAISON_* env, then
// `startServer` and `launchChromium`. Failures are `fail(message)`: the run names the step that
// failed, screenshots the pages it was shown (`failure.png` for the current one), stops the
// server and keeps the temporary directory (server.log, liaison.db) for inspection.
//
// Environment: CHROMIUM (default /usr/bin/chromium), LIAISON_BINARY (when no argument is given),
// LIAISON_E2E_KEEP=1 keeps the temporary directory after a pass too, LIAISON_E2E_AXE=all goes on
// after a page with accessibility violations and fails at the end with all of them (a survey).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { kStepSeconds, selfTest, timeStep, totpForStep } from './totp.mjs';

export const kStepTimeoutMilliseconds = 10_000;

const started = Date.now();
const here = path.dirname(fileURLToPath(import.meta.url));

// The run's state, for clean-up and failure reports. `page` is the page a failure screenshot
// shows as failure.png; `pages` holds every page by the name of whoever uses it
// (failure-<name>.png).
export const state = {
  step: 'start',
  tmp: null,
  server: null,
  serverLog: [],
  browser: null,
  page: null,
  pages: new Map(),
  accessibilityFailures: [],  // with LIAISON_E2E_AXE=all: every page's violations, failed at the end
};

export class Failure extends Error {}

export function fail(message) {
  throw new Failure(message);
}

export function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${seconds} s] ${message}`);
}

export function step(name) {
  state.step = name;
  log(name);
}

export function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

// ---- the binary and its processes --------------------------------------------------------------

export function runLiaison(binary, args, env, timeoutMilliseconds = 30_000) {
  return new Promise((resolve) => {
    execFile(binary, args, { env, timeout: timeoutMilliseconds, maxBuffer: 4 << 20 },
             (error, stdout, stderr) => {
               const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
               resolve({ code, stdout, stderr, signal: error?.signal ?? null });
             });
  });
}

export async function mustRun(binary, args, env) {
  const result = await runLiaison(binary, args, env);
  if (result.code !== 0) {
    fail(`\`liaison ${args.join(' ')}\` exited ${result.code}` +
         `${result.signal ? ` (signal ${result.signal})` : ''}\n` +
         `--- stdout\n${result.stdout}--- stderr\n${result.stderr}`);
  }
  return result;
}

// The invitation link that `liaison admin create-operator|create-secretariat|invite` printed on
// standard output, as a URL of `origin` (the server's, which is LIAISON_PUBLIC_URL's anyway).
export function invitationLink(command, stdout, origin) {
  const linkLine = stdout.split('\n').map((line) => line.trim())
                       .find((line) => line.startsWith('http'));
  if (!linkLine) {
    fail(`${command} printed no line starting with http on standard output:\n${stdout}`);
  }
  const printed = new URL(linkLine.split(/\s/)[0]);
  return origin ? `${origin}${printed.pathname}${printed.search}` : printed.href;
}

// A port nobody listens on right now. `liaison serve` is given it explicitly (rather than port 0)
// so that LIAISON_PUBLIC_URL can name it before the server starts.
export function freePort() {
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
// answers /healthz. Its output goes to server.log in the temporary directory.
export async function startServer(binary, env) {
  // In the temporary directory: what the server keeps beside its working directory (the
  // instance's OpenPGP home) stays out of the source tree.
  const child = spawn(path.resolve(binary), ['serve'], { env, cwd: state.tmp, stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function stopServer() {
  const child = state.server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// ---- setting up ---------------------------------------------------------------------------------

export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (error) {
    fail(`cannot load playwright-core (${error.message}); run \`npm ci\` in ${here}`);
  }
}

// Checks the TOTP helper, the binary (argv[2] or LIAISON_BINARY), Chromium and playwright-core,
// creates the temporary directory and picks a port. Resolves with what the test needs:
// { binary, chromium (Playwright's browser type), chromiumPath, env (LIAISON_* for the
// database in the temporary directory, the port and the public URL), port, publicUrl }.
export async function setUp(script) {
  step('checking the TOTP helper against RFC 6238');
  selfTest();

  step('checking the liaison binary, Chromium and playwright-core');
  const binary = process.argv[2] || process.env.LIAISON_BINARY;
  if (!binary) fail(`usage: node ${script} path/to/liaison (or set LIAISON_BINARY)`);
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
  return { binary, chromium, chromiumPath, env, port, publicUrl };
}

// ---- the browser --------------------------------------------------------------------------------

export async function launchChromium(chromium, chromiumPath) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // Playwright adds --no-sandbox unless chromiumSandbox is set: keep the sandbox unless root.
  state.browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    chromiumSandbox: !asRoot,
    timeout: 30_000,
  });
  return state.browser;
}

// A browser context of its own (its own cookies) with the step timeouts, and a page in it.
// `name` names the page in failure screenshots (failure-<name>.png); the newest page is the
// current one (failure.png) until `showing` names another.
export async function newPage(browser, name = 'page') {
  const context = await browser.newContext();
  context.setDefaultTimeout(kStepTimeoutMilliseconds);
  context.setDefaultNavigationTimeout(kStepTimeoutMilliseconds);
  const page = await context.newPage();
  state.pages.set(name, page);
  state.page = page;
  return { context, page };
}

// Makes `page` the one failure.png shows; returns it.
export function showing(page) {
  state.page = page;
  return page;
}

// What the page says, for failure messages: its URL, title and the start of its text.
export async function describePage(page) {
  try {
    const text = (await page.locator('body').innerText({ timeout: 2_000 }))
                     .replace(/\s+/g, ' ').trim().slice(0, 600);
    return `page ${page.url()} (title ${JSON.stringify(await page.title())}): ${text}`;
  } catch (error) {
    return `page ${page.url()} (its text could not be read: ${error.message})`;
  }
}

export async function expectVisible(page, selector, what) {
  try {
    await page.locator(selector).first().waitFor({ state: 'visible' });
  } catch {
    fail(`${what}: no visible ${selector} on the ${await describePage(page)}`);
  }
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

// Clicks `locator` (or presses Enter in it with `{ press: 'Enter' }`) and waits for the
// navigation it starts to load.
export async function clickAndWait(page, locator, { press } = {}) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                     press ? locator.press(press) : locator.click()]);
}

// ---- talking to the server as the signed-in page ---------------------------------------------------

// POSTs JSON from the signed-in page, with its session's CSRF token (from a form of the page) as
// the API wants it in X-CSRF-Token. Resolves with { status, text }.
export async function postJson(page, url, body) {
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  return page.evaluate(async ({ url, csrf, body }) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json',
                 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }, { url, csrf, body });
}

// The answer token (of /r/TOKEN) in the spooled invitation to `address` (LIAISON_MAIL_SPOOL):
// the .eml files are written whole (renamed into place), the body may be quoted-printable with
// soft line breaks. Waits up to 20 s for the mail.
export async function answerLink(spool, address) {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const files = fs.existsSync(spool) ? fs.readdirSync(spool).filter((f) => f.endsWith('.eml')) : [];
    for (const file of files) {
      const raw = fs.readFileSync(path.join(spool, file), 'utf8');
      if (!new RegExp(`^To:.*${address.replace(/\./g, '\\.')}`, 'mi').test(raw)) continue;
      const text = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const match = /https?:\/\/[^\s/]+\/r\/([A-Za-z0-9_-]+)/.exec(text);
      if (match) return match[1];
    }
    await sleep(250);
  }
  fail(`no mail with an answer link to ${address} in ${spool} after 20 s: ` +
       JSON.stringify(fs.existsSync(spool) ? fs.readdirSync(spool) : []));
}

// ---- accessibility: axe-core ------------------------------------------------------------------------

// The WCAG 2.2 AA rule set: every level A and AA rule of WCAG 2.0, 2.1 and 2.2 (axe-core tags a
// rule with the version that introduced it, so all five tags are needed).
export const kAxeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let axeBuilder = null;

async function loadAxe() {
  if (!axeBuilder) {
    try {
      ({ AxeBuilder: axeBuilder } = await import('@axe-core/playwright'));
    } catch (error) {
      fail(`cannot load @axe-core/playwright (${error.message}); run \`npm ci\` in ${here}`);
    }
  }
  return axeBuilder;
}

// axe-core's violations as a readable list: rule, impact, help and every failing node's selector,
// HTML and what is wrong with it.
export function describeViolations(violations) {
  return violations.map((violation) => {
    const nodes = violation.nodes.map((node) => {
      const summary = (node.failureSummary || '').replace(/\s*\n\s*/g, '; ');
      return `    - ${node.target.join(' ')}\n      ${node.html.replace(/\s+/g, ' ').slice(0, 300)}` +
             (summary ? `\n      ${summary.slice(0, 400)}` : '');
    });
    return `  ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.helpUrl}\n` +
           nodes.join('\n');
  }).join('\n');
}

// Runs axe-core on `page` with the WCAG 2.2 AA tags and fails, naming `label` and the page, when
// it finds any violation. No rule is disabled. Rules axe cannot decide ("incomplete": e.g. the
// contrast of text over a gradient) are logged for a human, not failed. Resolves with the
// results.
export async function expectAccessible(page, label) {
  const AxeBuilder = await loadAxe();
  let results;
  try {
    // Legacy mode: axe.run() in the page itself (same-origin frames included) instead of
    // runPartial() per frame and finishRun() in a new blank page; Liaison's pages embed no
    // cross-origin frames, and it saves a blank page and a second injection of axe per check
    // (pages_flow.mjs runs about a third faster).
    results = await new AxeBuilder({ page }).withTags(kAxeTags).setLegacyMode().analyze();
  } catch (error) {
    fail(`axe-core could not analyse ${label} (${page.url()}): ${error.message}`);
  }
  if (results.violations.length > 0) {
    const count = results.violations.reduce((sum, violation) => sum + violation.nodes.length, 0);
    const message = `${label}: ${results.violations.length} accessibility rule(s) violated on ` +
        `${count} element(s) of ${page.url()} (title ${JSON.stringify(await page.title())}):\n` +
        describeViolations(results.violations);
    if (process.env.LIAISON_E2E_AXE !== 'all') fail(message);
    // Surveying: go on, and fail at the end of the run with every page's violations.
    console.error(`axe: ${message}`);
    state.accessibilityFailures.push(message);
  }
  const undecided = results.incomplete.map((rule) => `${rule.id} ×${rule.nodes.length}`);
  log(`axe: ${label} passes ${results.passes.length} rules` +
      (undecided.length ? ` (to review by hand: ${undecided.join(', ')})` : ''));
  return results;
}

// ---- accounts: invitation and sign-in ----------------------------------------------------------

// Opens an invitation link and checks its page: passphrase and code fields, the QR code and the
// TOTP secret as text. Resolves with the secret (base32, blanks removed).
export async function openInvitation(page, link) {
  const response = await page.goto(link);
  if (!response || response.status() !== 200) {
    fail(`the invitation link answered ${response?.status()}: ` + await describePage(page));
  }
  await expectVisible(page, 'input[name=password]', 'invitation page');
  await expectVisible(page, 'input[name=code]', 'invitation page');
  await expectVisible(page, 'svg[role=img]', 'invitation page (QR code)');
  await expectVisible(page, '#totp-secret', 'invitation page (TOTP secret as text)');
  const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
  if (!/^[A-Z2-7]{16,}=*$/i.test(secret)) fail(`#totp-secret is not base32: ${secret}`);
  return secret;
}

// Submits the open invitation page with a new random passphrase and the current step's code for
// `secret`, and checks the 10 different recovery codes it answers with. Resolves with
// { passphrase, secret, enrolmentStep, lastStep, recoveryCodes }: an account for `signIn`.
export async function submitInvitation(page, secret) {
  const passphrase = randomBytes(15).toString('base64url');  // 20 characters
  // Every passphrase field gets it: a confirmation field, if the page has one, too.
  const passwordFields = page.locator('input[type=password]');
  for (let i = 0, n = await passwordFields.count(); i < n; ++i) {
    await passwordFields.nth(i).fill(passphrase);
  }
  await page.locator('input[name=password]').fill(passphrase);
  const enrolmentStep = timeStep(Date.now());
  await page.locator('input[name=code]').fill(totpForStep(secret, enrolmentStep));
  await clickAndWait(page, page.locator('button[type=submit]').first());
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
  return { passphrase, secret, enrolmentStep, lastStep: enrolmentStep, recoveryCodes };
}

// Both of the above: resolves with the account (add its e-mail address to sign in).
export async function acceptInvitation(page, link) {
  const secret = await openInvitation(page, link);
  return submitInvitation(page, secret);
}

// Fills the sign-in form with the account's e-mail address, passphrase and the code of
// `totpStep` and submits it with Enter from the code field, as a keyboard user would. Resolves
// with the path the browser lands on.
export async function signInOnce(page, origin, account, totpStep) {
  await page.goto(`${origin}/sign-in`);
  if (pathOf(page) !== '/sign-in') fail(`GET /sign-in ended on ${page.url()}`);
  await page.locator('input[name=email]').fill(account.email);
  await page.locator('input[name=password]').fill(account.passphrase);
  const code = page.locator('input[name=code]');
  await code.fill(totpForStep(account.secret, totpStep));
  await clickAndWait(page, code, { press: 'Enter' });
  return pathOf(page);
}

// Signs the account in and checks it lands on "/". A step's code cannot be used twice for one
// account (replay protection); the server accepts one step either side of its own, so the step
// after the last one used is good now. If it is refused anyway, this waits for the step after
// it and uses that one's current code. Records the step used in `account.lastStep`.
export async function signIn(page, origin, account) {
  let signInStep = Math.max(account.lastStep + 1, timeStep(Date.now()));
  if (signInStep > timeStep(Date.now()) + 1) {
    const wait = (signInStep - 1) * kStepSeconds * 1000 - Date.now() + 500;
    log(`waiting ${(wait / 1000).toFixed(1)} s for a TOTP step not used yet`);
    if (wait > 0) await sleep(wait);
  }
  let landed = await signInOnce(page, origin, account, signInStep);
  if (landed !== '/') {
    log(`refused with step ${signInStep} (${await describePage(page)}); trying a later code`);
    const nextStepAt = (signInStep + 1) * kStepSeconds * 1000;
    const wait = nextStepAt - Date.now() + 500;
    if (wait > 0) await sleep(wait);
    signInStep = Math.max(signInStep + 1, timeStep(Date.now()));
    landed = await signInOnce(page, origin, account, signInStep);
  }
  account.lastStep = signInStep;
  if (landed !== '/') fail(`signing in did not lead to "/": ${await describePage(page)}`);
  return landed;
}

// ---- run, bounded, always cleaning up --------------------------------------------------------------

async function cleanUp(failed) {
  if (failed && state.tmp) {
    const shots = [];
    if (state.page) shots.push(['failure.png', state.page]);
    if (state.pages.size > 1) {
      for (const [name, page] of state.pages) shots.push([`failure-${name}.png`, page]);
    }
    for (const [file, page] of shots) {
      const shot = path.join(state.tmp, file);
      try {
        await page.screenshot({ path: shot, fullPage: true, timeout: 5_000 });
        console.error(`screenshot: ${shot}`);
      } catch (error) {
        console.error(`no screenshot ${file}: ${error.message}`);
      }
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

// Runs `main` within `overallMilliseconds`, then exits the process: 0 when it passed, 1 with a
// message naming the failed step (and the last server log lines) otherwise.
export async function run(main, { name, overallMilliseconds }) {
  const deadline = setTimeout(async () => {
    console.error(`FAIL: ${name} took longer than ${overallMilliseconds / 1000} s ` +
                  `(at step "${state.step}")`);
    if (state.server) state.server.kill('SIGKILL');
    const hardStop = setTimeout(() => process.exit(1), 4_000);
    await cleanUp(true).catch(() => {});
    clearTimeout(hardStop);
    process.exit(1);
  }, overallMilliseconds);

  try {
    await main();
    if (state.accessibilityFailures.length > 0) {
      step('the end of the run (LIAISON_E2E_AXE=all)');
      fail(`${state.accessibilityFailures.length} page(s) have accessibility violations:\n` +
           state.accessibilityFailures.join('\n'));
    }
    clearTimeout(deadline);
    await cleanUp(false);
    log(`${name}: all steps passed`);
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
}
