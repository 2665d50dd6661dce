#!/usr/bin/env node
// Browser test of the first operator's way in, with Playwright (playwright-core) driving
// Debian's Chromium against the real `liaison` binary on a fresh SQLite database:
//
//   liaison migrate; liaison admin create-operator  -> invitation link
//   invitation page: passphrase, TOTP enrolment (secret + QR code)  -> 10 recovery codes
//   /sign-in with e-mail, passphrase and the next TOTP code  -> "/" signed in
//   session cookie HttpOnly + SameSite=Strict; sign out  -> /sign-in; "/" redirects to /sign-in
//   the sign-in fields have labels (getByLabel)
//   every page on the way (invitation, recovery codes, sign-in, home) passes axe-core's WCAG 2.2
//     AA rules (harness.mjs expectAccessible)
//
// Usage: node tests/e2e/sign_in_flow.mjs [path/to/liaison]   (or LIAISON_BINARY=...)
// Environment: CHROMIUM (default /usr/bin/chromium), LIAISON_E2E_KEEP=1 keeps the temp dir.
// Exits 0 when every step passed, 1 with a message naming the failed step otherwise (a
// screenshot and the server log stay in the temp dir then). Bounded to 90 s in all.
// The parts the browser tests share are in harness.mjs.
import {
  clickAndWait,
  describePage,
  expectAccessible,
  expectVisible,
  fail,
  invitationLink,
  launchChromium,
  log,
  mustRun,
  newPage,
  openInvitation,
  pathOf,
  run,
  setUp,
  signIn,
  startServer,
  step,
  submitInvitation,
} from './harness.mjs';

const kOverallMilliseconds = 85_000;
const kOperatorEmail = 'ops@example.org';
const kOperatorName = 'Olga Operator';

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

async function main() {
  const { binary, chromium, chromiumPath, env } = await setUp('sign_in_flow.mjs');

  step('liaison migrate');
  await mustRun(binary, ['migrate'], env);

  step('liaison admin create-operator');
  const created = await mustRun(
      binary, ['admin', 'create-operator', '--email', kOperatorEmail, '--name', kOperatorName],
      env);
  invitationLink('create-operator', created.stdout);  // fails early when there is none

  step('liaison serve');
  const origin = await startServer(binary, env);
  log(`server at ${origin}`);
  const invitation = invitationLink('create-operator', created.stdout, origin);

  step('launching Chromium');
  const browser = await launchChromium(chromium, chromiumPath);
  const { context, page } = await newPage(browser);

  step(`opening the invitation ${new URL(invitation).pathname.replace(/[^/]+$/, '…')}`);
  const secret = await openInvitation(page, invitation);
  await expectAccessible(page, 'the invitation page');

  step('accepting the invitation: passphrase and the current TOTP code');
  const account = { email: kOperatorEmail, ...await submitInvitation(page, secret) };
  await expectAccessible(page, 'the recovery codes after accepting the invitation');

  step('/sign-in: the fields have labels');
  await page.goto(`${origin}/sign-in`);
  if (pathOf(page) !== '/sign-in') fail(`GET /sign-in ended on ${page.url()}`);
  await expectLabel(page, 'E-mail address', 'email');
  await expectLabel(page, 'Password', 'password');
  await expectLabel(page, 'Code', 'code');
  await expectAccessible(page, 'the sign-in page');

  // The enrolment code's step cannot be used again (replay protection): signIn uses the next
  // step's code, and a later one if that is refused.
  step('signing in with e-mail, passphrase and the next TOTP code');
  await signIn(page, origin, account);
  await expectVisible(page, '#signed-in-as', 'home page');
  await expectAccessible(page, 'the home page');
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
  await clickAndWait(page, page.locator('#sign-out'));
  if (pathOf(page) !== '/sign-in') {
    fail(`signing out did not lead to /sign-in: ${await describePage(page)}`);
  }
  await expectAccessible(page, 'the sign-in page after signing out');
  await page.goto(`${origin}/`);
  if (pathOf(page) !== '/sign-in') {
    fail(`after signing out, "/" did not redirect to /sign-in: ${await describePage(page)}`);
  }
}

await run(main, { name: 'e2e sign-in flow', overallMilliseconds: kOverallMilliseconds });
