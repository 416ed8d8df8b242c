// Every action without a mouse: the shortcuts "?" lists, pressed as a user
// presses them (WebDriver key actions on the element in focus).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  addByUri,
  appWithKeyringVault,
  clickButton,
  clipboardText,
  copyToClipboard,
  oathtool,
  rowSelector,
  unixNow,
} from "./harness.mjs";
import { KEY, waitFor } from "./webdriver.mjs";

const fixture = appWithKeyringVault();
const ACME = {
  secret: "JBSWY3DPEHPK3PXP",
  uri: "otpauth://totp/ACME%20Co:ada@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co",
  title: "ACME Co (ada@example.com)",
};
const PROTON = {
  uri: "otpauth://totp/Proton:linus@proton.me?secret=GEZDGNBVGY3TQOJR&issuer=Proton",
  title: "Proton (linus@proton.me)",
};

const focused = () =>
  fixture.app.execute("return document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id");

test("? lists the shortcuts", async () => {
  await addByUri(fixture.app, ACME.uri);
  await fixture.app.waitFind(rowSelector(ACME.title));
  await fixture.app.execute("document.activeElement?.blur()");
  await fixture.app.pressKey("?");
  const dialog = await fixture.app.waitFind("dialog[open]");
  const text = await dialog.text();
  for (const shortcut of ["Ctrl+F", "Ctrl+N", "Ctrl+V", "Ctrl+L", "Enter or C"]) assert.ok(text.includes(shortcut), text);
  await clickButton(fixture.app, "Close", "dialog[open]");
  await waitFor("the list to close", async () => (await fixture.app.findAll("dialog[open]")).length === 0);
});

test("/ and Ctrl+F go to the search, Ctrl+N opens the Add menu", async () => {
  await fixture.app.execute("document.activeElement?.blur()");
  await fixture.app.pressKey("/");
  assert.equal(await focused(), "Search accounts");
  await fixture.app.pressKey("n", { ctrl: true });
  await fixture.app.waitFind("#add-menu");
  assert.equal(await fixture.app.execute("return document.activeElement?.textContent"), "Paste otpauth:// link…");
  await fixture.app.pressKey(KEY.enter);
  await fixture.app.waitFind("dialog[open] #add-uri");
  assert.equal(await focused(), "add-uri");
  await fixture.app.pressKey(KEY.escape);
  await waitFor("the dialog to close", async () => (await fixture.app.findAll("dialog[open]")).length === 0);
  await fixture.app.pressKey("f", { ctrl: true });
  assert.equal(await focused(), "Search accounts");
});

test("typing with nothing in focus goes to the search", async () => {
  // The search field gives up its focus (and its blinking caret) after a
  // minute without input; typing must still search.
  await fixture.app.execute("document.activeElement?.blur()");
  await (await fixture.app.find("body")).type("acme");
  assert.equal(await focused(), "Search accounts");
  const search = await fixture.app.find('input[aria-label="Search accounts"]');
  assert.equal(await search.property("value"), "acme");
  await search.clear();
});

test("C copies the code of the account in focus", async () => {
  await (await fixture.app.find(rowSelector(ACME.title))).click();
  copyToClipboard("something else");
  await fixture.app.execute(`document.querySelector('${rowSelector(ACME.title).replaceAll("'", "\\'")}').focus()`);
  await fixture.app.pressKey("c");
  const at = unixNow();
  await waitFor("the code on the clipboard", () => {
    const text = clipboardText();
    return [at - 1, at, at + 1].some((t) => oathtool(ACME.secret, t) === text);
  });
});

test("↓ shows where the focus went, even after a click", async () => {
  // The search from the test before may still narrow the list: Esc clears it.
  await (await fixture.app.find('input[aria-label="Search accounts"]')).type(KEY.escape);
  await addByUri(fixture.app, "otpauth://totp/GitLab:grace?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab");
  await (await fixture.app.waitFind(rowSelector("GitLab (grace)"))).click();
  await (await fixture.app.find(rowSelector(ACME.title))).click();
  await fixture.app.pressKey(KEY.down);
  const focus = await fixture.app.execute(
    "const row = document.activeElement; return { title: row.dataset.title, shown: row.matches(':focus-visible') }",
  );
  assert.deepEqual(focus, { title: "GitLab (grace)", shown: true });
});

test("Ctrl+V with a copied otpauth:// link opens it to add, other text stays a search", async () => {
  const search = await fixture.app.find('input[aria-label="Search accounts"]');
  /** Copies `text` as another app would, then presses Ctrl+V in the search field (or, `inSearch` false, with nothing in focus). */
  const paste = async (text, { inSearch = true } = {}) => {
    copyToClipboard(text);
    if (inSearch) await search.click();
    else await fixture.app.execute("document.activeElement?.blur()");
    await fixture.app.pressKey("v", { ctrl: true });
  };
  await paste(PROTON.uri);
  const field = await fixture.app.waitFind("dialog[open] #add-uri");
  assert.equal(await field.property("value"), PROTON.uri);
  assert.equal(await search.property("value"), "", "the link went into the search too");
  await fixture.app.pressKey(KEY.enter); // adds it
  await fixture.app.waitFind(rowSelector(PROTON.title));
  await waitFor("the dialog to close", async () => (await fixture.app.findAll("dialog[open]")).length === 0);

  // With nothing in focus too; Esc leaves it.
  await paste(PROTON.uri.replace("Proton", "Tuta"), { inSearch: false });
  await fixture.app.waitFind("dialog[open] #add-uri");
  await fixture.app.pressKey(KEY.escape);
  await waitFor("the dialog to close", async () => (await fixture.app.findAll("dialog[open]")).length === 0);

  await paste("gitlab");
  await waitFor("the pasted words in the search", async () => (await search.property("value")) === "gitlab");
  assert.equal((await fixture.app.findAll("dialog[open]")).length, 0);
  await search.type(KEY.escape); // clears the search
});

test("Ctrl+V with a Google Authenticator export's links previews them as an import", async () => {
  const exported = readFileSync(new URL("../../crates/authenticator/tests/samples/google-migration.txt", import.meta.url), "utf8");
  copyToClipboard(exported);
  const search = await fixture.app.find('input[aria-label="Search accounts"]');
  await search.click();
  await fixture.app.pressKey("v", { ctrl: true });
  await fixture.app.waitFind("dialog[open] [data-testid=to-add]");
  const listed = async (list) => {
    const texts = [];
    for (const item of await fixture.app.findAll(`dialog[open] [data-testid=${list}] li`)) texts.push(await item.text());
    return texts;
  };
  assert.deepEqual(await listed("to-add"), ["Bank (carol)", "Acme Corp (bob)"]);
  // Its GitHub account has the key of the ACME account already here.
  assert.deepEqual(await listed("duplicates"), ["GitHub (alice@example.com)"]);
  assert.equal(await search.property("value"), "", "the links went into the search too");
  await clickButton(fixture.app, "Import 2 accounts", "dialog[open]");
  await fixture.app.waitFind(rowSelector("Bank (carol)"));
  await fixture.app.waitFind(rowSelector("Acme Corp (bob)"));
});

test("Ctrl+L locks the vault", async () => {
  await fixture.app.pressKey("l", { ctrl: true });
  await fixture.app.waitFind("#unlock-title");
  assert.equal((await fixture.app.findAll("[data-testid=code]")).length, 0);
});
