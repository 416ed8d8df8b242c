// Entries people shape, driven through the real window: an account typed in
// by hand (its code checked against oathtool), edited (name, tags, note,
// favourite), filtered by tag, moved in the order across a restart; issuer
// icons and letter badges; a very long label that must not push the code or
// the buttons out of its row.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  accountAction,
  accountMenuItem,
  addByUri,
  addWay,
  appWithKeyringVault,
  clickButton,
  oathtool,
  openAccountMenu,
  rowSelector,
  unixNow,
} from "./harness.mjs";
import { KEY, waitFor } from "./webdriver.mjs";

const screenshotDir = new URL("../../target/e2e/", import.meta.url).pathname;

const ACME = {
  issuer: "ACME Co",
  name: "ada@example.com",
  // As a service shows it: in groups of four, and here in lower case.
  typedSecret: "jbsw y3dp ehpk 3pxp",
  secret: "JBSWY3DPEHPK3PXP",
  title: "ACME Co (ada@example.com)",
};
const GITHUB = {
  uri: "otpauth://totp/GitHub:octocat?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=GitHub",
  title: "GitHub (octocat)",
};
const PROTON = {
  uri: "otpauth://totp/ProtonMail:linus@proton.me?secret=MZXW6YTBOI======&issuer=ProtonMail",
  title: "ProtonMail (linus@proton.me)",
};
/** GitHub's account once renamed. */
const MONA = "GitHub (mona)";
const INITECH = {
  uri: "otpauth://totp/Initech:peter?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Initech",
  title: "Initech (peter)",
};
const LONG_ISSUER = "The Extraordinarily Long-Named Regional Cooperative Credit Union of Example County".padEnd(200, ", and Friends");
const LONG_NAME = `${"a.very.patient.member.".repeat(9).slice(0, 188)}@example.com`;
const LONG = {
  uri: `otpauth://totp/${encodeURIComponent(`${LONG_ISSUER}:${LONG_NAME}`)}?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=${encodeURIComponent(LONG_ISSUER)}`,
  title: `${LONG_ISSUER} (${LONG_NAME})`,
};

const fixture = appWithKeyringVault();

/** The accounts' titles, in the order the window lists them. */
async function accountTitles() {
  return fixture.app.execute(
    "return [...document.querySelectorAll('li.account button.copy')].map((row) => row.dataset.title)",
  );
}

/** What a row shows besides its code: its tags and whether it is a favourite. */
function rowState(title) {
  return fixture.app.execute(
    `const row = document.querySelector(arguments[0]).closest("li.account");
     return {
       tags: [...row.querySelectorAll(".tags button")].map((tag) => tag.textContent.trim()),
       favourite: row.querySelector("button[aria-label^='Favourite']").getAttribute("aria-pressed"),
     };`,
    [rowSelector(title)],
  );
}

async function fill(fields) {
  for (const [selector, value] of Object.entries(fields)) {
    const field = await fixture.app.find(selector);
    await field.clear();
    await field.type(value);
  }
}

const dialogClosed = () =>
  waitFor("the dialog to close", async () => (await fixture.app.findAll("dialog[open]")).length === 0);

async function openByHand() {
  await addWay(fixture.app, "Enter setup key…");
  await fixture.app.waitFind("dialog[open] form.manual");
}

const submitByHand = async () => (await fixture.app.find("form.manual button[type=submit]")).click();

async function edit(title) {
  await accountAction(fixture.app, title, "Edit…");
  await fixture.app.waitFind("dialog[open] #edit-name");
}

test("an account typed in by hand, setup key in groups, shows oathtool's code", async () => {
  await openByHand();
  await fill({ "#manual-issuer": ACME.issuer, "#manual-name": ACME.name, "#manual-secret": ACME.typedSecret });
  assert.equal(await (await fixture.app.find("#manual-secret")).property("type"), "password", "the key shows as dots");
  await submitByHand();
  await dialogClosed();
  await fixture.app.waitFind(rowSelector(ACME.title));
  const before = unixNow();
  const shown = (await (await fixture.app.find(`${rowSelector(ACME.title)} [data-testid=code]`)).text()).replace(/\s/g, "");
  const expected = new Set([before - 1, before, unixNow()].map((time) => oathtool(ACME.secret, time)));
  assert.ok(expected.has(shown), `code on screen ${shown} is not oathtool's ${[...expected].join(" or ")}`);
});

test("a bad key typed by hand says what is wrong, keeps what was typed, and adds nothing; the same account again is refused", async () => {
  await openByHand();
  await fill({ "#manual-issuer": ACME.issuer, "#manual-name": ACME.name, "#manual-secret": "JBSWY3DPEHPK3PX8" });
  await submitByHand();
  const error = await fixture.app.waitFind("dialog[open] [data-testid=error]");
  assert.match(await error.text(), /secret: '8' at position 16 is not base32/);
  for (const [selector, value] of [
    ["#manual-issuer", ACME.issuer],
    ["#manual-name", ACME.name],
    ["#manual-secret", "JBSWY3DPEHPK3PX8"],
  ]) {
    assert.equal(await (await fixture.app.find(selector)).property("value"), value, `${selector} lost what was typed`);
  }

  await fill({ "#manual-secret": ACME.typedSecret });
  await submitByHand();
  await waitFor("the refusal", async () =>
    /“ACME Co: ada@example.com” is already in the vault/.test(await (await fixture.app.find("dialog[open] [data-testid=error]")).text()),
  );
  await clickButton(fixture.app, "Cancel", "dialog[open]");
  await dialogClosed();
  assert.deepEqual(await accountTitles(), [ACME.title], "a refused add adds nothing");
});

test("GitHub shows its icon, an unknown issuer its letter badge, and a long label is cut short in its row", async () => {
  for (const account of [GITHUB, INITECH, LONG, PROTON]) {
    await addByUri(fixture.app, account.uri);
    await fixture.app.waitFind(rowSelector(account.title));
  }
  await fixture.app.find(`${rowSelector(GITHUB.title)} svg[data-icon=github]`);
  assert.equal((await fixture.app.findAll(`${rowSelector(GITHUB.title)} [data-letter-badge]`)).length, 0);
  // Simple Icons calls it "Proton Mail": spaces and case do not matter.
  await fixture.app.find(`${rowSelector(PROTON.title)} svg[data-icon=protonmail]`);
  await fixture.app.find(`${rowSelector(INITECH.title)} [data-letter-badge=I]`);
  assert.equal((await fixture.app.findAll(`${rowSelector(INITECH.title)} svg[data-icon]`)).length, 0);

  const layout = await fixture.app.execute(
    `const copy = document.querySelector(arguments[0]);
     const row = copy.closest("li.account");
     const issuer = copy.querySelector(".issuer");
     const edges = (element) => { const rect = element.getBoundingClientRect(); return { left: rect.left, right: rect.right }; };
     return {
       row: edges(row),
       list: edges(row.parentElement),
       code: edges(copy.querySelector("[data-testid=code]")),
       buttons: [...row.querySelectorAll("button")].map((button) => ({ label: button.getAttribute("aria-label"), ...edges(button) })),
       issuerTitle: issuer.title,
       issuerCut: issuer.scrollWidth > issuer.clientWidth,
     };`,
    [rowSelector(LONG.title)],
  );
  assert.ok(layout.row.right <= layout.list.right + 0.5, `the row (right ${layout.row.right}) overflows the list (${layout.list.right})`);
  assert.ok(layout.code.right <= layout.row.right, `the code ends at ${layout.code.right}, past the row's ${layout.row.right}`);
  assert.ok(layout.code.left >= layout.row.left, "the code starts left of the row");
  for (const button of layout.buttons) {
    assert.ok(
      button.left >= layout.row.left && button.right <= layout.row.right,
      `${button.label} (${button.left}–${button.right}) is outside the row (${layout.row.left}–${layout.row.right})`,
    );
  }
  assert.equal(layout.issuerTitle, LONG_ISSUER, "the full issuer is in the tooltip");
  assert.ok(layout.issuerCut, "the long issuer is cut short, with an ellipsis");
});

test("editing renames, tags, notes and pins an account; a refused edit says why; Cancel changes nothing", async () => {
  await edit(GITHUB.title);
  await fill({ "#edit-name": "mona" });
  await (await fixture.app.find("#edit-tags")).type(`work${KEY.enter}`);
  await (await fixture.app.find("#edit-tags")).type(`2fa${KEY.enter}`);
  await fill({ "#edit-note": "recovery codes in the safe" });
  await (await fixture.app.find("#edit-favourite")).click();
  await clickButton(fixture.app, "Save", "dialog[open]");
  await dialogClosed();
  await fixture.app.waitFind(rowSelector(MONA));
  assert.deepEqual(await rowState(MONA), { tags: ["work", "2fa"], favourite: "true" });
  assert.equal((await accountTitles())[0], MONA, "a favourite is listed first");

  // A tag still being typed when Save is pressed is kept; commas separate tags.
  await edit(INITECH.title);
  await (await fixture.app.find("#edit-tags")).type("legacy, work");
  await clickButton(fixture.app, "Save", "dialog[open]");
  await dialogClosed();
  await waitFor("Initech's tags", async () => (await rowState(INITECH.title)).tags.length === 2);
  assert.deepEqual(await rowState(INITECH.title), { tags: ["legacy", "work"], favourite: "false" });

  // A refused edit shows why in the dialog and keeps what was typed; Cancel then leaves the account as it was.
  await edit(ACME.title);
  await fill({ "#edit-name": "n".repeat(300) });
  await clickButton(fixture.app, "Save", "dialog[open]");
  const error = await fixture.app.waitFind("dialog[open] [data-testid=error]");
  assert.match(await error.text(), /name: 300 characters is longer than the 256 Twofold keeps/);
  assert.equal(await (await fixture.app.find("#edit-name")).property("value"), "n".repeat(300));
  await clickButton(fixture.app, "Cancel", "dialog[open]");
  await dialogClosed();
  assert.deepEqual(await accountTitles(), [MONA, ACME.title, INITECH.title, LONG.title, PROTON.title]);
});

test("a tag narrows the list, shown as a filter that Esc or × clears", async () => {
  await (await fixture.app.find('li.account .tags button[aria-label="Filter by tag work"]')).click();
  await waitFor("the list to narrow", async () => (await accountTitles()).length === 2);
  assert.deepEqual(await accountTitles(), [MONA, INITECH.title]);
  assert.match(await (await fixture.app.find(".filter")).text(), /Showing accounts tagged work/);
  await (await fixture.app.find(rowSelector(INITECH.title))).type(KEY.escape);
  await waitFor("every account to come back", async () => (await accountTitles()).length === 5);

  await (await fixture.app.find('li.account .tags button[aria-label="Filter by tag legacy"]')).click();
  await waitFor("the list to narrow", async () => (await accountTitles()).length === 1);
  await (await fixture.app.find('button[aria-label="Clear the tag filter"]')).click();
  await waitFor("every account to come back", async () => (await accountTitles()).length === 5);
});

test("moving accounts up and down changes the order, within favourites and the rest, and it survives a restart", async () => {
  // GitHub is a favourite yet after ACME in the order it was added: the listed
  // index is not the user's order, and a naive move would change nothing.
  await accountAction(fixture.app, INITECH.title, "Move up");
  await waitFor("Initech to move up", async () => (await accountTitles())[1] === INITECH.title);
  assert.deepEqual(await accountTitles(), [MONA, INITECH.title, ACME.title, LONG.title, PROTON.title]);
  await openAccountMenu(fixture.app, INITECH.title);
  assert.equal(
    await (await accountMenuItem(fixture.app, "Move up")).property("disabled"),
    true,
    "nothing but favourites above: it cannot go further up",
  );
  await (await accountMenuItem(fixture.app, "Edit…")).type(KEY.escape);
  await menuClosed();

  // From the keyboard: Alt+↑ on a focused row, which keeps the focus.
  await (await fixture.app.find(rowSelector(LONG.title))).type(KEY.alt + KEY.up);
  await waitFor("the long account to move up", async () => (await accountTitles())[2] === LONG.title);
  assert.deepEqual(await accountTitles(), [MONA, INITECH.title, LONG.title, ACME.title, PROTON.title]);
  const focused = await fixture.app.execute("return document.activeElement?.dataset.title");
  assert.equal(focused, LONG.title);

  // A second favourite, starred from its row, then moved up among the favourites.
  await (await fixture.app.find(`button[aria-label="Favourite ${ACME.title}"]`)).click();
  await waitFor("ACME to be pinned", async () => (await accountTitles())[1] === ACME.title);
  assert.equal((await rowState(ACME.title)).favourite, "true");
  await accountAction(fixture.app, ACME.title, "Move up");
  await waitFor("ACME to lead", async () => (await accountTitles())[0] === ACME.title);
  assert.deepEqual(await accountTitles(), [ACME.title, MONA, INITECH.title, LONG.title, PROTON.title]);

  await accountAction(fixture.app, INITECH.title, "Move down");
  await waitFor("Initech to move down", async () => (await accountTitles())[3] === INITECH.title);
  const order = [ACME.title, MONA, LONG.title, INITECH.title, PROTON.title];
  assert.deepEqual(await accountTitles(), order);

  await fixture.restart();
  await fixture.app.waitFind(rowSelector(ACME.title));
  assert.deepEqual(await accountTitles(), order);
  assert.deepEqual(await rowState(MONA), { tags: ["work", "2fa"], favourite: "true" });
});

const focusedLabel = () => fixture.app.execute("return document.activeElement?.getAttribute('aria-label')");
const focusedText = () => fixture.app.execute("return document.activeElement?.textContent.trim()");
const menuClosed = () =>
  waitFor("the menu to close", async () => (await fixture.app.findAll("[role=menu]")).length === 0);

test("an account's menu works from the keyboard and by right click, and Esc gives the focus back", async () => {
  // Shift+F10 on a focused row opens its menu with the first item in focus.
  await (await fixture.app.find(rowSelector(PROTON.title))).type(KEY.shift + KEY.f10);
  await fixture.app.waitFind(`[role=menu][aria-label="Actions for ${PROTON.title}"]`);
  await fixture.app.find(`button[aria-label="Actions for ${PROTON.title}"][aria-expanded=true]`);
  assert.equal(await focusedText(), "Edit…");
  await (await accountMenuItem(fixture.app, "Edit…")).type(KEY.down);
  assert.equal(await focusedText(), "Show QR code…");
  const background = (script) => fixture.app.execute(`return getComputedStyle(${script}).backgroundColor`);
  assert.notEqual(
    await background("document.activeElement"),
    await background('document.querySelector("[role=menuitem]")'),
    "the item in focus is highlighted, the others not",
  );
  // The last account cannot go down: that item looks disabled, the arrows pass over it, and wrap.
  const look = (item) =>
    fixture.app.execute(
      `const item = [...document.querySelectorAll("[role=menuitem]")].find((b) => b.textContent.startsWith(arguments[0]));
      return { disabled: item.disabled, opacity: getComputedStyle(item).opacity };`,
      [item],
    );
  assert.deepEqual(await look("Move down"), { disabled: true, opacity: "0.45" });
  assert.deepEqual(await look("Move up"), { disabled: false, opacity: "1" });
  await (await accountMenuItem(fixture.app, "Show QR code…")).type(KEY.end);
  assert.equal(await focusedText(), "Remove…");
  await (await accountMenuItem(fixture.app, "Remove…")).type(KEY.up);
  assert.match(await focusedText(), /^Move up/);
  await (await accountMenuItem(fixture.app, "Move up")).type(KEY.down);
  assert.equal(await focusedText(), "Remove…");
  await (await accountMenuItem(fixture.app, "Remove…")).type(KEY.down);
  assert.equal(await focusedText(), "Edit…");
  await (await accountMenuItem(fixture.app, "Edit…")).type(KEY.escape);
  await menuClosed();
  assert.equal(await focusedLabel(), `Actions for ${PROTON.title}`);

  // A right click on a row opens the same menu; a click elsewhere closes it, acting on nothing.
  await (await fixture.app.find(rowSelector(MONA))).contextClick();
  await fixture.app.waitFind(`[role=menu][aria-label="Actions for ${MONA}"]`);
  await (await fixture.app.find("#authenticator-title")).click();
  await menuClosed();
  assert.equal((await fixture.app.findAll("dialog[open]")).length, 0);

  // Its "⋯" button closes it again rather than opening it anew.
  await openAccountMenu(fixture.app, MONA);
  await (await fixture.app.find(`button[aria-label="Actions for ${MONA}"]`)).click();
  await menuClosed();
});

test("a screenshot of shaped entries is saved for the README", async () => {
  await fixture.app.execute("document.activeElement?.blur()");
  // Let toasts fade and the web view paint the final frame before capturing it.
  await waitFor("the toasts to clear", async () => (await fixture.app.findAll("[role=status]")).length === 0);
  await new Promise((resolve) => setTimeout(resolve, 500));
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(join(screenshotDir, "shape.png"), await fixture.app.screenshot());
});
