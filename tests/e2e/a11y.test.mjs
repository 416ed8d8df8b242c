// Every room checked by axe-core (WCAG 2.2 A and AA rules) in the real
// window: no serious or critical finding.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { addByUri, appWithKeyringVault, clickButton, openAccountMenu, rowSelector } from "./harness.mjs";

const fixture = appWithKeyringVault();
const AXE = readFileSync(new URL("../../ui/node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

async function seriousFindings() {
  const findings = await fixture.app.execute(
    `${AXE};
    return axe
      .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } })
      .then((result) => result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => v.id + ": " + v.help + " — " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")));`,
  );
  return findings;
}

async function room(hash, title) {
  await (await fixture.app.waitFind(`a[href="#${hash}"]`)).click();
  await fixture.app.waitFind(title, 15_000);
  // Let the room load what it shows (lists, profiles) before judging it.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}

test("the Authenticator room, empty, with its ways to add", async () => {
  await fixture.app.waitFind('.empty [role="group"]');
  assert.deepEqual(await seriousFindings(), []);
});

test("the link dialog, showing an error", async () => {
  await addByUri(fixture.app, "otpauth://totp/Bad?secret=not-base32");
  await fixture.app.waitFind("#add-uri-error");
  assert.deepEqual(await seriousFindings(), []);
  await clickButton(fixture.app, "Cancel", "dialog[open]");
});

test("the Authenticator room, with an account", async () => {
  await addByUri(fixture.app, "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub");
  await fixture.app.waitFind(rowSelector("GitHub (octocat)"));
  assert.deepEqual(await seriousFindings(), []);
});

test("the Authenticator room with an account's menu open", async () => {
  await openAccountMenu(fixture.app, "GitHub (octocat)");
  assert.deepEqual(await seriousFindings(), []);
  await (await fixture.app.find("#authenticator-title")).click();
});

test("the Authenticator room with the Add menu open", async () => {
  await (await fixture.app.find('header button[aria-haspopup="menu"]')).click();
  await fixture.app.waitFind("#add-menu");
  assert.deepEqual(await seriousFindings(), []);
  await (await fixture.app.find("#authenticator-title")).click();
});

for (const [hash, title] of [
  ["factors", "#factors-title"],
  ["admin", "#admin-title"],
  ["settings", "#settings-title"],
]) {
  test(`the ${hash} room`, async () => {
    await room(hash, title);
    assert.deepEqual(await seriousFindings(), []);
  });
}

test("the unlock screen", async () => {
  await (await fixture.app.find(".foot button")).click();
  await fixture.app.waitFind("#unlock-title");
  assert.deepEqual(await seriousFindings(), []);
});
