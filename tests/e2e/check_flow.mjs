#!/usr/bin/env node
// Browser test of a communication check from composing to its results, with Playwright
// (playwright-core) driving Debian's Chromium against the real `liaison` binary on a fresh
// SQLite database, mail written to a spool directory in the temporary directory:
//
//   liaison admin create-secretariat --org OSCE; invite --role focal --state DE -> both accept
//     their invitations (passphrase, TOTP) and sign in, each in a browser context of their own
//   DE's focal point adds two entries of DE, the secretariat one of FR (POST
//     /api/v1/organisations/OSCE/entries with the session's X-CSRF-Token)
//   the secretariat: /directory/OSCE -> "Communication checks" (empty) -> "Compose a check";
//     an empty title is refused inline (#title-error) with the typed values kept; then saved ->
//     the draft's preview lists the three recipients -> "Launch" -> running
//   the invitation mail to DE's first entry lands in the spool; its /r/TOKEN link, opened in a
//     fresh browser context without an account, shows the check and "Confirm" records the answer
//   the secretariat reloads the check: #tally-responded is 1, DE's row is data-result=answered,
//     both charts are drawn (canvas[data-ready=true], window.liaisonCharts.timeline and .map);
//     the printable report has the same numbers and no scripts
//   every page opened and every form's result (the refused form, the draft, the answer link
//     before and after Confirm, the results with their charts, the report) passes axe-core's
//     WCAG 2.2 AA rules (harness.mjs expectAccessible)
//
// Usage: node tests/e2e/check_flow.mjs [path/to/liaison]   (or LIAISON_BINARY=...)
// Environment: as directory_flow.mjs; LIAISON_E2E_ARTIFACTS=dir receives check-compose-en.png
// and check-results-en.png. Bounded to 120 s in all; always stops the server.
import fs from 'node:fs';
import path from 'node:path';

import {
  answerLink,
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
  postJson,
  run,
  setUp,
  showing,
  signIn,
  startServer,
  state,
  step,
  submitInvitation,
} from './harness.mjs';

const kOverallMilliseconds = 120_000;
const kOrganisation = 'OSCE';
const kTitle = 'Quarterly reachability check';

const kPeople = {
  secretariat: {
    email: 'secretariat@osce.example',
    name: 'Sabine Secretariat',
    command: ['create-secretariat', '--org', kOrganisation],
  },
  focal: {
    email: 'focal.de@auswaertiges-amt.example',
    name: 'Dieter Focal',
    command: ['invite', '--role', 'focal', '--org', kOrganisation, '--state', 'DE'],
  },
};

const kEntries = [
  { who: 'focal', state: 'DE', name: 'DE Cyber Point of Contact', email: 'cyber-poc@de.example' },
  { who: 'focal', state: 'DE', name: 'DE National CERT', email: 'cert@de.example' },
  { who: 'secretariat', state: 'FR', name: 'FR Cyber Point of Contact', email: 'cyber@fr.example' },
];

let artifacts = null;

async function screenshot(page, file) {
  const target = path.join(artifacts, file);
  await page.screenshot({ path: target, fullPage: true });
  log(`screenshot ${target}`);
}

async function visit(page, url, status = 200, ready = null) {
  showing(page);
  const response = await page.goto(url);
  if (!response || response.status() !== status) {
    fail(`GET ${url} answered ${response?.status()}, not ${status}: ${await describePage(page)}`);
  }
  if (ready) await ready(page);
  await expectAccessible(page, `GET ${new URL(url).pathname} (${status})`);
  return response;
}

async function textOf(page, selector) {
  const locator = page.locator(selector);
  if ((await locator.count()) === 0) fail(`no ${selector} on the ${await describePage(page)}`);
  return (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
}

async function main() {
  const { binary, chromium, chromiumPath, env } = await setUp('check_flow.mjs');
  artifacts = process.env.LIAISON_E2E_ARTIFACTS || state.tmp;
  fs.mkdirSync(artifacts, { recursive: true });
  const spool = path.join(state.tmp, 'spool');
  env.LIAISON_SMTP_URL = '';
  env.LIAISON_MAIL_SPOOL = spool;

  step('liaison migrate');
  await mustRun(binary, ['migrate'], env);

  const invitations = {};
  for (const [who, person] of Object.entries(kPeople)) {
    step(`liaison admin ${person.command.join(' ')}`);
    const created = await mustRun(
        binary,
        ['admin', ...person.command, '--email', person.email, '--name', person.name], env);
    invitations[who] = created.stdout;
    invitationLink(person.command[0], created.stdout);
  }

  step('liaison serve');
  const origin = await startServer(binary, env);
  log(`server at ${origin}`);

  step('launching Chromium');
  const browser = await launchChromium(chromium, chromiumPath);

  const pages = {};
  for (const [who, person] of Object.entries(kPeople)) {
    step(`${who}: accepting the invitation and signing in`);
    ({ page: pages[who] } = await newPage(browser, who));
    const link = invitationLink(person.command[0], invitations[who], origin);
    const secret = await openInvitation(pages[who], link);
    await expectAccessible(pages[who], `${who}'s invitation page`);
    const account = { email: person.email, ...await submitInvitation(pages[who], secret) };
    await expectAccessible(pages[who], `${who}'s recovery codes`);
    await signIn(pages[who], origin, account);
    await expectAccessible(pages[who], `${who}'s home page`);
  }
  const { secretariat } = pages;

  for (const entry of kEntries) {
    step(`${entry.who}: a published entry of ${entry.state} (${entry.name})`);
    const page = showing(pages[entry.who]);
    await visit(page, `${origin}/directory/${kOrganisation}/states/${entry.state}`);
    const created = await postJson(page, `/api/v1/organisations/${kOrganisation}/entries`, {
      state: entry.state,
      level: 'technical',
      contact: { name: entry.name, institution: 'Ministry', functional_email: entry.email },
    });
    if (created.status !== 201) fail(`creating ${entry.name} answered ${created.status}: ${created.text}`);
  }

  step('secretariat: "Communication checks" on the directory page, empty at first');
  await visit(secretariat, `${origin}/directory/${kOrganisation}`);
  await clickAndWait(secretariat, secretariat.getByRole('link', { name: 'Communication checks' }));
  await expectAccessible(secretariat, 'the empty list of checks');
  if (pathOf(secretariat) !== `/checks/${kOrganisation}`) fail(`the link led to ${secretariat.url()}`);
  await expectVisible(secretariat, '#no-checks', 'the empty list of checks');
  await clickAndWait(secretariat, secretariat.getByRole('link', { name: 'Compose a check' }));
  await expectAccessible(secretariat, 'the compose form');

  step('secretariat: the compose form with an empty title is refused inline, values kept');
  await secretariat.getByLabel('Acknowledge', { exact: true }).check();
  await secretariat.getByLabel('Window (hours)').fill('12');
  await secretariat.getByLabel('Germany', { exact: true }).check();
  await secretariat.getByLabel('France', { exact: true }).check();
  await clickAndWait(secretariat, secretariat.getByRole('button', { name: 'Save the draft' }));
  await expectAccessible(secretariat, 'the compose form refused with an empty title');
  await expectVisible(secretariat, '#title-error', 'the form after an empty title');
  await expectVisible(secretariat, '#problems[role=alert]', 'the problem summary');
  if ((await secretariat.getByLabel('Title', { exact: true }).getAttribute('aria-invalid')) !== 'true') {
    fail('the title field is not marked aria-invalid');
  }
  if ((await secretariat.getByLabel('Window (hours)').inputValue()) !== '12') {
    fail('the window of 12 hours was not kept');
  }
  for (const name of ['Germany', 'France']) {
    if (!await secretariat.getByLabel(name, { exact: true }).isChecked()) fail(`${name} was not kept`);
  }
  if (!await secretariat.getByLabel('Acknowledge', { exact: true }).isChecked()) fail('the task was not kept');
  await screenshot(secretariat, 'check-compose-en.png');

  step('secretariat: with a title, saved -> the draft and its preview');
  await secretariat.getByLabel('Title', { exact: true }).fill(kTitle);
  await clickAndWait(secretariat, secretariat.getByRole('button', { name: 'Save the draft' }));
  await expectAccessible(secretariat, 'the draft and its preview');
  const match = new RegExp(`^/checks/${kOrganisation}/([^/]+)$`).exec(pathOf(secretariat));
  if (!match) fail(`saving the check led to ${secretariat.url()}: ${await describePage(secretariat)}`);
  const checkUrl = `${origin}${pathOf(secretariat)}`;
  const rows = await secretariat.locator('#check-preview tbody tr').count();
  if (rows !== 3) fail(`the preview lists ${rows} recipients, not 3: ${await describePage(secretariat)}`);

  step('secretariat: "Launch"');
  await clickAndWait(secretariat, secretariat.getByRole('button', { name: 'Launch' }));
  await expectAccessible(secretariat, 'the running check');
  const status = await textOf(secretariat, '#check-status');
  if (status !== 'Running') fail(`after launching, the status is ${JSON.stringify(status)}`);

  step('the invitation to DE\'s first entry in the spool, its link opened without an account');
  const token = await answerLink(spool, kEntries[0].email);
  const { page: recipient } = await newPage(browser, 'recipient');
  await visit(recipient, `${origin}/r/${token}`);
  const heading = await textOf(recipient, '#check-heading');
  if (!heading.includes(kTitle)) fail(`the answer page says ${JSON.stringify(heading)}`);
  await clickAndWait(recipient, recipient.getByRole('button', { name: 'Confirm', exact: true }));
  await expectAccessible(recipient, 'the answer link page after Confirm');
  const thanks = await textOf(recipient, 'main');
  if (!thanks.includes('recorded')) fail(`after Confirm the page says ${JSON.stringify(thanks)}`);

  step('secretariat: the results show the answer, the charts are drawn');
  // axe checks the page as its reader sees it, charts drawn (their failure is reported below).
  await visit(secretariat, checkUrl, 200, (page) => Promise.all(
      ['check-timeline', 'check-map'].map((id) => page.locator(`canvas#${id}[data-ready="true"]`)
                                                      .waitFor({ state: 'attached' })))
      .catch(() => {}));
  const responded = await textOf(secretariat, '#tally-responded');
  if (responded !== '1') fail(`#tally-responded is ${JSON.stringify(responded)}, not "1"`);
  const recipients = await textOf(secretariat, '#tally-recipients');
  if (recipients !== '3') fail(`#tally-recipients is ${JSON.stringify(recipients)}, not "3"`);
  if ((await secretariat.locator('#check-states tr[data-state="DE"][data-result="answered"]').count()) !== 1) {
    fail(`DE's row is not data-result="answered": ${await describePage(secretariat)}`);
  }
  if ((await secretariat.locator('#check-states tr[data-state="FR"][data-result="pending"]').count()) !== 1) {
    fail(`FR's row is not data-result="pending": ${await describePage(secretariat)}`);
  }
  for (const id of ['check-timeline', 'check-map']) {
    try {
      await secretariat.locator(`canvas#${id}[data-ready="true"]`).waitFor({ state: 'attached' });
    } catch {
      fail(`canvas#${id} was not drawn (data-ready); server log and page: ` +
           await describePage(secretariat));
    }
  }
  const charts = await secretariat.evaluate(() => ({
    timeline: Boolean(window.liaisonCharts && window.liaisonCharts.timeline),
    map: Boolean(window.liaisonCharts && window.liaisonCharts.map),
  }));
  if (!charts.timeline || !charts.map) fail(`window.liaisonCharts is ${JSON.stringify(charts)}`);
  await screenshot(secretariat, 'check-results-en.png');

  step('secretariat: the printable report has the numbers and no scripts');
  await visit(secretariat, `${checkUrl}/report`);
  if ((await textOf(secretariat, '#tally-responded')) !== '1') fail('the report does not say 1');
  if ((await secretariat.locator('script[src]').count()) !== 0) fail('the report loads scripts');
}

await run(main, { name: 'e2e check flow', overallMilliseconds: kOverallMilliseconds });
