// Settings → Sandbox's QA tools as QA uses them: test numbers and fault rules
// set up in the window change what a Twilio client gets over real HTTP, and a
// snapshot saved to a file puts the Sandbox back as it was; a garbled one
// changes nothing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { appWithKeyringVault, clickButton, revealSandbox, twilioRest } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const FIXED = "+14155550188";
const BLOCKED = "+14155550190";
const LATER = "+14155550192";

const fixture = appWithKeyringVault();
let sandbox;

const twilio = (method, path, form) => twilioRest(sandbox, method, path, form);

const send = (to) => twilio("POST", `/v2/Services/${sandbox.service}/Verifications`, { To: to, Channel: "sms" });

async function testNumbers() {
  const rows = await fixture.app.findAll("li[data-test-number]");
  return Promise.all(rows.map(async (row) => (await row.text()).replace(/\s+/g, " ").replace(/ ×$/, "").trim()));
}

async function typeInto(css, text) {
  const field = await fixture.app.waitFind(css);
  await field.clear();
  await field.type(text);
}

async function addTestNumber(to, answer) {
  await typeInto("#test-number-to", to);
  if (answer.code) {
    await (await fixture.app.find('input[name=test-answer][value="code"]')).click();
    await typeInto("#test-number-code", answer.code);
  } else {
    await (await fixture.app.find('input[name=test-answer][value="error"]')).click();
    await (await fixture.app.waitFind(`#test-number-error option[value="${answer.error}"]`)).click();
  }
  await clickButton(fixture.app, "Add test number");
  await fixture.app.waitFind(`li[data-test-number="${to}"]`);
}

async function loadSnapshot(path) {
  await typeInto("#snapshot-path", path);
  await clickButton(fixture.app, "Load this file", "[aria-labelledby=snapshot-title]");
  const dialog = await fixture.app.waitFind("dialog[open]");
  assert.match(await dialog.text(), /Replace the Sandbox's state\?/);
  await clickButton(fixture.app, "Replace with the snapshot", "dialog[open]");
}

test("a test number with a fixed code gets that code over HTTP", async () => {
  sandbox = await revealSandbox(fixture.app);
  const service = await twilio("POST", "/v2/Services", { FriendlyName: "Twofold QA" });
  assert.equal(service.status, 201);
  sandbox.service = service.body.sid;

  await fixture.app.waitFind("[data-testid=no-test-numbers]");
  await addTestNumber(FIXED, { code: "246810" });
  assert.deepEqual(await testNumbers(), [`${FIXED} always code 246810`]);

  const sent = await send(FIXED);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const outbox = await twilio("GET", `/sandbox/outbox?To=${encodeURIComponent(FIXED)}`);
  assert.deepEqual(
    outbox.body.messages.map((m) => m.code),
    ["246810"],
  );
});

test("a test number with error 60410 answers every send 403/60410", async () => {
  await addTestNumber(BLOCKED, { error: 60410 });
  assert.deepEqual(await testNumbers(), [`${FIXED} always code 246810`, `${BLOCKED} always error 60410`]);
  const sent = await send(BLOCKED);
  assert.equal(sent.status, 403);
  assert.equal(sent.body.code, 60410);
});

test("a bad test number says what is wrong and keeps what was typed", async () => {
  await typeInto("#test-number-to", "12");
  await (await fixture.app.find('input[name=test-answer][value="code"]')).click();
  await typeInto("#test-number-code", "246810");
  await clickButton(fixture.app, "Add test number");
  const error = await fixture.app.waitFind("[aria-labelledby=test-numbers-title] [data-testid=error]");
  assert.match(await error.text(), /To/);
  assert.equal(await (await fixture.app.find("#test-number-to")).property("value"), "12");
  await clickButton(fixture.app, "Dismiss", "[aria-labelledby=test-numbers-title]");
});

test("a fault rule with probability 1 and seed 7 is listed and fails the send, until all rules are removed", async () => {
  await (await fixture.app.find('#fault-method option[value="POST"]')).click();
  await typeInto("#fault-path", `/v2/Services/${sandbox.service}/Verifications`);
  await typeInto("#fault-status", "503");
  await typeInto("#fault-probability", "1");
  await typeInto("#fault-seed", "7");
  await clickButton(fixture.app, "Add rule");
  assert.match(await (await fixture.app.waitFind("[data-testid=fault-added]")).text(), /with seed 7/);
  await fixture.app.waitFind("table.faults tbody tr");
  const cells = await Promise.all((await fixture.app.findAll("table.faults tbody td")).map((cell) => cell.text()));
  assert.deepEqual(
    cells.map((cell) => cell.trim()),
    ["POST", `/v2/Services/${sandbox.service}/Verifications`, "any", "HTTP 503", "1", "7", "always", "0"],
  );

  const failed = await send(LATER);
  assert.equal(failed.status, 503);
  const rules = await twilio("GET", "/sandbox/faults");
  assert.equal(rules.body.faults[0].seed, 7);

  await clickButton(fixture.app, "Remove all rules", "[aria-labelledby=faults-title]");
  const dialog = await fixture.app.waitFind("dialog[open]");
  assert.match(await dialog.text(), /Remove all 1 fault rule\?/);
  await clickButton(fixture.app, "Remove all rules", "dialog[open]");
  await fixture.app.waitFind("[data-testid=no-faults]");
  assert.deepEqual((await twilio("GET", "/sandbox/faults")).body.faults, []);
  assert.equal((await send(LATER)).status, 201);
});

test("a saved snapshot puts the test numbers back as they were; a garbled one changes nothing", async () => {
  const before = await testNumbers();
  const path = join(fixture.driver.dataHome, "sandbox-snapshot.json");
  await typeInto("#snapshot-path", path);
  await clickButton(fixture.app, "Save to this file", "[aria-labelledby=snapshot-title]");
  await waitFor("the snapshot to be saved", async () =>
    (await (await fixture.app.find("[aria-labelledby=snapshot-title]")).text()).includes(`Saved to ${path}.`),
  );

  // Saving again never overwrites.
  await clickButton(fixture.app, "Save to this file", "[aria-labelledby=snapshot-title]");
  assert.match(
    await (await fixture.app.waitFind("[aria-labelledby=snapshot-title] [data-testid=error]")).text(),
    /already exists/,
  );

  await addTestNumber(LATER, { code: "1357" });
  assert.equal((await testNumbers()).length, 3);

  await loadSnapshot(path);
  await waitFor("the test numbers as saved", async () => JSON.stringify(await testNumbers()) === JSON.stringify(before));
  assert.deepEqual(
    (await twilio("GET", "/sandbox/test-numbers")).body.test_numbers.map((t) => t.to),
    [FIXED, BLOCKED],
  );

  const garbled = join(fixture.driver.dataHome, "garbled.json");
  writeFileSync(garbled, '{"test_numbers": [{"to": "+1');
  await loadSnapshot(garbled);
  const error = await fixture.app.waitFind("[aria-labelledby=snapshot-title] [data-testid=error]");
  assert.match(await error.text(), /not a Sandbox snapshot.*Nothing was changed/);
  assert.deepEqual(await testNumbers(), before);
  assert.equal((await twilio("GET", "/sandbox/test-numbers")).body.test_numbers.length, 2);
});

test("two quick sends to one number show in the client conduct report as one resend too soon, until cleared", async () => {
  const AGAIN = "+14155550194";
  const report = "[aria-labelledby=report-title]";
  await clickButton(fixture.app, "Refresh", report);
  await fixture.app.waitFind(`${report} [data-testid=no-conduct]`);

  assert.equal((await send(AGAIN)).status, 201);
  assert.equal((await send(AGAIN)).status, 201);
  await clickButton(fixture.app, "Refresh", report);
  const entry = await fixture.app.waitFind(`${report} li[data-kind=resend_too_soon]`);
  assert.equal((await (await entry.find("[data-testid=conduct-count]")).text()).trim(), "1×");
  const text = (await entry.text()).replace(/\s+/g, " ");
  assert.match(text, /Sent again within 30 seconds/);
  assert.ok(text.includes(`POST /v2/Services/${sandbox.service}/Verifications`), text);
  assert.ok(text.includes("To=••••••••••94"), text);
  assert.ok(!text.includes(AGAIN), `the number is masked: ${text}`);
  assert.match(text, /wait before offering a resend/);
  assert.equal((await fixture.app.findAll(`${report} li[data-kind]`)).length, 1);

  await clickButton(fixture.app, "Clear", report);
  await fixture.app.waitFind(`${report} [data-testid=no-conduct]`);
  assert.deepEqual((await twilio("GET", "/sandbox/report")).body.kinds, []);
});
