// Settings → Vault: what unlocks the vault, changed in the app as
// `twofold-cli vault passwd` changes it, and what each change means at the
// next start.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appWithKeyringVault, clickButton, openSettings } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const fixture = appWithKeyringVault();
const FIRST = "first passphrase words";
const SECOND = "second passphrase words";

const openVaultSettings = () => openSettings(fixture.app, "vault-title");

const unlocksWith = async () => (await fixture.app.waitFind("[data-testid=vault-unlocks]")).text();

async function typePassphrase(passphrase) {
  for (const id of ["#vault-new-passphrase", "#vault-confirm-passphrase"]) {
    const field = await fixture.app.find(id);
    await field.clear();
    await field.type(passphrase);
  }
}

async function waitForDone(pattern) {
  await waitFor(`"${pattern}"`, async () => {
    const said = await fixture.app.findAll("#vault-title ~ [role=status]");
    return said.length > 0 && pattern.test(await said[0].text());
  }, 30_000);
}

async function unlockWithPassphrase(passphrase) {
  const field = await fixture.app.waitFind("#unlock-passphrase", 30_000);
  await field.clear();
  await field.type(passphrase);
  await clickButton(fixture.app, "Unlock");
}

test("Settings shows where the vault lives and that the keyring unlocks it", async () => {
  await openVaultSettings();
  assert.match(await (await fixture.app.find("[data-testid=vault-path]")).text(), /twofold\/vault\.twofold$/);
  assert.equal(await unlocksWith(), "the system keyring");
});

test("a passphrase added, then the keyring removed: the next start asks for the passphrase", async () => {
  await typePassphrase(FIRST);
  await clickButton(fixture.app, "Add passphrase");
  await waitForDone(/Passphrase added/);
  assert.equal(await unlocksWith(), "the system keyring or its passphrase");

  await clickButton(fixture.app, "Stop unlocking with the system keyring");
  await waitForDone(/no longer unlocks/);
  assert.equal(await unlocksWith(), "its passphrase");

  await fixture.restart();
  await unlockWithPassphrase(FIRST);
  await fixture.app.waitFind("#authenticator-title", 30_000);
});

test("a changed passphrase: the old one is refused, the new one unlocks", async () => {
  await openVaultSettings();
  await typePassphrase(SECOND);
  await clickButton(fixture.app, "Change passphrase");
  await waitForDone(/Passphrase changed/);

  await fixture.restart();
  await unlockWithPassphrase(FIRST);
  assert.match(await (await fixture.app.waitFind(".gate [role=alert]", 30_000)).text(), /wrong passphrase/);
  await unlockWithPassphrase(SECOND);
  await fixture.app.waitFind("#authenticator-title", 30_000);
});

test("the keyring added back unlocks the next start by itself", async () => {
  await openVaultSettings();
  await clickButton(fixture.app, "Unlock with the system keyring");
  await waitForDone(/now unlocks/);
  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title", 30_000);
  assert.equal((await fixture.app.findAll("#unlock-passphrase")).length, 0);
});

test("with the passphrase required at start, the keyring does not unlock by itself", async () => {
  await openVaultSettings();
  await (await fixture.app.find("#require-passphrase")).click();
  await fixture.restart();
  await unlockWithPassphrase(SECOND);
  await fixture.app.waitFind("#authenticator-title", 30_000);
  // Back as it was, for the tests after this one.
  await openVaultSettings();
  await (await fixture.app.find("#require-passphrase")).click();
  await waitFor("the setting to be off", async () => (await fixture.app.find("#require-passphrase")).property("checked").then((on) => !on));
});

const theme = () =>
  fixture.app.execute(
    "return [document.documentElement.dataset.theme, getComputedStyle(document.body.parentElement).backgroundColor]",
  );

test("a dark appearance applies at once and after a restart", async () => {
  await openVaultSettings();
  await (await fixture.app.find('input[name=appearance][value="dark"]')).click();
  await waitFor("the dark theme", async () => (await theme())[0] === "dark");
  assert.equal((await theme())[1], "rgb(21, 22, 27)");
  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title", 30_000);
  await waitFor("the dark theme after a restart", async () => (await theme())[0] === "dark");
  assert.equal((await theme())[1], "rgb(21, 22, 27)");
});

test("the vault locks itself after the idle time set", async () => {
  // Seconds rather than the minutes Settings offers, to keep the test short.
  await fixture.app.execute(
    "return window.__TAURI_INTERNALS__.invoke('save_settings', { settings: { appearance: 'system', lockAfterIdleSeconds: 2 } })",
  );
  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title", 30_000);
  await fixture.app.waitFind("#unlock-title", 10_000);
  assert.equal((await fixture.app.findAll("[data-testid=code]")).length, 0);
});

/** What a desktop's screen saver broadcasts when it starts or stops. */
const screenSaverActive = (active) =>
  execFileSync("gdbus", [
    "emit", "--session", "--object-path", "/org/freedesktop/ScreenSaver",
    "--signal", "org.freedesktop.ScreenSaver.ActiveChanged", String(active),
  ]);

test("the vault locks when the screen locks, and stays open when Settings says not to", async () => {
  await fixture.app.execute(
    "return window.__TAURI_INTERNALS__.invoke('save_settings', { settings: { appearance: 'system', lockAfterIdleSeconds: null } })",
  );
  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title", 30_000);
  screenSaverActive(false);
  screenSaverActive(true);
  await fixture.app.waitFind("#unlock-title", 10_000);
  assert.match(await (await fixture.app.find(".lock-notice")).text(), /screen was locked/);
  assert.equal((await fixture.app.findAll("#authenticator-title")).length, 0);

  await fixture.restart();
  await openVaultSettings();
  const setting = await fixture.app.find("#lock-on-screen-lock");
  assert.equal(await setting.property("checked"), true, "on by default");
  await setting.click();
  await fixture.restart();
  await openVaultSettings();
  assert.equal(await (await fixture.app.find("#lock-on-screen-lock")).property("checked"), false, "kept across a restart");
  screenSaverActive(true);
  // The signal is handled within milliseconds when it locks (above); give it ample time.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal((await fixture.app.findAll("#unlock-title")).length, 0);
  await fixture.app.find("#vault-title");
});
