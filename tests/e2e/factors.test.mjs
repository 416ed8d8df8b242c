// The Factors room against the built-in Sandbox: a service, an entity and a
// TOTP factor whose binding is shown once; "Add to Twofold" makes an account
// whose codes are oathtool's; the factor is verified and challenged with the
// linked account's code; five wrong codes lock a factor out (60310); a
// challenge left pending expires when the Sandbox's clock moves on.

import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appWithKeyringVault, clickButton, oathtool, rowSelector, unixNow } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const SERVICE = "Twofold Factors E2E";
const PHONE = "Ada phone";
const BACKUP = "Ada backup";
// The second factor's own settings, to see them reach Twilio and the binding.
const BACKUP_SETTINGS = { algorithm: "sha256", digits: 8, period: 60 };
const screenshotDir = new URL("../../target/e2e/", import.meta.url).pathname;
const readmeImage = new URL("../../docs/images/factors.png", import.meta.url).pathname;

const fixture = appWithKeyringVault();
/** What the tests learn on the way: the identity, the factors' SIDs and secrets. */
const found = {};

async function setField(css, text) {
  const field = await fixture.app.waitFind(css);
  await field.clear();
  await field.type(text);
}

const textOf = async (css) => (await (await fixture.app.find(css)).text()).trim();
// innerText, not WebDriver's text: its visible-text rule counts a box that may end in an ellipsis as hidden.
const innerTextOf = (css) => fixture.app.execute("return document.querySelector(arguments[0])?.innerText.trim()", [css]);
const factorItem = (sid) => `li.factor[data-factor-sid="${sid}"]`;

async function openFactorsRoom() {
  await (await fixture.app.waitFind('a[href="#factors"]')).click();
  await fixture.app.waitFind("#factors-title");
}

/** Creates a factor and returns the SID of its binding, the one shown that is not in `known`. */
async function createFactor(name, known = []) {
  await setField("#factor-name", name);
  await clickButton(fixture.app, "Create factor", "form.new-factor");
  return waitFor(`the binding of ${name}`, async () => {
    const shown = await fixture.app.execute(
      "return [...document.querySelectorAll('[data-testid=binding]')].map((binding) => binding.dataset.factorSid)",
    );
    return shown.find((sid) => !known.includes(sid));
  });
}

/** Reveals a new factor's secret and reads it, without the spaces of its groups of four. */
async function revealSecret(sid) {
  await clickButton(fixture.app, "Reveal", `${factorItem(sid)} [data-testid=binding]`);
  const shown = await (await fixture.app.waitFind(`${factorItem(sid)} [data-testid=factor-secret]`)).text();
  assert.match(shown.trim(), /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, "the secret is not in groups of four");
  return shown.replace(/\s/g, "");
}

/** A code the factor does not take now: none of its codes from two minutes back to two ahead. */
function wrongCode(secret, options = {}) {
  const now = unixNow();
  const near = new Set([-120, -60, -30, 0, 30, 60, 120].map((shift) => oathtool(secret, now + shift, options)));
  const digits = options.digits ?? 6;
  return ["0", "1", "2"].map((digit) => digit.repeat(digits)).find((code) => !near.has(code));
}

/** Clicks "Verify factor" on a factor and waits for the answer, or the error, under it. */
async function verify(sid) {
  await clickButton(fixture.app, "Verify factor", factorItem(sid));
  return waitFor(`the answer to verifying ${sid}`, async () => {
    const [result] = await fixture.app.findAll(`${factorItem(sid)} [data-testid=verify-result]`);
    if (result) return { result: (await result.text()).trim() };
    const [error] = await fixture.app.findAll(`${factorItem(sid)} [data-testid=error]`);
    return error && { error: await error.text() };
  });
}

async function chooseAnswer(prefix, kind) {
  await (await fixture.app.find(`input[name="${prefix}-answer"][value="${kind}"]`)).click();
}

test("the Factors room acts as the Sandbox, creates a service and a generated entity", async () => {
  await openFactorsRoom();
  await waitFor("the Sandbox to be picked", async () => (await (await fixture.app.find("#factors-profile")).property("value")) === "Sandbox");

  await clickButton(fixture.app, "New service…");
  await setField("#new-service-name", SERVICE);
  await clickButton(fixture.app, "Create service");
  await waitFor("the new service to be picked", async () => {
    const picked = await fixture.app.execute("return document.querySelector('#factors-service').selectedOptions[0]?.textContent");
    return picked?.includes(SERVICE);
  });

  // Personal data is refused as it is typed, with the reason next to the field.
  await setField("#entity-identity", "ada@example.com");
  assert.match(await textOf("[data-testid=identity-problem]"), /looks like an email address/);
  const create = await fixture.app.find('form[aria-label="New entity"] button[type=submit]');
  assert.equal(await create.property("disabled"), true, "an email can be sent as the identity");

  await clickButton(fixture.app, "Generate");
  found.identity = await (await fixture.app.find("#entity-identity")).property("value");
  assert.match(found.identity, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal((await fixture.app.findAll("[data-testid=identity-problem]")).length, 0);
  await clickButton(fixture.app, "Create entity");
  await fixture.app.waitFind(`button.entity[aria-pressed="true"][data-identity="${found.identity}"]`);
});

test("a new factor shows its binding once: a QR code to scan and the secret behind Reveal", async () => {
  found.phone = await createFactor(PHONE);
  const binding = `${factorItem(found.phone)} [data-testid=binding]`;
  assert.match(await textOf(binding), /Twilio returns this secret only now\./);
  const qrWidth = await fixture.app.execute(
    "return document.querySelector(arguments[0] + ' img.qr').getBoundingClientRect().width",
    [binding],
  );
  assert.ok(qrWidth >= 240, `the QR code is ${qrWidth} px wide`);
  assert.equal((await fixture.app.findAll(`${binding} [data-testid=factor-secret]`)).length, 0, "the secret shows unasked");
  assert.match(await textOf(`${factorItem(found.phone)} [data-testid=factor-status]`), /Unverified/);

  // The screenshot for the README: the room as it shows a binding.
  await fixture.app.execute("document.activeElement?.blur(); document.querySelector('main').scrollTo(0, 0)");
  mkdirSync(screenshotDir, { recursive: true });
  const screenshot = join(screenshotDir, "factors.png");
  writeFileSync(screenshot, await fixture.app.screenshot());
  copyFileSync(screenshot, readmeImage);

  found.phoneSecret = await revealSecret(found.phone);
  await clickButton(fixture.app, "Add to Twofold", binding);
  await waitFor("the binding to say it is kept", async () =>
    /Kept in Twofold — its codes are in the Authenticator room/.test(await textOf(`${binding} [data-testid=kept]`)),
  );
});

test("the account added to Twofold shows oathtool's codes and names its factor", async () => {
  await (await fixture.app.find('a[href="#authenticator"]')).click();
  const title = `${SERVICE} (${PHONE})`;
  await fixture.app.waitFind(rowSelector(title));
  const before = unixNow();
  const shown = (await textOf(`${rowSelector(title)} [data-testid=code]`)).replace(/\s/g, "");
  const expected = new Set([before - 1, before, unixNow()].map((time) => oathtool(found.phoneSecret, time)));
  assert.ok(expected.has(shown), `code on screen ${shown} is not oathtool's ${[...expected].join(" or ")}`);
  const badge = await innerTextOf(`${rowSelector(title)} [data-testid=factor-badge]`);
  assert.equal(badge, `Verify factor YF…${found.phone.slice(-6)} · ${found.identity}`);
});

test("a wrong typed code leaves the factor unverified; the linked account's code verifies it", async () => {
  await openFactorsRoom();
  // The room comes back to the entity it worked on.
  await fixture.app.waitFind(factorItem(found.phone));
  await chooseAnswer(`verify-${found.phone}`, "typed");
  const wrong = wrongCode(found.phoneSecret);
  await setField(`#verify-${found.phone}-code`, wrong);
  assert.deepEqual(await verify(found.phone), { result: "Still unverified — that code is wrong" });
  assert.match(await textOf(`${factorItem(found.phone)} [data-testid=factor-status]`), /Unverified/);
  assert.equal(await (await fixture.app.find(`#verify-${found.phone}-code`)).property("value"), wrong);

  await chooseAnswer(`verify-${found.phone}`, "linked");
  assert.deepEqual(await verify(found.phone), { result: "Verified — the code was right" });
  assert.match(await textOf(`${factorItem(found.phone)} [data-testid=factor-status]`), /Verified/);
});

test("a challenge answered with the linked account's code is approved", async () => {
  await clickButton(fixture.app, "Create challenge", "form.new-challenge");
  await waitFor("the challenge to be approved", async () =>
    (await textOf("[data-testid=challenge-result]")) === "Approved — the code was right",
  );
  assert.equal(await textOf("li.challenge [data-testid=challenge-status]"), "Approved");
});

test("a second factor with its own settings; its sixth wrong code shows Twilio's 60310 and what to do", async () => {
  await (await fixture.app.find("form.new-factor summary")).click();
  await (await fixture.app.waitFind(`#factor-algorithm option[value="${BACKUP_SETTINGS.algorithm}"]`)).click();
  await setField("#factor-digits", String(BACKUP_SETTINGS.digits));
  await setField("#factor-timeStep", String(BACKUP_SETTINGS.period));
  found.backup = await createFactor(BACKUP, [found.phone]);
  assert.match(await textOf(`${factorItem(found.backup)} .hint`), /SHA256 · 8 digits · 60 s/);
  // Not added to Twofold: a typed code is the only way to answer.
  const wrong = wrongCode(await revealSecret(found.backup), BACKUP_SETTINGS);
  await setField(`#verify-${found.backup}-code`, wrong);
  for (let attempt = 1; attempt <= 5; attempt++) {
    assert.deepEqual(await verify(found.backup), { result: "Still unverified — that code is wrong" }, `attempt ${attempt}`);
  }
  const { error } = await verify(found.backup);
  assert.match(error, /Factor verification attempts reached/);
  assert.match(error, /60310/);
  assert.match(await textOf(`${factorItem(found.backup)} [data-testid=fix]`), /five wrong codes were given for this factor/);
  assert.equal(await (await fixture.app.find(`#verify-${found.backup}-code`)).property("value"), wrong, "the typed code is gone");
});

test("a pending challenge expires when the Sandbox's clock moves on 10 minutes; back to real time, codes work again", async () => {
  await chooseAnswer("challenge", "none");
  await clickButton(fixture.app, "Create challenge", "form.new-challenge");
  await waitFor("the challenge to be left pending", async () =>
    (await textOf("[data-testid=challenge-result]")) === "Pending — it waits for a code until it expires",
  );
  // Newest first.
  const pending = await fixture.app.execute("return document.querySelector('li.challenge').dataset.challengeSid");
  const status = `li.challenge[data-challenge-sid="${pending}"] [data-testid=challenge-status]`;
  assert.equal(await textOf(status), "Pending");

  await clickButton(fixture.app, "Advance Sandbox clock 10 minutes");
  await waitFor("the challenge to expire", async () => (await textOf(status)) === "Expired");

  // Back to real time, the linked account's codes are current again.
  await clickButton(fixture.app, "Back to real time");
  await chooseAnswer("challenge", "linked");
  await clickButton(fixture.app, "Create challenge", "form.new-challenge");
  await waitFor("a challenge answered with the linked code", async () =>
    (await textOf("[data-testid=challenge-result]")) === "Approved — the code was right",
  );
});

test("deleting a factor takes its challenges; its account in Twofold stays, marked", async () => {
  await clickButton(fixture.app, "Delete…", factorItem(found.phone));
  const dialog = await fixture.app.waitFind("dialog[open]");
  assert.match(await dialog.text(), /Its account in Twofold stays in the Authenticator room/);
  await clickButton(fixture.app, "Delete factor", "dialog[open]");
  await waitFor("the factor to go", async () => (await fixture.app.findAll(factorItem(found.phone))).length === 0);
  assert.equal((await fixture.app.findAll("li.challenge")).length, 0, "its challenges are still listed");

  await (await fixture.app.find('a[href="#authenticator"]')).click();
  const badge = `${rowSelector(`${SERVICE} (${PHONE})`)} [data-testid=factor-badge]`;
  await waitFor("the account to say its factor is gone", async () =>
    /its Verify factor was deleted/.test(await innerTextOf(badge)),
  );
});
