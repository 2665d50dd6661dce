#!/usr/bin/env node
// Browser test of a directory change under the secretariat's approval, with Playwright
// (playwright-core) driving Debian's Chromium against the real `liaison` binary on a fresh
// SQLite database. Three people, each in a browser context of their own (own cookies):
//
//   liaison admin create-secretariat --org OSCE; invite --role focal --state DE;
//   invite --role poc --state FR  -> each accepts the invitation (passphrase, TOTP) and signs in
//   the secretariat sets approval_required (PUT /api/v1/organisations/OSCE/directory-rules with
//     the session's X-CSRF-Token; without it the PUT is refused)
//   DE's focal point: /directory/OSCE/states/DE -> "Add an entry" -> the form (getByLabel); a
//     wrong time zone is refused with the typed values kept; saved -> the entry page says
//     version 1 awaits approval
//   FR's point of contact does not see the entry on DE's page (nor its page: 404)
//   the secretariat approves version 1 -> FR sees it, the phone as +49 30 18170
//   DE's focal point edits the institution with a reason -> version 2 awaits approval; FR still
//     sees the old institution
//   the secretariat approves version 2 -> FR sees the new institution on DE's page and on the
//     entry page, whose history (ol#history) shows version 2: institution, old (del) -> new (ins)
//   DE's focal point cannot open FR's /new (403); FR's point of contact cannot open the edit page
//     of DE's entry (403)
//   every page opened and every form's result, refusals and 403/404 pages too, passes axe-core's
//     WCAG 2.2 AA rules (harness.mjs expectAccessible)
//
// Usage: node tests/e2e/directory_flow.mjs [path/to/liaison]   (or LIAISON_BINARY=...)
// Environment: CHROMIUM (default /usr/bin/chromium), LIAISON_E2E_KEEP=1 keeps the temp dir,
// LIAISON_E2E_ARTIFACTS=dir receives the screenshots (default: the temp dir): directory-*-en.png.
// Exits 0 when every step passed, 1 with a message naming the failed step otherwise
// (screenshots of every person's page and the server log stay in the temp dir then). Bounded to
// 120 s in all.
import fs from 'node:fs';
import path from 'node:path';

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
  showing,
  signIn,
  startServer,
  state,
  step,
  submitInvitation,
} from './harness.mjs';

const kOverallMilliseconds = 120_000;
const kOrganisation = 'OSCE';

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
  poc: {
    email: 'poc.fr@diplomatie.example',
    name: 'Françoise Contact',
    command: ['invite', '--role', 'poc', '--org', kOrganisation, '--state', 'FR'],
  },
};

const kEntry = {
  name: 'National Cyber Defence Point of Contact',
  institution: 'Federal Foreign Office',
  functionalEmail: 'cyber-poc@auswaertiges-amt.example',
  phone: '030 18170',
  phoneInternational: '+49 30 18170',
  phoneE164: '+493018170',  // as saved, and as the edit form shows it
  languages: 'de en',
  timeZone: 'Europe/Berlin',
};
const kNewInstitution = 'Federal Office for Information Security';
const kReason = 'The point of contact moved to the BSI';

let artifacts = null;

async function screenshot(page, file) {
  const target = path.join(artifacts, file);
  await page.screenshot({ path: target, fullPage: true });
  log(`screenshot ${target}`);
}

// Opens `url` on `page` and checks the answer's status.
async function visit(page, url, status = 200) {
  showing(page);
  const response = await page.goto(url);
  if (!response || response.status() !== status) {
    fail(`GET ${url} answered ${response?.status()}, not ${status}: ${await describePage(page)}`);
  }
  await expectAccessible(page, `GET ${new URL(url).pathname} (${status})`);
  return response;
}

// The <article class="entry"> of the state page whose heading names the entry.
function articleOf(page, name) {
  return page.locator('article.entry').filter({
    has: page.getByRole('heading', { name }),
  });
}

async function textOf(locator, what, page) {
  try {
    return (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
  } catch {
    fail(`${what}: not found on the ${await describePage(page)}`);
  }
}

async function expectText(locator, want, what, page) {
  const got = await textOf(locator, what, page);
  if (got !== want) fail(`${what} says ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
}

async function expectNoText(page, text, what) {
  const body = await page.locator('main').innerText();
  if (body.includes(text)) {
    fail(`${what}: ${JSON.stringify(text)} shows on the ${await describePage(page)}`);
  }
}

// The value of a form field found by its label.
async function valueOf(page, label) {
  return page.getByLabel(label, { exact: true }).inputValue();
}

// Exactly number 1 is "Answered 24/7", and the entry is "Reachable 24/7".
async function expectChecked(page, when) {
  const radios = await page.locator('input[name=phone_24_7]').evaluateAll(
      (inputs) => inputs.map((input) => input.checked));
  if (JSON.stringify(radios) !== JSON.stringify([true, false, false])) {
    fail(`${when}, "Answered 24/7" of the numbers 1-3 is ${JSON.stringify(radios)}, not ` +
         'number 1 only');
  }
  if (!await page.getByLabel('Reachable 24/7').isChecked()) {
    fail(`${when}, "Reachable 24/7" is not checked`);
  }
}

async function main() {
  const { binary, chromium, chromiumPath, env } = await setUp('directory_flow.mjs');
  artifacts = process.env.LIAISON_E2E_ARTIFACTS || state.tmp;
  fs.mkdirSync(artifacts, { recursive: true });

  step('liaison migrate');
  await mustRun(binary, ['migrate'], env);

  const invitations = {};
  for (const [who, person] of Object.entries(kPeople)) {
    step(`liaison admin ${person.command.join(' ')}`);
    const created = await mustRun(
        binary,
        ['admin', ...person.command, '--email', person.email, '--name', person.name], env);
    invitations[who] = created.stdout;
    invitationLink(person.command[0], created.stdout);  // fails early when there is none
  }

  step('liaison serve');
  const origin = await startServer(binary, env);
  log(`server at ${origin}`);
  const directory = `${origin}/directory/${kOrganisation}`;

  step('launching Chromium');
  const browser = await launchChromium(chromium, chromiumPath);

  // One browser context each; every one enrols a TOTP secret of their own, so the codes of one
  // account never count as replayed for another; signIn uses the step after the enrolment's.
  const pages = {};
  const accounts = {};
  for (const [who, person] of Object.entries(kPeople)) {
    step(`${who}: accepting the invitation (passphrase, TOTP enrolment)`);
    ({ page: pages[who] } = await newPage(browser, who));
    const link = invitationLink(person.command[0], invitations[who], origin);
    const secret = await openInvitation(pages[who], link);
    await expectAccessible(pages[who], `${who}'s invitation page`);
    accounts[who] = { email: person.email, ...await submitInvitation(pages[who], secret) };
    await expectAccessible(pages[who], `${who}'s recovery codes`);
  }
  for (const [who, person] of Object.entries(kPeople)) {
    step(`${who}: signing in with the next TOTP code`);
    showing(pages[who]);
    await signIn(pages[who], origin, accounts[who]);
    await expectAccessible(pages[who], `${who}'s home page`);
    await expectVisible(pages[who], '#signed-in-as', `${who}'s home page`);
    const signedInAs = await pages[who].locator('#signed-in-as').innerText();
    if (!signedInAs.includes(person.name)) {
      fail(`#signed-in-as says ${JSON.stringify(signedInAs)}, not "${person.name}"`);
    }
  }
  const { secretariat, focal, poc } = pages;

  step('secretariat: PUT directory-rules approval_required=true with the X-CSRF-Token');
  await visit(secretariat, directory);
  const csrf = await secretariat.locator('input[name=csrf]').first().inputValue();
  if (!csrf) fail(`no csrf token in a form of the ${await describePage(secretariat)}`);
  const rulesUrl = `/api/v1/organisations/${kOrganisation}/directory-rules`;
  const putRules = (token, body) => secretariat.evaluate(async ({ url, token, body }) => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers['X-CSRF-Token'] = token;
    const response = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  }, { url: rulesUrl, token, body });
  const current = await secretariat.evaluate(async (url) => {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    return { status: response.status, text: await response.text() };
  }, rulesUrl);
  if (current.status !== 200) fail(`GET ${rulesUrl} answered ${current.status}: ${current.text}`);
  const rules = { ...JSON.parse(current.text), approval_required: true };
  const withoutToken = await putRules(null, rules);
  if (withoutToken.status !== 403) {
    fail(`PUT ${rulesUrl} without X-CSRF-Token answered ${withoutToken.status}, not 403: ` +
         withoutToken.text);
  }
  const saved = await putRules(csrf, rules);
  if (saved.status !== 200) fail(`PUT ${rulesUrl} answered ${saved.status}: ${saved.text}`);
  if (JSON.parse(saved.text).approval_required !== true) {
    fail(`PUT ${rulesUrl} did not set approval_required: ${saved.text}`);
  }

  step('focal point of DE: "Add an entry" on /directory/OSCE/states/DE');
  await visit(focal, `${directory}/states/DE`);
  await clickAndWait(focal, focal.getByRole('link', { name: 'Add an entry' }));
  await expectAccessible(focal, 'the new entry form');
  if (pathOf(focal) !== `/directory/${kOrganisation}/states/DE/new`) {
    fail(`"Add an entry" led to ${focal.url()}`);
  }

  step('focal point of DE: the form, first with a wrong time zone and kind of structure');
  await focal.getByLabel('Name or functional role').fill(kEntry.name);
  await focal.getByLabel('Institution (points of contact)').fill(kEntry.institution);
  await focal.getByLabel('Functional e-mail').fill(kEntry.functionalEmail);
  await focal.getByLabel('Number 1').fill(kEntry.phone);
  await focal.locator('#phone_24_7_0').check();  // "Answered 24/7" of number 1
  await focal.getByLabel('Working languages').fill(kEntry.languages);
  await focal.getByLabel('Time zone').fill('Europe/Berlinn');
  await focal.getByLabel('Reachable 24/7').check();
  // A point of contact is no structure: refused, and the choice must stay selected.
  await focal.getByLabel('Kind of structure (national structures)').selectOption('cyber_agency');
  await clickAndWait(focal, focal.getByRole('button', { name: 'Save' }));
  await expectAccessible(focal, 'the entry form refused with its problems');
  if (pathOf(focal) !== `/directory/${kOrganisation}/states/DE/new`) {
    fail(`a wrong time zone was not refused: ${await describePage(focal)}`);
  }
  await expectVisible(focal, '#problems', 'the form after a wrong time zone');
  const problems = await textOf(focal.locator('#problems'), '#problems', focal);
  for (const field of ['time_zone', 'structure_type']) {
    if (!problems.includes(field)) fail(`#problems does not name ${field}: ${problems}`);
  }
  const kept = {
    'Name or functional role': kEntry.name,
    'Institution (points of contact)': kEntry.institution,
    'Functional e-mail': kEntry.functionalEmail,
    'Number 1': kEntry.phone,
    'Working languages': kEntry.languages,
    'Time zone': 'Europe/Berlinn',
    'Kind of structure (national structures)': 'cyber_agency',
  };
  for (const [label, want] of Object.entries(kept)) {
    const got = await valueOf(focal, label);
    if (got !== want) {
      fail(`after the refusal, "${label}" holds ${JSON.stringify(got)}, not ` +
           JSON.stringify(want));
    }
  }
  await expectChecked(focal, 'after the refusal');
  await screenshot(focal, 'directory-form-error-en.png');

  step('focal point of DE: corrected, saved -> version 1 awaits approval');
  await focal.getByLabel('Time zone').fill(kEntry.timeZone);
  await focal.getByLabel('Kind of structure (national structures)').selectOption('other');
  await clickAndWait(focal, focal.getByRole('button', { name: 'Save' }));
  await expectAccessible(focal, 'the entry page of version 1 awaiting approval');
  const entryPath = pathOf(focal);
  const match = new RegExp(`^/directory/${kOrganisation}/entries/([^/]+)$`).exec(entryPath);
  if (!match) fail(`saving the new entry led to ${focal.url()}: ${await describePage(focal)}`);
  const entryUrl = `${origin}${entryPath}`;
  log(`entry ${match[1]}`);
  await expectText(focal.locator('h1'), kEntry.name, 'the entry page heading', focal);
  await expectText(focal.locator('.badge.pending').first(), 'Version 1 awaits approval',
                   'the entry page badge', focal);

  step('point of contact of FR: DE\'s page does not show the entry yet');
  await visit(poc, `${directory}/states/DE`);
  if ((await poc.locator('article.entry').count()) !== 0) {
    fail(`FR sees an entry of DE before its approval: ${await describePage(poc)}`);
  }
  await expectNoText(poc, kEntry.name, 'FR before the approval');
  await visit(poc, entryUrl, 404);

  step('secretariat: "Approve version 1"');
  await visit(secretariat, entryUrl);
  await clickAndWait(secretariat, secretariat.getByRole('button', { name: 'Approve version 1' }));
  await expectAccessible(secretariat, 'the entry page after approving version 1');
  await expectText(secretariat.locator('#notice'), 'The change is published.',
                   'the notice after approving', secretariat);

  step('point of contact of FR: DE\'s page shows the entry, the phone in international format');
  await visit(poc, `${directory}/states/DE`);
  const article = articleOf(poc, kEntry.name);
  if ((await article.count()) !== 1) {
    fail(`FR does not see "${kEntry.name}" after its approval: ${await describePage(poc)}`);
  }
  await expectText(article.locator('a[href^="tel:"]'), kEntry.phoneInternational,
                   'the phone on DE\'s page', poc);
  await expectText(article.locator('.level'), `Technical · ${kEntry.institution}`,
                   'the level and institution on DE\'s page', poc);
  await expectText(article.locator('a[href^="mailto:"]'), kEntry.functionalEmail,
                   'the e-mail on DE\'s page', poc);
  await expectText(article.locator('dd', { has: poc.locator('a[href^="tel:"]') }),
                   `${kEntry.phoneInternational} 24/7`, 'the phone and its 24/7 badge', poc);

  step('focal point of DE: Edit -> new institution with a reason -> version 2 awaits approval');
  await visit(focal, entryUrl);
  await clickAndWait(focal, focal.getByRole('link', { name: 'Edit', exact: true }));
  await expectAccessible(focal, 'the edit form');
  if (pathOf(focal) !== `${entryPath}/edit`) fail(`"Edit" led to ${focal.url()}`);
  for (const [label, want] of [['Name or functional role', kEntry.name],
                               ['Institution (points of contact)', kEntry.institution],
                               ['Number 1', kEntry.phoneE164],
                               ['Time zone', kEntry.timeZone],
                               ['Kind of structure (national structures)', 'other']]) {
    const got = await valueOf(focal, label);
    if (got !== want) fail(`the edit form's "${label}" holds ${JSON.stringify(got)}, not ${want}`);
  }
  await expectChecked(focal, 'in the edit form');
  await focal.getByLabel('Institution (points of contact)').fill(kNewInstitution);
  await focal.getByLabel('Reason for the change').fill(kReason);
  await clickAndWait(focal, focal.getByRole('button', { name: 'Save' }));
  await expectAccessible(focal, 'the entry page of version 2 awaiting approval');
  if (pathOf(focal) !== entryPath) {
    fail(`saving the change led to ${focal.url()}: ${await describePage(focal)}`);
  }
  await expectText(focal.locator('#notice'), 'The change awaits the secretariat\'s approval.',
                   'the notice after the change', focal);
  await expectText(focal.locator('.badge.pending').first(), 'Version 2 awaits approval',
                   'the entry page badge', focal);
  await expectText(focal.locator('#institution'), kNewInstitution,
                   'the focal point\'s view of the institution', focal);

  step('point of contact of FR: still the old institution');
  await visit(poc, `${directory}/states/DE`);
  await expectText(articleOf(poc, kEntry.name).locator('.level'),
                   `Technical · ${kEntry.institution}`, 'the institution on DE\'s page', poc);
  await expectNoText(poc, kNewInstitution, 'FR before the second approval');
  await visit(poc, entryUrl);
  await expectText(poc.locator('#institution'), kEntry.institution,
                   'the institution on the entry page', poc);
  if ((await poc.locator('#history > li').count()) !== 1) {
    fail(`FR's history shows an unpublished version: ${await describePage(poc)}`);
  }

  step('secretariat: "Approve version 2"');
  await visit(secretariat, entryUrl);
  await clickAndWait(secretariat, secretariat.getByRole('button', { name: 'Approve version 2' }));
  await expectAccessible(secretariat, 'the entry page after approving version 2');
  await expectText(secretariat.locator('#notice'), 'The change is published.',
                   'the notice after approving', secretariat);

  step('point of contact of FR: the new institution on DE\'s page');
  await visit(poc, `${directory}/states/DE`);
  await expectText(articleOf(poc, kEntry.name).locator('.level'),
                   `Technical · ${kNewInstitution}`, 'the institution on DE\'s page', poc);
  await screenshot(poc, 'directory-state-en.png');

  step('point of contact of FR: the entry page and its history');
  await visit(poc, entryUrl);
  await expectText(poc.locator('#institution'), kNewInstitution,
                   'the institution on the entry page', poc);
  const history = poc.locator('ol#history > li');
  if ((await history.count()) !== 2) {
    fail(`ol#history lists ${await history.count()} versions, not 2: ${await describePage(poc)}`);
  }
  const version2 = history.filter({ hasText: 'Version 2' });
  if ((await version2.count()) !== 1) {
    fail(`ol#history has no "Version 2": ${await describePage(poc)}`);
  }
  const row = version2.locator('table.changes tbody tr').filter({
    has: poc.locator('th', { hasText: /^institution$/ }),
  });
  if ((await row.count()) !== 1) {
    fail(`version 2 of ol#history has no row for "institution": ` +
         await textOf(version2, 'version 2', poc));
  }
  await expectText(row.locator('del'), kEntry.institution, 'the old value (del)', poc);
  await expectText(row.locator('ins'), kNewInstitution, 'the new value (ins)', poc);
  const version2Text = await textOf(version2, 'version 2', poc);
  if (!version2Text.includes(kReason)) fail(`version 2 does not give the reason: ${version2Text}`);
  if (!version2Text.includes(kPeople.focal.name)) {
    fail(`version 2 does not name its author ${kPeople.focal.name}: ${version2Text}`);
  }
  await screenshot(poc, 'directory-entry-history-en.png');

  step('focal point of DE cannot add an entry for FR (403)');
  await visit(focal, `${directory}/states/FR/new`, 403);

  step('point of contact of FR cannot edit DE\'s entry (403)');
  await visit(poc, `${entryUrl}/edit`, 403);
}

await run(main, { name: 'e2e directory flow', overallMilliseconds: kOverallMilliseconds });
