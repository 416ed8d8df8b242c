// Settings → Profiles: the Sandbox is there and connects; a profile added
// with a wrong token says Twilio's 20003, its code and the fix on "Test
// connection"; its token stays in the keyring, out of files and the window.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appWithKeyringVault, clickButton, openSettings } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const fixture = appWithKeyringVault();
const WRONG_TOKEN = "not-the-sandbox-token-9c1e";

async function profileRow(name) {
  return fixture.app.waitFind(`li[data-profile="${name}"]`);
}

test("the built-in Sandbox profile is in use and connects", async () => {
  await openSettings(fixture.app, "profiles-title");
  const row = await profileRow("Sandbox");
  assert.match(await row.text(), /in use/);
  await (await fixture.app.find('button[aria-label="Test connection of Sandbox"]')).click();
  await waitFor("the connection to be confirmed", async () =>
    /Connected: 0 Verify Services/.test(await (await profileRow("Sandbox")).text()),
  );
});

test("a profile with a wrong token shows 20003 and what to do", async () => {
  const base = await (await fixture.app.waitFind("[data-testid=sandbox-url]")).text();
  const account = await (await fixture.app.find("[data-testid=sandbox-account]")).text();
  await clickButton(fixture.app, "Add profile…");
  await (await fixture.app.waitFind("#profile-name")).type("Wrong token");
  await (await fixture.app.find("#profile-account")).type(account);
  await (await fixture.app.find("#profile-secret")).type(WRONG_TOKEN);
  await (await fixture.app.find('input[name=target][value="baseUrl"]')).click();
  await (await fixture.app.waitFind("#profile-url")).type(base);
  await clickButton(fixture.app, "Save profile");
  await profileRow("Wrong token");

  await (await fixture.app.find('button[aria-label="Test connection of Wrong token"]')).click();
  const error = await fixture.app.waitFind('li[data-profile="Wrong token"] [data-testid=error]');
  const text = await error.text();
  assert.match(text, /Authenticate/);
  assert.match(text, /Twilio error 20003 \(HTTP 401\)/);
  assert.match(await (await error.find("[data-testid=fix]")).text(), /Account SID and Auth Token .* do not match/);

  const page = await fixture.app.execute("return document.documentElement.outerHTML");
  assert.ok(!page.includes(WRONG_TOKEN), "the token reached the web view");
  const file = readFileSync(join(fixture.driver.dataHome, "config", "twofold", "profiles.json"), "utf8");
  assert.ok(file.includes("Wrong token") && !file.includes(WRONG_TOKEN), file);
});

test("removing a profile asks first, naming it", async () => {
  await (await fixture.app.find('button[aria-label="Remove Wrong token"]')).click();
  const dialog = await fixture.app.waitFind("dialog[open]");
  assert.match(await dialog.text(), /Remove Wrong token\?/);
  await (await dialog.find("button.danger")).click();
  await waitFor("the profile to go", async () => (await fixture.app.findAll('li[data-profile="Wrong token"]')).length === 0);
});
