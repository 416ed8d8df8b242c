// Accounts in and out of the app: import files with a preview, broken files
// that add nothing, encrypted and QR exports, an account's QR code, and
// QR codes read from a picture and from the screen.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  accountAction,
  addByUri,
  addWay,
  clickButton,
  createKeyringVault,
  oathtool,
  rowSelector,
  startDriver,
  unixNow,
  waitForToast,
} from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const ACME = "otpauth://totp/ACME%20Co:ada@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co";
const LIST = [
  ACME,
  "otpauth://totp/GitLab:grace?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab",
  "otpauth://totp/Proton:linus@proton.me?secret=MZXW6YTBOI======&issuer=Proton",
].join("\n");

let driver;
let app;
let files;

before(async () => {
  driver = await startDriver();
  files = driver.dataHome;
  app = await driver.launch();
  await createKeyringVault(app);
  await addByUri(app, ACME);
  await app.waitFind(rowSelector("ACME Co (ada@example.com)"));
});

after(async () => {
  await app?.end().catch(() => {});
  driver?.stop();
});

async function previewImport(path, password = "") {
  await addWay(app, "Import from another app…");
  const field = await app.waitFind("#import-path");
  await field.clear();
  await field.type(path);
  if (password) await (await app.find("#import-password")).type(password);
  await clickButton(app, "Preview", "dialog[open]");
}

/** Picks an option of a <select> the way a user's choice arrives: value set, change fired. */
async function selectOption(select, value) {
  await app.execute("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", [
    { "element-6066-11e4-a52e-4f735466cecf": select.id },
    value,
  ]);
}

const texts = async (selector) => Promise.all((await app.findAll(selector)).map((element) => element.text()));

test("an import shows what it will add and skip, then adds it", async () => {
  const path = join(files, "accounts.txt");
  writeFileSync(path, LIST);
  await previewImport(path);
  await app.waitFind("[data-testid=to-add]");
  assert.deepEqual(await texts("[data-testid=to-add] li"), ["GitLab (grace)", "Proton (linus@proton.me)"]);
  assert.deepEqual(await texts("[data-testid=duplicates] li"), ["ACME Co (ada@example.com)"]);
  await clickButton(app, "Import 2 accounts", "dialog[open]");
  await waitForToast(app, /Imported 2 accounts/);
  await waitFor("three accounts", async () => (await app.findAll("li.account")).length === 3);
  const now = unixNow();
  const shown = (await (await app.find(`${rowSelector("GitLab (grace)")} [data-testid=code]`)).text()).replace(/\s/g, "");
  const expected = [now - 1, now, now + 1].map((time) => oathtool("GEZDGNBVGY3TQOJQ", time));
  assert.ok(expected.includes(shown), `GitLab shows ${shown}, oathtool says ${expected.join(" or ")}`);
});

test("a file with a broken entry names it and imports nothing", async () => {
  const path = join(files, "broken.txt");
  writeFileSync(path, "otpauth://totp/Okta:new@example.com?secret=ORSXG5A\notpauth://totp/Bad:one?secret=JBSW1\n");
  await previewImport(path);
  const unreadable = await app.waitFind("[data-testid=unreadable]");
  assert.match(await unreadable.text(), /'1' at position 5 is not base32/);
  const importButton = (await app.findAll("dialog[open] button.primary"))[0];
  assert.equal(await importButton.property("disabled"), true);
  await clickButton(app, "Cancel", "dialog[open]");
  assert.equal((await app.findAll("li.account")).length, 3);
});

const SAMPLES = join(process.cwd(), "crates/authenticator/tests/samples");

test("another app's encrypted export (Proton Authenticator) is recognised and read with its password", async () => {
  await previewImport(join(SAMPLES, "proton-encrypted.json"), "correct horse battery staple");
  await app.waitFind("[data-testid=to-add]");
  assert.match(await (await app.find("dialog[open] .preview")).text(), /Read as Proton Authenticator/);
  assert.deepEqual(await texts("[data-testid=to-add] li"), ["Acme Corp (bob)", "Steam (dave)", "Ünicode Café (eve)"]);
  // Its GitHub account has the key of the ACME account already here.
  assert.deepEqual(await texts("[data-testid=duplicates] li"), ["GitHub (alice@example.com)"]);
  await clickButton(app, "Cancel", "dialog[open]");
});

test("picking an app that cannot export says what to do instead of asking for a file", async () => {
  await addWay(app, "Import from another app…");
  await selectOption(await app.waitFind("#import-format"), "authy");
  assert.match(await (await app.waitFind("[data-testid=import-advice]")).text(), /Authy cannot export.*scan the new QR code with Twofold/);
  assert.equal((await app.findAll("#import-path")).length, 0);
  await clickButton(app, "Close", "dialog[open]");
});

test("a wrong password for an encrypted export is refused, the right one reads it back", async () => {
  const path = join(files, "backup.json");
  await clickButton(app, "Export…");
  await (await app.waitFind("#export-path")).type(path);
  await (await app.find("#export-password")).type("export password");
  await clickButton(app, "Export", "dialog[open]");
  await app.waitFind("[data-testid=exported]");
  await clickButton(app, "Done");
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const exported = readFileSync(path, "utf8");
  assert.ok(JSON.parse(exported).header.slots.length > 0, "the Aegis export is encrypted");
  assert.ok(!exported.includes("JBSWY3DPEHPK3PXP"), "the export holds a secret in the clear");

  await previewImport(path, "wrong password");
  assert.match(await (await app.waitFind("dialog[open] [role=alert]")).text(), /password/i);
  await clickButton(app, "Cancel", "dialog[open]");
  await previewImport(path, "export password");
  await app.waitFind("[data-testid=duplicates]");
  assert.equal((await texts("[data-testid=duplicates] li")).length, 3, "all three come back, as duplicates");
  await clickButton(app, "Cancel", "dialog[open]");
});

test("a vault backup opens with its passphrase in twofold-cli", async () => {
  const path = join(files, "backup.twofold");
  await clickButton(app, "Export…");
  await selectOption(await app.waitFind("#export-format"), "vault");
  await (await app.find("#export-path")).type(path);
  assert.equal(await (await app.find("dialog[open] button[type=submit]")).property("disabled"), true);
  await (await app.find("#export-password")).type("backup passphrase");
  await clickButton(app, "Export", "dialog[open]");
  await app.waitFind("[data-testid=exported]");
  await clickButton(app, "Done");
  assert.equal(statSync(path).mode & 0o777, 0o600);

  const cli = join(dirname(process.env.TWOFOLD_APP), "twofold-cli");
  const listed = JSON.parse(
    execFileSync(cli, ["--vault", path, "--json", "list"], {
      encoding: "utf8",
      env: { ...process.env, TWOFOLD_PASSPHRASE: "backup passphrase" },
    }),
  );
  const names = JSON.stringify(listed);
  for (const name of ["ada@example.com", "grace", "linus@proton.me"]) assert.ok(names.includes(name), `${name} is not in the backup`);
});

test("an account's QR code is shown, its secret only when revealed", async () => {
  await accountAction(app, "ACME Co (ada@example.com)", "Show QR code…");
  await app.waitFind("dialog[open] img.qr");
  assert.equal((await app.findAll("[data-testid=secret]")).length, 0, "the secret shows before Reveal");
  await clickButton(app, "Reveal", "dialog[open]");
  assert.equal(await (await app.waitFind("[data-testid=secret]")).text(), "JBSW Y3DP EHPK 3PXP");
  await clickButton(app, "Close", "dialog[open]");
});

let qrPicture;

test("Google Authenticator QR export is readable by zbarimg", async () => {
  const path = join(files, "phone.png");
  await clickButton(app, "Export…");
  await selectOption(await app.waitFind("#export-format"), "google-qr");
  await (await app.find("#export-path")).type(path);
  // Unencrypted: Export waits until the user says they understand.
  const exportButton = await app.find("dialog[open] button[type=submit]");
  assert.equal(await exportButton.property("disabled"), true);
  await (await app.find("#export-plain-ok")).click();
  await clickButton(app, "Export", "dialog[open]");
  await app.waitFind("[data-testid=exported]");
  const exported = await texts("[data-testid=exported] li");
  await clickButton(app, "Done");
  assert.equal(exported.length, 1);
  qrPicture = exported[0];
  const decoded = execFileSync("zbarimg", ["--quiet", "--raw", qrPicture], { encoding: "utf8" }).trim();
  assert.match(decoded, /^otpauth-migration:\/\/offline\?data=/);
});

test("QR codes come in from a picture file and from the screen", async () => {
  await app.end();
  driver.stop();
  driver = await startDriver();
  app = await driver.launch();
  await createKeyringVault(app);

  await previewImport(qrPicture);
  await app.waitFind("[data-testid=to-add]");
  assert.equal((await texts("[data-testid=to-add] li")).length, 3);
  await clickButton(app, "Cancel", "dialog[open]");

  const viewer = spawn("/usr/bin/display", ["-geometry", "+0+0", "-resize", "300x300", qrPicture], { stdio: "ignore" });
  try {
    await waitFor(
      "the QR code on screen to be found",
      async () => {
        if ((await app.findAll("dialog[open] [data-testid=to-add]")).length > 0) return true;
        // Until the viewer's window is mapped the scan finds nothing: scan again.
        await addWay(app, "Scan screen");
        return false;
      },
      20_000,
    );
  } finally {
    viewer.kill();
  }
  assert.deepEqual(await texts("[data-testid=to-add] li"), [
    "ACME Co (ada@example.com)",
    "GitLab (grace)",
    "Proton (linus@proton.me)",
  ]);
  await clickButton(app, "Import 3 accounts", "dialog[open]");
  await waitFor("three accounts", async () => (await app.findAll("li.account")).length === 3);
});
