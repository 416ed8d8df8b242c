// The Authenticator room, driven as a user drives it: through the real window
// of the built fixture.app, with codes checked against oathtool.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { accountAction, addByUri, appWithKeyringVault, clickButton, clipboardText, copyToClipboard, oathtool, rowSelector, unixNow, waitForToast } from "./harness.mjs";
import { KEY, waitFor } from "./webdriver.mjs";

const screenshotDir = new URL("../../target/e2e/", import.meta.url).pathname;

const ACME = {
  secret: "JBSWY3DPEHPK3PXP",
  uri: "otpauth://totp/ACME%20Co:ada@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co",
  title: "ACME Co (ada@example.com)",
};
const VAULTWARDEN = {
  secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
  uri: "otpauth://totp/Vaultwarden:grace@example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&issuer=Vaultwarden",
  title: "Vaultwarden (grace@example.org)",
  options: { algorithm: "sha256", digits: 8 },
};

const fixture = appWithKeyringVault();

/** Reads an account's code from the screen and the window of unix times it could belong to. */
async function readCode(title) {
  const before = unixNow();
  const text = await (await fixture.app.find(`${rowSelector(title)} [data-testid=code]`)).text();
  const after = unixNow();
  // Codes are pushed just after they turn over, so what is shown may be up to a second old.
  return { code: text.replace(/\s/g, ""), times: [before - 1, before, after] };
}

async function assertCodeMatchesOathtool(account) {
  await fixture.app.waitFind(rowSelector(account.title));
  const { code, times } = await readCode(account.title);
  const expected = new Set(times.map((time) => oathtool(account.secret, time, account.options)));
  assert.ok(expected.has(code), `code on screen ${code} is not oathtool's ${[...expected].join(" or ")}`);
}

test("starts empty and offers the ways to add an account", async () => {
  const empty = await fixture.app.waitFind(".empty");
  assert.match(await empty.text(), /No accounts yet/);
  const focused = await fixture.app.execute("return document.activeElement?.getAttribute('aria-label')");
  assert.equal(focused, "Search accounts");
  const ways = [];
  for (const button of await fixture.app.findAll('.empty [role=group] button')) ways.push(await button.text());
  assert.deepEqual(ways, ["Paste otpauth:// link…", "Enter setup key…", "Open QR image…", "Scan screen", "Import from another app…"]);
  // The same ways as the Add menu, and they work from here.
  await clickButton(fixture.app, "Paste otpauth:// link…", ".empty");
  await fixture.app.waitFind("dialog[open] #add-uri");
  assert.equal(await fixture.app.execute("return document.activeElement?.id"), "add-uri");
  await clickButton(fixture.app, "Cancel", "dialog[open]");
});

test("an account added by URI shows oathtool's code, grouped", async () => {
  await addByUri(fixture.app, ACME.uri);
  await assertCodeMatchesOathtool(ACME);
  const shown = await (await fixture.app.find(`${rowSelector(ACME.title)} [data-testid=code]`)).text();
  assert.match(shown, /^\d{3} \d{3}$/);
});

test("SHA-256, 8-digit accounts match oathtool too", async () => {
  await addByUri(fixture.app, VAULTWARDEN.uri);
  await assertCodeMatchesOathtool(VAULTWARDEN);
  const shown = await (await fixture.app.find(`${rowSelector(VAULTWARDEN.title)} [data-testid=code]`)).text();
  assert.match(shown, /^\d{4} \d{4}$/);
});

test("clicking an account copies its code to the clipboard", async () => {
  await (await fixture.app.find(rowSelector(ACME.title))).click();
  await waitForToast(fixture.app, /Copied — clears in 30 s/);
  const clipboard = clipboardText().trim();
  const { times } = await readCode(ACME.title);
  const expected = new Set([times[0] - 1, ...times].map((time) => oathtool(ACME.secret, time)));
  assert.ok(expected.has(clipboard), `clipboard holds ${clipboard}, not a current code`);
});

async function lockAndUnlock(whileLocked) {
  await (await fixture.app.find(".foot button")).click();
  await fixture.app.waitFind("#unlock-title");
  await whileLocked();
  await (await fixture.app.find(".gate button")).click();
  await fixture.app.waitFind(rowSelector(ACME.title));
}

test("a copied code stays out of clipboard history and is cleared on lock, unless replaced", async () => {
  const targets = execFileSync("xclip", ["-o", "-selection", "clipboard", "-t", "TARGETS"], { encoding: "utf8" });
  assert.match(targets, /x-kde-passwordManagerHint/, "clipboard managers would record the code");
  await lockAndUnlock(() => waitFor("the clipboard to be cleared", () => clipboardText() === ""));

  await (await fixture.app.find(rowSelector(ACME.title))).click();
  await waitFor("the code on the clipboard", () => /^\d{6}$/.test(clipboardText()));
  // The user copies something of their own: locking must leave it.
  copyToClipboard("the user's own text");
  await lockAndUnlock(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(clipboardText(), "the user's own text");
  });
});

test("a copied code is cleared after the time Settings gives, if still there", async () => {
  await fixture.app.execute(
    "return window.__TAURI_INTERNALS__.invoke('save_settings', { settings: { appearance: 'system', clearClipboardAfterSeconds: 2 } })",
  );
  await (await fixture.app.find(rowSelector(ACME.title))).click();
  await waitForToast(fixture.app, /Copied — clears in 2 s/);
  await waitFor("the code on the clipboard", () => /^\d{6}$/.test(clipboardText()));
  await waitFor("the clipboard to be cleared", () => clipboardText() === "", 6_000);
});

test("a bad URI shows what is wrong under the field and keeps the text", async () => {
  await addByUri(fixture.app, "https://example.com/?secret=JBSWY3DPEHPK3PXP");
  const alert = await fixture.app.waitFind("#add-uri-error");
  assert.match(await alert.text(), /not an otpauth URI: scheme is 'https'/);
  assert.equal(await (await fixture.app.find("#add-uri")).property("value"), "https://example.com/?secret=JBSWY3DPEHPK3PXP");

  await addByUri(fixture.app, "otpauth://totp/Bad:secret?secret=JBSWY3DPEHPK3PX8");
  await waitFor("the base32 error", async () =>
    /secret: '8' at position 16 is not base32/.test(await (await fixture.app.find("#add-uri-error")).text()),
  );
  assert.equal((await fixture.app.findAll("li.account")).length, 2, "a failed add adds nothing");
  await clickButton(fixture.app, "Cancel", "dialog[open]");
});

test("a screenshot of the live codes is saved for the README", async () => {
  await addByUri(fixture.app, "otpauth://totp/GitHub:octocat?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=GitHub");
  await addByUri(fixture.app, "otpauth://totp/Fastmail:margaret@fastmail.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Fastmail");
  await fixture.app.waitFind(rowSelector("Fastmail (margaret@fastmail.com)"));
  await fixture.app.execute("document.activeElement?.blur()");
  // Let toasts fade and the web view paint the final frame before capturing it.
  await waitFor("the toasts to clear", async () => (await fixture.app.findAll("[role=status]")).length === 0);
  await new Promise((resolve) => setTimeout(resolve, 500));
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(join(screenshotDir, "authenticator.png"), await fixture.app.screenshot());
});

test("accounts survive a restart, unlocked by the keyring, in an encrypted file only the user can read", async () => {
  await fixture.restart();
  await assertCodeMatchesOathtool(ACME);
  await assertCodeMatchesOathtool(VAULTWARDEN);

  const dir = join(fixture.driver.dataHome, "twofold");
  const files = readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile());
  assert.ok(files.includes("vault.twofold"), `no vault in ${dir}: ${files.join(", ")}`);
  for (const name of files) {
    assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, `${name} is readable by others`);
    const content = readFileSync(join(dir, name));
    for (const secret of [ACME.secret, VAULTWARDEN.secret, "ada@example.com"]) {
      assert.ok(!content.includes(secret), `${name} holds ${secret} in the clear`);
    }
  }
});

test("the search field filters as you type and Esc clears it", async () => {
  const search = await fixture.app.find('input[aria-label="Search accounts"]');
  await search.type("vault");
  await waitFor("the list to narrow", async () => (await fixture.app.findAll("li.account")).length === 1);
  assert.equal((await fixture.app.findAll(rowSelector(VAULTWARDEN.title))).length, 1);
  await search.type(KEY.escape);
  await waitFor("the list to come back", async () => (await fixture.app.findAll("li.account")).length === 4);
});

test("lock now hides every code until the keyring unlocks the vault again", async () => {
  await (await fixture.app.find(".foot button")).click();
  await fixture.app.waitFind("#unlock-title");
  assert.equal((await fixture.app.findAll("[data-testid=code]")).length, 0);
  await (await fixture.app.find(".gate button")).click();
  await assertCodeMatchesOathtool(ACME);
});

test("a right click gets the web view's own menu only in a field or on selected text", async () => {
  // Whether the app kept WebKit's menu (Back, Reload…) away from a right click there.
  const kept = (selector) =>
    fixture.app.execute(
      `return !document.querySelector(arguments[0]).dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true }));`,
      [selector],
    );
  assert.equal(await kept("#authenticator-title"), true);
  assert.equal(await kept("input.search"), false, "a field keeps cut, copy and paste");
  await fixture.app.execute(`getSelection().selectAllChildren(document.querySelector("#authenticator-title"))`);
  assert.equal(await kept("#authenticator-title"), false, "selected text keeps copy");
  await fixture.app.execute("getSelection().removeAllRanges()");
});

test("removing asks first, then the account is gone for good", async () => {
  await accountAction(fixture.app, VAULTWARDEN.title, "Remove…");
  const dialog = await fixture.app.waitFind("dialog[open]");
  assert.match(await dialog.text(), /Remove Vaultwarden\?/);
  await (await dialog.find("button.danger")).click();
  await waitFor("the account to disappear", async () => (await fixture.app.findAll(rowSelector(VAULTWARDEN.title))).length === 0);

  await fixture.restart();
  await fixture.app.waitFind(rowSelector(ACME.title));
  assert.equal((await fixture.app.findAll(rowSelector(VAULTWARDEN.title))).length, 0);
});
