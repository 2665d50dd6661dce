#!/usr/bin/env node
// Browser test that every page of Liaison meets WCAG 2.2 AA as far as a machine can tell, in
// English and in Arabic (right to left), with Playwright (playwright-core) driving Debian's
// Chromium against the real `liaison` binary on a fresh SQLite database:
//
//   liaison admin create-secretariat --org OSCE; invite --role focal --state DE; invite --role
//     poc --state FR (never accepted: its page is the invitation an anonymous visitor sees)
//   the secretariat and DE's focal point accept their invitations and sign in, each in a browser
//     context of their own; entries of DE and FR through the API; the secretariat composes,
//     previews and launches an `acknowledge` check of Germany and France; its mails land in the
//     spool (LIAISON_MAIL_SPOOL) and their /r/TOKEN links are opened without an account
//   every page, each with ?lang=en and ?lang=ar: axe-core (harness.mjs expectAccessible: tags
//     wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa, no violation allowed), html lang and dir
//     (dir="rtl" in Arabic), a full-page screenshot <page>-en.png / <page>-ar.png
//       anonymous: /sign-in, its refusal, an invitation, the answer link /r/TOKEN and its
//         confirmation
//       DE's focal point: home, the state page with its editing actions, the entry form and the
//         form refused with its problems
//       the secretariat: home, /directory, /directory/OSCE, a state page, an entry page, search,
//         freshness, /account/sessions, /account/tokens, /account/password, /account/preferences
//         (and its refusal of a wrong time zone),
//         /account/recovery-codes, /checks/OSCE (empty, then with the check), /checks/OSCE/new
//         (and refused with an empty title), the draft with its preview, the running check with
//         its answer and charts, its printable report, DE's history of checks
//   keyboard: on the home and directory pages the first Tab focuses the skip link, which is
//     then visible, and Enter moves the focus to <main>; every element Tab reaches shows a focus
//     indicator (an outline or a box-shadow)
//   reflow: at 640×800 CSS px (1280 px wide at 200 % zoom) and at 320×640 (WCAG 1.4.10) the
//     state page, the check page and its report do not scroll sideways; a wide table scrolls
//     inside its own container
//
// Usage: node tests/e2e/pages_flow.mjs [path/to/liaison]   (or LIAISON_BINARY=...)
// Environment: as directory_flow.mjs; LIAISON_E2E_ARTIFACTS=dir receives the screenshots;
// LIAISON_E2E_AXE=all reports the violations of every page before failing. Bounded to 150 s.
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

const kOverallMilliseconds = 150_000;
const kOrganisation = 'OSCE';
const kTitle = 'Quarterly reachability check';
const kLanguages = ['en', 'ar'];

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
  // Invited, never accepted: the invitation page is one an anonymous visitor sees.
  poc: {
    email: 'poc.fr@diplomatie.example',
    name: 'Françoise Contact',
    command: ['invite', '--role', 'poc', '--org', kOrganisation, '--state', 'FR'],
  },
};

const kEntries = [
  { who: 'focal', state: 'DE', name: 'DE Cyber Point of Contact', email: 'cyber-poc@de.example',
    phone: '+49 30 18170' },
  { who: 'focal', state: 'DE', name: 'DE National CERT', email: 'cert@de.example' },
  { who: 'secretariat', state: 'FR', name: 'FR Cyber Point of Contact', email: 'cyber@fr.example' },
];

let artifacts = null;
let origin = null;
const screenshots = [];

// `url` (a path or a URL) with ?lang=`lang`: the choice is remembered in a cookie, so every
// visit names its language.
function inLanguage(url, lang) {
  const target = new URL(url, origin);
  target.searchParams.set('lang', lang);
  return target.href;
}

async function visit(page, url, status = 200) {
  showing(page);
  const response = await page.goto(url);
  if (!response || response.status() !== status) {
    fail(`GET ${url} answered ${response?.status()}, not ${status}: ${await describePage(page)}`);
  }
  return response;
}

// The page in `lang`: <html lang dir> as the language wants them, axe-core finds nothing, and a
// full-page screenshot <name>-<lang>.png.
async function expectPage(page, name, lang) {
  const { htmlLang, dir } = await page.evaluate(() => ({
    htmlLang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
  }));
  if (!htmlLang || !htmlLang.toLowerCase().startsWith(lang)) {
    fail(`${name}-${lang}: <html lang="${htmlLang}">, not ${lang}: ${await describePage(page)}`);
  }
  const wantDir = lang === 'ar' ? 'rtl' : 'ltr';
  if (dir !== wantDir) fail(`${name}-${lang}: <html dir="${dir}">, not "${wantDir}"`);
  await expectAccessible(page, `${name}-${lang}`);
  const file = `${name}-${lang}.png`;
  await page.screenshot({ path: path.join(artifacts, file), fullPage: true });
  screenshots.push(file);
}

// Opens `url` in both languages and checks each.
async function checkPage(page, name, url, { status = 200, ready } = {}) {
  for (const lang of kLanguages) {
    step(`${name} (${lang}): ${new URL(url, origin).pathname}`);
    await visit(page, inLanguage(url, lang), status);
    if (ready) await ready(page);
    await expectPage(page, name, lang);
  }
}

// The charts of a check's page are drawn: the page is checked as its reader sees it.
async function chartsDrawn(page) {
  for (const id of ['check-timeline', 'check-map']) {
    try {
      await page.locator(`canvas#${id}[data-ready="true"]`).waitFor({ state: 'attached' });
    } catch {
      fail(`canvas#${id} was not drawn (data-ready): ${await describePage(page)}`);
    }
  }
}

// ---- keyboard ------------------------------------------------------------------------------------

// What the focused element is and how its focus shows.
function focusedElement(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    window.liaisonTabbed ??= new WeakSet();  // the test's own record of what Tab reached
    const again = window.liaisonTabbed.has(element);
    window.liaisonTabbed.add(element);
    const style = getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    const description = element.outerHTML.replace(/\s+/g, ' ').slice(0, 160);
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      className: element.className,
      description,
      again,
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth) || 0,
      boxShadow: style.boxShadow,
      // On screen: a box of some size inside the viewport, not clipped away.
      visible: rect.width >= 1 && rect.height >= 1 && rect.right > 0 && rect.bottom > 0 &&
               rect.left < innerWidth && rect.top < innerHeight &&
               style.visibility !== 'hidden' && style.clipPath !== 'inset(50%)',
    };
  });
}

// The first Tab reaches the skip link, which shows; Enter moves the focus to <main>; then every
// element Tab reaches has a focus indicator, until the focus leaves the page or comes round.
async function expectKeyboard(page, name) {
  step(`keyboard on ${name}: the skip link, then every focusable element's indicator`);
  await page.keyboard.press('Tab');
  const skip = await focusedElement(page);
  if (!skip || !/\bskip\b/.test(skip.className)) {
    fail(`${name}: the first Tab focuses ${skip ? skip.description : 'nothing'}, not the skip link`);
  }
  if (!skip.visible) fail(`${name}: the focused skip link is not visible on screen`);
  if (!(skip.outlineStyle !== 'none' && skip.outlineWidth > 0) && skip.boxShadow === 'none') {
    fail(`${name}: the focused skip link shows no focus indicator`);
  }
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => document.activeElement?.id);
  if (target !== 'main') fail(`${name}: Enter on the skip link focuses #${target}, not #main`);

  // From the top again, forward through the whole page. Not a reload: the address now ends in
  // #main, and Chromium focuses a focusable fragment target when the page has loaded, which
  // would race with the first Tab.
  const top = new URL(page.url());
  top.hash = '';
  await page.goto(top.toString());
  const seen = [];
  for (let presses = 0; presses < 300; ++presses) {
    await page.keyboard.press('Tab');
    let focused = await focusedElement(page);
    if (!focused) {  // left the document, to come round with the next Tab, or not settled yet
      await page.keyboard.press('Tab');
      focused = await focusedElement(page);
      if (!focused) break;
    }
    if (focused.again) break;  // came round
    seen.push(focused.description);
    const outline = focused.outlineStyle !== 'none' && focused.outlineWidth > 0;
    const shadow = focused.boxShadow && focused.boxShadow !== 'none';
    if (!outline && !shadow) {
      fail(`${name}: Tab reaches ${focused.description}, which shows no focus indicator ` +
           `(outline ${focused.outlineStyle} ${focused.outlineWidth}px, box-shadow ${focused.boxShadow})`);
    }
    if (!focused.visible) fail(`${name}: Tab reaches ${focused.description}, which is off screen`);
  }
  // Every interactive element of the page was reached.
  const missed = await page.evaluate(() => [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
      '[tabindex]:not([tabindex="-1"])')]
      .filter((element) => !element.disabled && element.getClientRects().length > 0 &&
                           !window.liaisonTabbed?.has(element))
      .map((element) => element.outerHTML.replace(/\s+/g, ' ').slice(0, 120)));
  if (missed.length > 0) {
    fail(`${name}: Tab reached ${seen.length} elements, but not ${missed.length}: ` +
         missed.slice(0, 5).join(' | '));
  }
  log(`${name}: ${seen.length} elements reached by Tab, each with a visible focus indicator`);
}

// ---- reflow --------------------------------------------------------------------------------------

// No sideways scrolling of the page at the current viewport; what is wider than it (a table)
// must sit in a container that scrolls by itself.
async function expectReflow(page, name) {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide: [...document.querySelectorAll('main *')]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1 ||
                             element.getBoundingClientRect().left < -1)
        .slice(0, 5).map((element) => element.outerHTML.replace(/\s+/g, ' ').slice(0, 120)),
  }));
  if (scrollWidth > innerWidth) {
    fail(`${name}: the page scrolls sideways at ${innerWidth} CSS px (scrollWidth ` +
         `${scrollWidth}); wider than the window: ${wide.join(' | ') || 'nothing in <main>'}`);
  }
}

async function main() {
  const { binary, chromium, chromiumPath, env } = await setUp('pages_flow.mjs');
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
  origin = await startServer(binary, env);
  log(`server at ${origin}`);
  const directory = `/directory/${kOrganisation}`;

  step('launching Chromium');
  const browser = await launchChromium(chromium, chromiumPath);

  // ---- an anonymous visitor ----
  const { page: visitor } = await newPage(browser, 'visitor');
  await checkPage(visitor, 'sign-in', '/sign-in');
  for (const lang of kLanguages) {
    step(`sign-in-error (${lang}): a refused sign-in`);
    await visit(visitor, inLanguage('/sign-in', lang));
    await visitor.locator('#email').fill('nobody@example.org');
    await visitor.locator('#password').fill('not the password at all');
    await visitor.locator('#code').fill('000000');
    await clickAndWait(visitor, visitor.locator('#code'), { press: 'Enter' });
    await expectVisible(visitor, '#error, .error', 'the refused sign-in');
    await expectPage(visitor, 'sign-in-error', lang);
  }
  await checkPage(visitor, 'invitation', invitationLink('invite', invitations.poc, origin));

  // ---- the secretariat and DE's focal point sign in ----
  const pages = {};
  for (const who of ['secretariat', 'focal']) {
    const person = kPeople[who];
    step(`${who}: accepting the invitation and signing in`);
    ({ page: pages[who] } = await newPage(browser, who));
    const link = invitationLink(person.command[0], invitations[who], origin);
    const secret = await openInvitation(pages[who], link);
    const account = { email: person.email, ...await submitInvitation(pages[who], secret) };
    await signIn(pages[who], origin, account);
  }
  const { secretariat, focal } = pages;

  for (const entry of kEntries) {
    step(`${entry.who}: a published entry of ${entry.state} (${entry.name})`);
    const page = showing(pages[entry.who]);
    await visit(page, `${origin}${directory}/states/${entry.state}?lang=en`);
    const contact = { name: entry.name, institution: 'Ministry', functional_email: entry.email };
    const created = await postJson(page, `/api/v1/organisations/${kOrganisation}/entries`, {
      state: entry.state, level: 'technical', contact,
    });
    if (created.status !== 201) fail(`creating ${entry.name} answered ${created.status}: ${created.text}`);
    entry.id = JSON.parse(created.text).id;
  }
  const entryPath = `${directory}/entries/${kEntries[0].id}`;

  // ---- DE's focal point ----
  await checkPage(focal, 'home-focal', '/');
  await checkPage(focal, 'state-focal', `${directory}/states/DE`);
  await checkPage(focal, 'entry-form', `${directory}/states/DE/new`);
  for (const lang of kLanguages) {
    step(`entry-form-error (${lang}): a wrong time zone is refused`);
    await visit(focal, inLanguage(`${directory}/states/DE/new`, lang));
    await focal.locator('#name').fill('DE Deputy Point of Contact');
    await focal.locator('#time_zone').fill('Europe/Berlinn');
    await clickAndWait(focal, focal.locator('#save-entry'));
    await expectVisible(focal, '#problems', 'the entry form after a wrong time zone');
    await expectPage(focal, 'entry-form-error', lang);
  }

  // ---- the secretariat: directory and account ----
  await checkPage(secretariat, 'home', '/');
  await checkPage(secretariat, 'directory', '/directory');
  await checkPage(secretariat, 'organisation', directory);
  await checkPage(secretariat, 'state', `${directory}/states/DE`);
  await checkPage(secretariat, 'entry', entryPath);
  await checkPage(secretariat, 'search', `${directory}/search?q=Cyber`);
  await checkPage(secretariat, 'freshness', `${directory}/freshness`);
  await checkPage(secretariat, 'sessions', '/account/sessions');
  await checkPage(secretariat, 'tokens', '/account/tokens');
  await checkPage(secretariat, 'password', '/account/password');
  await checkPage(secretariat, 'recovery-codes', '/account/recovery-codes');
  await checkPage(secretariat, 'preferences', '/account/preferences');
  for (const lang of kLanguages) {
    step(`preferences-error (${lang}): a time zone that does not exist is refused`);
    await visit(secretariat, inLanguage('/account/preferences', lang));
    await secretariat.locator('#time_zone').fill('Europe/Atlantis');
    await clickAndWait(secretariat, secretariat.locator('form[action="/account/preferences"] button[type=submit]'));
    await expectVisible(secretariat, '#time-zone-error', 'the preferences after a wrong time zone');
    await expectPage(secretariat, 'preferences-error', lang);
  }

  // ---- the secretariat: a check from composing to its results ----
  await checkPage(secretariat, 'checks-empty', `/checks/${kOrganisation}`);
  await checkPage(secretariat, 'check-new', `/checks/${kOrganisation}/new`);
  for (const lang of kLanguages) {
    step(`check-new-error (${lang}): an empty title is refused inline`);
    await visit(secretariat, inLanguage(`/checks/${kOrganisation}/new`, lang));
    await secretariat.locator('#task-acknowledge').check();
    await secretariat.locator('#window_hours').fill('12');
    await secretariat.locator('#state-DE').check();
    await secretariat.locator('#state-FR').check();
    await clickAndWait(secretariat, secretariat.locator('#save-check'));
    await expectVisible(secretariat, '#title-error', 'the compose form after an empty title');
    await expectPage(secretariat, 'check-new-error', lang);
  }
  step('secretariat: the check saved with a title -> its draft');
  await secretariat.locator('#title').fill(kTitle);
  await clickAndWait(secretariat, secretariat.locator('#save-check'));
  if (!new RegExp(`^/checks/${kOrganisation}/[^/]+$`).test(pathOf(secretariat))) {
    fail(`saving the check led to ${secretariat.url()}: ${await describePage(secretariat)}`);
  }
  const checkPath = pathOf(secretariat);
  await checkPage(secretariat, 'check-draft', checkPath);
  step('secretariat: "Launch"');
  await clickAndWait(secretariat, secretariat.locator('#launch-check'));
  const status = (await secretariat.locator('#check-status').innerText()).trim();
  if (!status) fail(`after launching, no status: ${await describePage(secretariat)}`);

  // ---- the answer links, opened without an account ----
  const tokens = [];
  for (const entry of kEntries.slice(0, 2)) {
    step(`the invitation to ${entry.email} in the spool`);
    tokens.push(await answerLink(spool, entry.email));
  }
  await checkPage(visitor, 'answer', `/r/${tokens[0]}`);
  for (const [index, lang] of kLanguages.entries()) {
    step(`answer-confirmed (${lang}): the answer link's "Confirm"`);
    await visit(visitor, inLanguage(`/r/${tokens[index]}`, lang));
    await clickAndWait(visitor, visitor.locator('#confirm-answer'));
    await expectPage(visitor, 'answer-confirmed', lang);
  }

  // ---- the secretariat: results ----
  await checkPage(secretariat, 'checks', `/checks/${kOrganisation}`);
  await checkPage(secretariat, 'check', checkPath, { ready: chartsDrawn });
  const responded = (await secretariat.locator('#tally-responded').innerText()).trim();
  if (responded !== '2') fail(`#tally-responded is ${JSON.stringify(responded)}, not "2"`);
  await checkPage(secretariat, 'check-report', `${checkPath}/report`);
  await checkPage(secretariat, 'state-checks', `${directory}/states/DE/checks`);

  // ---- keyboard ----
  for (const [name, url] of [['home', '/'], ['organisation', directory]]) {
    for (const lang of kLanguages) {
      await visit(secretariat, inLanguage(url, lang));
      await expectKeyboard(secretariat, `${name}-${lang}`);
    }
  }

  // ---- reflow: 200 % zoom of a 1280 px window, and 320 CSS px ----
  for (const viewport of [{ width: 640, height: 800 }, { width: 320, height: 640 }]) {
    await secretariat.setViewportSize(viewport);
    for (const [name, url, ready] of [['state', `${directory}/states/DE`],
                                      ['check', checkPath, chartsDrawn],
                                      ['check-report', `${checkPath}/report`]]) {
      for (const lang of kLanguages) {
        step(`reflow at ${viewport.width} CSS px: ${name}-${lang}`);
        await visit(secretariat, inLanguage(url, lang));
        if (ready) await ready(secretariat);
        await expectReflow(secretariat, `${name}-${lang} at ${viewport.width} CSS px`);
        // What scrolls inside the page (a wide table) must be reachable by keyboard: axe again
        // at 200 % zoom (at 320 px the same tables scroll in the same regions).
        if (viewport.width === 640) {
          await expectAccessible(secretariat, `${name}-${lang} at ${viewport.width} CSS px`);
        }
      }
    }
  }

  log(`${screenshots.length} screenshots in ${artifacts}`);
}

await run(main, { name: 'e2e pages flow', overallMilliseconds: kOverallMilliseconds });
