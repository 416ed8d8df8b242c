// Settings → Backups: a folder chosen, every change backed up (the newest N
// kept), and a restore that previews what it adds back and removes nothing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { accountAction, addByUri, appWithKeyringVault, clickButton, openSettings, rowSelector } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const fixture = appWithKeyringVault();
const ACCOUNTS = [
  ["GitHub", "alice", "JBSWY3DPEHPK3PXP"],
  ["GitLab", "bob", "GEZDGNBVGY3TQOJQ"],
  ["Mastodon", "carol", "MFRGGZDFMZTWQ2LK"],
];
const title = ([issuer, name]) => `${issuer} (${name})`;
const backupFolder = () => join(fixture.driver.dataHome, "backups");
const backupFiles = () => readdirSync(backupFolder()).filter((name) => name.startsWith("twofold-backup-"));

const openBackups = () => openSettings(fixture.app, "backups-title");

test("a backup folder chosen: every change is backed up, and only the newest are kept", async () => {
  await openBackups();
  const keep = await fixture.app.find("#backups-to-keep");
  await keep.click();
  await (await fixture.app.find('#backups-to-keep option[value="3"]')).click();
  const folder = await fixture.app.find("#backup-folder");
  await folder.type(backupFolder());
  await (await fixture.app.find("#backups-title")).click(); // leaving the field saves it
  await fixture.app.waitFind("[data-testid=backups] tbody tr");
  assert.equal(backupFiles().length, 1, "choosing the folder backs up at once");

  await (await fixture.app.find('a[href="#authenticator"]')).click();
  for (const [issuer, name, secret] of ACCOUNTS) {
    await addByUri(fixture.app, `otpauth://totp/${issuer}:${name}?secret=${secret}&issuer=${issuer}`);
    await fixture.app.waitFind(rowSelector(title([issuer, name])));
  }
  assert.equal(backupFiles().length, 3, "three kept of four");

  await openBackups();
  const rows = await fixture.app.findAll("[data-testid=backups] tbody tr");
  assert.equal(rows.length, 3);
  assert.equal(await (await rows[0].find("td:nth-child(2)")).text(), "3", "the newest holds the three accounts");
});

test("restoring puts back a removed account after a preview, and keeps the ones added since", async () => {
  await (await fixture.app.find('a[href="#authenticator"]')).click();
  const github = title(ACCOUNTS[0]);
  await accountAction(fixture.app, github, "Remove…");
  await (await (await fixture.app.waitFind("dialog[open]")).find("button.danger")).click();
  await waitFor("GitHub to be gone", async () => (await fixture.app.findAll(rowSelector(github))).length === 0);
  await addByUri(fixture.app, "otpauth://totp/Codeberg:dave?secret=ONSWG4TFOQYTEMZU&issuer=Codeberg");
  await fixture.app.waitFind(rowSelector("Codeberg (dave)"));

  await openBackups();
  // The oldest backup kept still holds GitHub (the newest two were made after it went).
  await waitFor("the backups listed", async () => (await fixture.app.findAll("[data-testid=backups] tbody tr")).length === 3);
  const rows = await fixture.app.findAll("[data-testid=backups] tbody tr");
  await (await rows[rows.length - 1].find("button")).click();
  const preview = await fixture.app.waitFind("[data-testid=to-restore]", 15_000);
  assert.equal(await preview.text(), github);
  await clickButton(fixture.app, "Add 1 back", "dialog[open]");
  await fixture.app.waitFind("#backups-title ~ [role=status]");

  await (await fixture.app.find('a[href="#authenticator"]')).click();
  for (const kept of [...ACCOUNTS.map(title), "Codeberg (dave)"]) await fixture.app.waitFind(rowSelector(kept));
});

test("the backup settings survive a restart", async () => {
  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title", 30_000);
  await openBackups();
  assert.equal(await (await fixture.app.find("#backup-folder")).property("value"), backupFolder());
  assert.equal(await (await fixture.app.find("#backups-to-keep")).property("value"), "3");
});
