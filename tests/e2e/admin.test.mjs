// The Admin room against the built-in Sandbox: create a Verify Service, send
// SMS codes, read them from the outbox beside the result and check them back,
// run a verification out of checks, be warned before texting a landline, and
// find it all, masked, in the history and its CSV export.

import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appWithKeyringVault, clickButton } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const TO = "+14155550123";
const TO_EXHAUSTED = "+14155550124";
// In the Sandbox, US numbers ending in 0 are landlines.
const LANDLINE = "+14155550100";
const SERVICE = "Twofold Admin E2E";
const CSV_HEADER = "time,action,profile,service,channel,to,status,error_code,verification_sid";
const screenshotDir = new URL("../../target/e2e/", import.meta.url).pathname;
const readmeImage = new URL("../../docs/images/admin.png", import.meta.url).pathname;

const fixture = appWithKeyringVault();

async function setField(css, text) {
  const field = await fixture.app.waitFind(css);
  await field.clear();
  await field.type(text);
}

const textOf = async (css) => (await (await fixture.app.find(css)).text()).trim();

/** Waits until the result shows a verification to `to` whose status reads like `pattern`. */
function waitForVerification(to, pattern) {
  return waitFor(`the verification to ${to} to read ${pattern}`, async () => {
    if ((await textOf("[data-testid=verification-to]")) !== to) return false;
    return pattern.test(await textOf("[data-testid=verification-status]"));
  });
}

/** The code the Sandbox delivered to `to`, from the outbox beside the result. */
function outboxCode(to) {
  return waitFor(`a message to ${to} in the outbox`, async () => {
    for (const row of await fixture.app.findAll(".result ~ .outbox table.outbox tbody tr")) {
      if ((await row.text()).includes(to)) return (await row.find("[data-testid=outbox-code]")).text();
    }
    return false;
  });
}

function historyRows() {
  return fixture.app.execute(
    "return [...document.querySelectorAll('table.history tbody tr')].map((row) => row.innerText.replace(/\\s+/g, ' '))",
  );
}

/** Clicks Check and waits until the history holds `count` checks of the number ending in `tail`. */
async function checkAndCount(count, tail) {
  await clickButton(fixture.app, "Check", ".result");
  await waitFor(`check ${count} in the history`, async () => {
    const checks = (await historyRows()).filter((row) => /\bcheck\b/.test(row) && row.includes(`••${tail}`));
    return checks.length === count;
  });
}

test("the Admin room acts as the Sandbox and creates a Verify Service", async () => {
  await (await fixture.app.waitFind('a[href="#admin"]')).click();
  await fixture.app.waitFind("#admin-title");
  await waitFor("the sidebar to name the profile", async () => (await textOf(".foot .profile")) === "Talking to: Sandbox");
  await waitFor("the profile to be picked", async () => (await (await fixture.app.find("#admin-profile")).property("value")) === "Sandbox");

  await clickButton(fixture.app, "New service…");
  await setField("#service-codeLength", "12");
  assert.match(await textOf("#service-codeLength-problem"), /from 4 to 10/);
  const create = await fixture.app.find("dialog[open] button[type=submit]");
  assert.equal(await create.property("disabled"), true, "a code length of 12 can be sent");
  await setField("#service-codeLength", "6");
  await setField("#service-friendlyName", SERVICE);
  await clickButton(fixture.app, "Create service", "dialog[open]");
  await waitFor("the new service to be picked", async () => {
    const picked = await fixture.app.execute("return document.querySelector('#admin-service').selectedOptions[0]?.textContent");
    return picked?.includes(SERVICE);
  });
  assert.equal((await fixture.app.findAll("dialog[open]")).length, 0, "the service dialog stayed open");
});

test("with Look up first, a landline is named before an SMS goes to it", async () => {
  await setField("#send-to", LANDLINE);
  await waitFor("the US consent reminder", async () =>
    /US SMS: make sure this person asked for the code \(consent\)\./.test(await textOf("[data-testid=consent-reminder]")),
  );
  await (await fixture.app.find("#lookup-first")).click();
  await clickButton(fixture.app, "Send", "form.send");
  const warning = await fixture.app.waitFind("[data-testid=landline-warning]");
  assert.match(await warning.text(), /This number is a landline: SMS will not arrive\. Use the call channel\./);
  assert.match(await textOf("[data-testid=lookup-result]"), /Line type: landline/);
  // Nothing is sent until the second click.
  await waitFor("the button to ask again", async () => (await textOf("form.send button[type=submit]")) === "Send anyway");
  assert.equal((await fixture.app.findAll("[data-testid=verification-status]")).length, 0, "a verification was sent");
  await (await fixture.app.find("#lookup-first")).click();
  await waitFor("the warning to go", async () => (await fixture.app.findAll("[data-testid=landline-warning]")).length === 0);
});

test("the sixth check of a verification shows Twilio's 60202 and what to do", async () => {
  await setField("#send-to", TO_EXHAUSTED);
  await clickButton(fixture.app, "Send", "form.send");
  await waitForVerification(TO_EXHAUSTED, /Pending — waiting for the customer's code/);
  assert.match(await textOf("[data-testid=resend]"), /^Resend in \d+ s$/);

  const code = await outboxCode(TO_EXHAUSTED);
  await setField("#check-code", code === "000000" ? "111111" : "000000");
  for (let count = 1; count <= 5; count++) await checkAndCount(count, "24");
  assert.equal(await textOf("[data-testid=check-result]"), "Still pending — that code is wrong");

  await clickButton(fixture.app, "Check", ".result");
  const error = await fixture.app.waitFind(".result [data-testid=error]");
  assert.match(await error.text(), /Max \(5\) verification check attempts reached/);
  assert.match(await error.text(), /60202/);
  assert.match(await textOf(".result [data-testid=fix]"), /five wrong codes were checked/);
  assert.match(await textOf("[data-testid=verification-status]"), /too many wrong codes/);
});

test("the code read back approves the verification; a wrong one leaves it pending", async () => {
  await setField("#send-to", TO);
  await clickButton(fixture.app, "Send", "form.send");
  await waitForVerification(TO, /Pending/);
  const code = await outboxCode(TO);
  assert.match(code, /^\d{6}$/);

  await setField("#check-code", code === "000000" ? "111111" : "000000");
  await clickButton(fixture.app, "Check", ".result");
  await waitFor("the wrong code to be answered", async () =>
    (await textOf("[data-testid=check-result]")) === "Still pending — that code is wrong",
  );

  await setField("#check-code", code);
  await clickButton(fixture.app, "Check", ".result");
  await waitFor("the right code to be answered", async () =>
    (await textOf("[data-testid=check-result]")) === "Approved — the code was right",
  );
  await waitForVerification(TO, /Approved — the code was right/);
});

test("the history masks every destination and exports as CSV", async () => {
  const rows = await waitFor("the approval in the history", async () => {
    const now = await historyRows();
    return now.some((row) => row.includes("••••••••••23") && /approved/.test(row)) && now;
  });
  assert.ok(rows.some((row) => /\blookup\b/.test(row) && row.includes("••••••••••00")), "the lookup is not listed");
  const history = await textOf("section.history");
  for (const number of [TO, TO_EXHAUSTED, LANDLINE]) {
    assert.ok(!history.includes(number.slice(2)), `the history shows ${number}`);
  }

  await clickButton(fixture.app, "Export CSV…");
  const path = join(fixture.driver.dataHome, "verify-history.csv");
  await setField("#history-export-path", path);
  await clickButton(fixture.app, "Export", "dialog[open]");
  const written = await textOf("[data-testid=history-exported]");
  const count = Number(written.match(/Wrote (\d+) rows/)?.[1]);
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], CSV_HEADER);
  assert.equal(lines.length - 1, count);
  assert.equal(count, rows.length);
  assert.ok(!lines.some((line) => line.includes(TO.slice(2))), "the CSV holds a whole number");
  await clickButton(fixture.app, "Done", "dialog[open]");

  mkdirSync(screenshotDir, { recursive: true });
  const screenshot = join(screenshotDir, "admin.png");
  await fixture.app.execute("document.querySelector('main').scrollTo(0, 0)");
  writeFileSync(screenshot, await fixture.app.screenshot());
  copyFileSync(screenshot, readmeImage);
});
