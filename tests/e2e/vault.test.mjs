// The vault without a keyring: first run explains and offers a passphrase,
// the passphrase unlocks, a wrong one is refused and loses nothing.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { addByUri, clickButton, rowSelector, startDriver } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const PASSPHRASE = "correct horse battery staple";
let driver;
let app;

before(async () => {
  // No session bus: no Secret Service can answer.
  driver = await startDriver({ env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/twofold-test-bus" } });
  app = await driver.launch();
});

after(async () => {
  await app?.end().catch(() => {});
  driver?.stop();
});

test("without a keyring, first run says so and offers a passphrase", async () => {
  await app.waitFind("#first-run-title");
  await clickButton(app, "Create vault");
  const alert = await app.waitFind(".gate [role=alert]");
  assert.match(await alert.text(), /keyring is not available.*passphrase/s);
  assert.equal(await (await app.find('input[value="passphrase"]')).property("checked"), true);
  assert.equal(await (await app.find('input[value="keyring"]')).property("disabled"), true);
});

test("a passphrase vault is created once both entries match", async () => {
  await (await app.find("#new-passphrase")).type(PASSPHRASE);
  await (await app.find("#confirm-passphrase")).type("correct horse battery stapler");
  assert.match(await (await app.waitFind("#passphrase-hint")).text(), /differ/);
  assert.equal(await (await app.find(".gate button.primary")).property("disabled"), true);
  await (await app.find("#confirm-passphrase")).clear();
  await (await app.find("#confirm-passphrase")).type(PASSPHRASE);
  await clickButton(app, "Create vault");
  await app.waitFind("#authenticator-title", 30_000);
  await addByUri(app, "otpauth://totp/Mastodon:@ada@example.social?secret=NBSWY3DPO5XXE3DE&issuer=Mastodon");
  await app.waitFind(rowSelector("Mastodon (@ada@example.social)"));
});

test("after a restart, a wrong passphrase is refused and the right one unlocks", async () => {
  await app.end();
  app = await driver.launch();
  const field = await app.waitFind("#unlock-passphrase");
  await field.type("correct horse battery stapler");
  await clickButton(app, "Unlock");
  const alert = await app.waitFind(".gate [role=alert]", 30_000);
  assert.match(await alert.text(), /wrong passphrase/);
  await field.clear();
  await field.type(PASSPHRASE);
  await clickButton(app, "Unlock");
  await app.waitFind(rowSelector("Mastodon (@ada@example.social)"), 30_000);
  await waitFor("one account", async () => (await app.findAll("li.account")).length === 1);
});

test("a vault the keyring could unlock, with the keyring gone at start: the lock screen says why, the passphrase unlocks", async () => {
  // The vault is made by twofold-cli on the session bus the tests' keyring
  // answers; the app below starts where that keyring cannot be reached.
  const keyless = await startDriver({ env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/twofold-test-bus" } });
  const cli = join(dirname(process.env.TWOFOLD_APP), "twofold-cli");
  execFileSync(cli, ["vault", "init", "--keyring"], {
    env: { ...process.env, XDG_DATA_HOME: keyless.dataHome, TWOFOLD_PASSPHRASE: PASSPHRASE },
    stdio: "ignore",
  });
  const locked = await keyless.launch();
  try {
    const alert = await locked.waitFind(".gate [role=alert]", 30_000);
    assert.match(await alert.text(), /keyring/i);
    await (await locked.find("#unlock-passphrase")).type(PASSPHRASE);
    await clickButton(locked, "Unlock");
    await locked.waitFind("#authenticator-title", 30_000);
  } finally {
    await locked.end().catch(() => {});
    keyless.stop();
  }
});
