// The built-in Sandbox as QA uses it: the fixture.app starts it, Settings shows where it
// listens, a Twilio client sends a verification there over real HTTP, and the
// outbox in the window shows the message and the code that checks it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appWithKeyringVault, clickButton, revealSandbox, twilioRest } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const TO = "+14155550101";
const screenshotDir = new URL("../../target/e2e/", import.meta.url).pathname;

const fixture = appWithKeyringVault();
let sandbox;

const twilio = (method, path, form) => twilioRest(sandbox, method, path, form);

async function outboxRows() {
  const rows = await fixture.app.findAll("table.outbox tbody tr");
  return Promise.all(rows.map(async (row) => (await row.text()).replace(/\s+/g, " ")));
}

test("Settings shows the Sandbox on a loopback port and an empty outbox", async () => {
  sandbox = await revealSandbox(fixture.app);
  assert.match(sandbox.base, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(sandbox.account, /^AC[0-9a-f]{32}$/);
  assert.match(await (await fixture.app.find(".empty")).text(), /Nothing sent yet/);
  const current = await fixture.app.find('a[aria-current="page"]');
  assert.equal((await current.text()).trim(), "Settings");
});

test("a verification sent to the Sandbox shows in the outbox with the code that checks it", async () => {
  const service = await twilio("POST", "/v2/Services", { FriendlyName: "Twofold E2E" });
  assert.equal(service.status, 201);
  sandbox.service = service.body.sid;
  const sent = await twilio("POST", `/v2/Services/${sandbox.service}/Verifications`, { To: TO, Channel: "sms" });
  assert.equal(sent.status, 201);
  assert.equal(sent.body.status, "pending");

  const row = await waitFor("the message in the outbox", async () =>
    (await outboxRows()).find((text) => text.includes(TO)),
  );
  const code = row.match(/\b(\d{6})\b/)?.[1];
  assert.ok(code, `no code in the row: ${row}`);
  assert.match(row, /sms/);
  assert.match(row, new RegExp(`Your Twofold E2E verification code is: ${code}`));

  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(join(screenshotDir, "sandbox.png"), await fixture.app.screenshot());

  const checked = await twilio("POST", `/v2/Services/${sandbox.service}/VerificationCheck`, { To: TO, Code: code });
  assert.equal(checked.status, 200);
  assert.equal(checked.body.status, "approved");
});

test("the Sandbox keeps its state across a restart of the app", async () => {
  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title");
  sandbox = { ...(await revealSandbox(fixture.app)), service: sandbox.service };
  const service = await twilio("GET", `/v2/Services/${sandbox.service}`);
  assert.equal(service.status, 200);
  assert.equal(service.body.friendly_name, "Twofold E2E");
  await waitFor("the earlier message", async () => (await outboxRows()).some((text) => text.includes(TO)));
});

test("Clear outbox asks once, then empties it", async () => {
  await clickButton(fixture.app, "Clear outbox", ".outbox-head");
  const dialog = await fixture.app.waitFind("dialog[open]");
  assert.match(await dialog.text(), /1 message|The message/);
  await clickButton(fixture.app, "Clear outbox", "dialog[open]");
  await fixture.app.waitFind(".empty");
  assert.deepEqual(await outboxRows(), []);
  const outbox = await twilio("GET", "/sandbox/outbox");
  assert.deepEqual(outbox.body.messages, []);
});
