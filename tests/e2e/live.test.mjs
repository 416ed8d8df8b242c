// What reaches the open window without a reload: codes turning over, and
// accounts changed by twofold-cli on the same vault; the same account added
// twice is refused; a message stays until it is read.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { addByUri, addWay, appWithKeyringVault, clickButton, oathtool, openAccountMenu, rowSelector, unixNow } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const fixture = appWithKeyringVault();
const cli = join(dirname(process.env.TWOFOLD_APP), "twofold-cli");

const FAST = {
  secret: "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF",
  uri: "otpauth://totp/Fast:turnover@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&period=5&issuer=Fast",
  title: "Fast (turnover@example.com)",
};
const ACME = "otpauth://totp/ACME%20Co:ada@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co";
const FROM_CLI = [
  ["GitLab", "grace", "GEZDGNBVGY3TQOJQ"],
  ["Proton", "linus@proton.me", "MZXW6YTBOI======"],
  ["Codeberg", "ken", "MFRGGZDFMZTWQ2LK"],
];
const titles = (rows) => rows.map(([issuer, name]) => `${issuer} (${name})`);

/** twofold-cli on the app's own vault (same data dir, same keyring). */
function runCli(...args) {
  return execFileSync(cli, args, {
    encoding: "utf8",
    env: { ...process.env, XDG_DATA_HOME: fixture.driver.dataHome },
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The accounts' titles, in the order the window lists them. */
async function accountTitles() {
  return fixture.app.execute(
    "return [...document.querySelectorAll('li.account button.copy')].map((row) => row.dataset.title)",
  );
}

test("a code turns over on screen when its period ends, with nothing clicked", async () => {
  await addByUri(fixture.app, FAST.uri);
  await fixture.app.waitFind(rowSelector(FAST.title));
  // Past the next turnover, well inside the period after it.
  const turnover = Math.ceil((Date.now() + 1) / 5000) * 5;
  await sleep(turnover * 1000 + 1500 - Date.now());
  const before = unixNow();
  const shown = (await (await fixture.app.find(`${rowSelector(FAST.title)} [data-testid=code]`)).text()).replace(/\s/g, "");
  assert.ok(unixNow() - before < 2, "reading the screen took too long to tell");
  assert.equal(shown, oathtool(FAST.secret, turnover + 1, { period: 5 }));
});

test("accounts imported by twofold-cli appear in the open app, and an add in the app keeps them", async () => {
  const list = join(fixture.driver.dataHome, "from-cli.txt");
  writeFileSync(
    list,
    FROM_CLI.map(([issuer, name, secret]) => `otpauth://totp/${issuer}:${name}?secret=${secret}&issuer=${issuer}`).join("\n"),
  );
  runCli("import", list);
  // The window watches the vault: no restart, no relock.
  await waitFor("the imported accounts to show", async () => (await accountTitles()).length === 4, 5_000);
  assert.deepEqual((await accountTitles()).slice(1), titles(FROM_CLI));

  await addByUri(fixture.app, ACME);
  await fixture.app.waitFind(rowSelector("ACME Co (ada@example.com)"));
  const inVault = JSON.parse(runCli("--json", "list")).map((account) => `${account.issuer} (${account.name})`);
  assert.deepEqual(inVault.sort(), [FAST.title, "ACME Co (ada@example.com)", ...titles(FROM_CLI)].sort());

  await fixture.restart();
  await fixture.app.waitFind(rowSelector("ACME Co (ada@example.com)"));
  assert.deepEqual((await accountTitles()).sort(), inVault.sort());
});

test("the same account added twice is refused, naming the one that is there", async () => {
  await addByUri(fixture.app, ACME);
  const alert = await fixture.app.waitFind("#add-uri-error");
  assert.match(await alert.text(), /“ACME Co: ada@example.com” is already in the vault/);
  assert.equal((await fixture.app.findAll(rowSelector("ACME Co (ada@example.com)"))).length, 1);
  assert.equal(JSON.parse(runCli("--json", "list")).length, 5, "nothing was added to the vault");
  await clickButton(fixture.app, "Cancel", "dialog[open]");
});

test("an error stays on screen until dismissed, through code turnovers", async () => {
  // Nothing on this screen is a QR code.
  await addWay(fixture.app, "Scan screen");
  const alert = await fixture.app.waitFind(".notice[role=alert]");
  assert.match(await alert.text(), /No QR code was found on the screen/);
  // The 5-second account turns over at least once meanwhile.
  await sleep(6_000);
  assert.match(await (await fixture.app.find(".notice[role=alert]")).text(), /No QR code was found on the screen/);
  await clickButton(fixture.app, "Dismiss");
  await waitFor("the message to go", async () => (await fixture.app.findAll(".notice")).length === 0);
});

test("a countdown scrolled out of view is right again when it comes back", async () => {
  // Rows out of view stop ticking (idle CPU); one coming back must catch up.
  const list = join(fixture.driver.dataHome, "many.txt");
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const uris = [...Array(30).keys()].map((i) => `otpauth://totp/Row${i}:r${i}?secret=GEZDGNBV${letters[i]}Y3TQOJQ&issuer=Row${i}`);
  writeFileSync(list, uris.join("\n"));
  runCli("import", list);
  await fixture.app.waitFind(rowSelector("Row29 (r29)"));
  /** Runs `script` on the row titled `title` (its copy button is `row`). */
  const onRow = (title, script) =>
    fixture.app.execute(`const row = document.querySelector(arguments[0]); ${script}`, [rowSelector(title)]);
  const top = "Row0 (r0)";
  await onRow("Row29 (r29)", "row.scrollIntoView({ block: 'center' })");
  const box = await onRow(top, "const box = row.getBoundingClientRect(); return [box.top, box.bottom, innerHeight]");
  assert.ok(box[1] < 0 || box[0] > box[2], `the test needs the first row out of view: ${box}`);
  await sleep(3_500);
  await onRow(top, "row.scrollIntoView({ block: 'center' })");
  const clock = () => 30 - (unixNow() % 30);
  await waitFor(
    "the row's countdown to be the clock's",
    async () => {
      const apart = Math.abs(Number(await onRow(top, "return parseInt(row.closest('li').querySelector('[role=img][aria-label$=\"seconds left\"]').getAttribute('aria-label'))")) - clock());
      return apart <= 1 || apart === 29;
    },
    3_000,
  );
});

test("an account removed by twofold-cli takes its open menu with it", async () => {
  await openAccountMenu(fixture.app, "Codeberg (ken)");
  runCli("remove", "Codeberg");
  await waitFor("the row to go", async () => !(await accountTitles()).includes("Codeberg (ken)"), 5_000);
  assert.equal((await fixture.app.findAll("[role=menu]")).length, 0, "the menu of a removed account is still open");
});
