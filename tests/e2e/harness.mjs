// Starts tauri-driver for the built app and hands out WebDriver sessions.
// The scripts/test-e2e wrapper provides the display (Xvfb), a private D-Bus
// session with an unlocked gnome-keyring and a scratch HOME; each test file
// gets its own data dir on top, so the app under test never sees the user's
// data nor another test's.

import { execFileSync, spawn } from "node:child_process";
import { after, before } from "node:test";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Session, waitFor } from "./webdriver.mjs";

const application = process.env.TWOFOLD_APP;
const scratch = process.env.HOME;
if (!application || !process.env.XDG_DATA_HOME) {
  throw new Error("run the end-to-end tests through scripts/test-e2e (TWOFOLD_APP and XDG_DATA_HOME are unset)");
}

/** `count` different loopback ports nobody listens on now (the OS picks them). */
async function freePorts(count) {
  const servers = Array.from({ length: count }, () => createServer());
  for (const server of servers) {
    await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  }
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Starts tauri-driver with a fresh data dir. `env` adds to or overrides the
 * app's environment (e.g. to take the keyring away).
 */
export async function startDriver({ env = {} } = {}) {
  // Ports from the OS, not from a formula: files run one after another, but
  // a WebKitWebDriver of the last one may still hold its port for a moment.
  const [port, nativePort] = await freePorts(2);
  const base = `http://127.0.0.1:${port}`;
  const dataHome = mkdtempSync(join(scratch, "data-"));
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
    // Config too (Twilio profiles, window state): no test sees another's.
    env: { ...process.env, XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: join(dataHome, "config"), ...env },
  });
  let spawnError;
  driver.on("error", (error) => (spawnError = error));
  await waitFor("tauri-driver to be ready", async () => {
    if (spawnError) throw new Error(`cannot start tauri-driver (run make test, which installs it): ${spawnError.message}`);
    const response = await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && (await response.json()).value?.ready;
  });
  return {
    dataHome,
    launch: async () => {
      const session = await startSession(base);
      // The app is single-instance: a new launch while the last one is still
      // shutting down would hand over to it (or fail to, and quit). Ending waits
      // until the process is gone and the bus has let go of its instance name,
      // which can come a moment later.
      const end = session.end.bind(session);
      session.end = async () => {
        try {
          await end();
          await waitFor("the app to exit", appGone);
        } finally {
          // A session that broke leaves its app running, and every later launch
          // would hand over to it: one failed test then failed every file after it.
          await killApp();
        }
      };
      return session;
    },
    stop: () => driver.kill(),
  };
}

/**
 * A session with the app launched. Now and then WebKit's remote inspector, which
 * the driver reaches the app through, cannot bind its port ("Address already in
 * use") and the session never starts: once more then, with that app gone.
 */
async function startSession(base) {
  try {
    return await Session.start(base, application);
  } catch (error) {
    console.error(`# the app's WebDriver session did not start (${error.message}); trying once more`);
    await killApp();
    return Session.start(base, application);
  }
}

/** Ends an app left running, and waits until it and its instance name are gone. */
async function killApp() {
  if (!appRunning()) return;
  try {
    execFileSync("pkill", ["-f", "--", appCommandLine], { stdio: "ignore" });
  } catch {
    // Gone between the two looks.
  }
  await waitFor("the app to exit", appGone);
}

/** The app's command line, anchored: twofold-cli, beside the app, must not count as the app. */
const appCommandLine = `^${application}( |$)`;

/** Whether the app's process and its single-instance name are both gone. */
function appGone() {
  return !appRunning() && !busNameOwned("app.twofold.desktop.SingleInstance");
}

/** Whether the app (TWOFOLD_APP) has a process running. */
export function appRunning() {
  try {
    execFileSync("pgrep", ["-f", "--", appCommandLine], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether `name` is held on the session bus (the app's single-instance name, a tray host's). */
export function busNameOwned(name) {
  const reply = execFileSync(
    "dbus-send",
    [
      "--session",
      "--print-reply",
      "--dest=org.freedesktop.DBus",
      "/org/freedesktop/DBus",
      "org.freedesktop.DBus.NameHasOwner",
      `string:${name}`,
    ],
    { encoding: "utf8" },
  );
  return /boolean true/.test(reply);
}

/** The CLIPBOARD selection's text, "" when it holds none. */
export function clipboardText() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

/** Puts `text` on the CLIPBOARD selection, as another app (the user copying) does. */
export function copyToClipboard(text) {
  execFileSync("xclip", ["-i", "-selection", "clipboard"], { input: text, stdio: ["pipe", "ignore", "ignore"] });
}

/** The TOTP code oathtool (an independent implementation) gives for a unix time. */
export function oathtool(secret, unixTime, { algorithm = "sha1", digits = 6, period = 30 } = {}) {
  return execFileSync(
    "oathtool",
    [`--totp=${algorithm}`, `--digits=${digits}`, `--time-step-size=${period}s`, `--now=@${unixTime}`, "-b", secret],
    { encoding: "utf8" },
  ).trim();
}

export const unixNow = () => Math.floor(Date.now() / 1000);

/** The button that copies an account's code, found by the account's title ("Issuer (name)"). */
export const rowSelector = (title) => `button.copy[data-title="${title}"]`;

/** Picks one of the ways to add an account (its label, as "Scan screen") from the room's Add menu. */
export async function addWay(app, label) {
  await (await app.waitFind('header button[aria-haspopup="menu"]')).click();
  await app.waitFind('#add-menu[role="menu"]');
  await clickButton(app, label, "#add-menu");
}

/**
 * Adds an account from an otpauth:// link, in the dialog the Add menu opens
 * (or the one still open after an error), and waits for the outcome: the
 * dialog closed, or its error shown under the field.
 */
export async function addByUri(app, uri) {
  if ((await app.findAll("dialog[open] #add-uri")).length === 0) await addWay(app, "Paste otpauth:// link…");
  const field = await app.waitFind("dialog[open] #add-uri");
  await field.clear();
  await field.type(uri);
  await (await app.find("form.add button[type=submit]")).click();
  await waitFor(
    "the link to be added or refused",
    async () => (await app.findAll("dialog[open] #add-uri")).length === 0 || (await app.findAll("#add-uri-error")).length > 0,
  );
}

/** Creates the vault on first run with the system keyring and waits for the Authenticator room. */
export async function createKeyringVault(app) {
  await app.waitFind("#first-run-title");
  await (await app.find('input[type=radio][value="keyring"]')).click();
  await (await app.find("form button.primary")).click();
  await app.waitFind("#authenticator-title");
}

/**
 * The app for one test file: before its tests, a driver of its own and the app
 * past first run with a keyring vault; after them, both gone. `restart()` ends
 * the app and launches it again on the same data.
 */
export function appWithKeyringVault() {
  const fixture = {
    driver: undefined,
    app: undefined,
    async restart() {
      await fixture.app.end();
      fixture.app = await fixture.driver.launch();
    },
  };
  before(async () => {
    fixture.driver = await startDriver();
    fixture.app = await fixture.driver.launch();
    await createKeyringVault(fixture.app);
  });
  after(async () => {
    await fixture.app?.end().catch(() => {});
    fixture.driver?.stop();
  });
  return fixture;
}

/** Clicks the first button whose text is exactly `text` (optionally inside `scope`). */
export async function clickButton(app, text, scope = "") {
  const buttons = await app.findAll(`${scope} button`.trim());
  for (const button of buttons) {
    if ((await button.text()).trim() === text) return button.click();
  }
  throw new Error(`no button labelled "${text}"`);
}

/** Opens the menu of an account's other actions from its "⋯" button, and returns the menu. */
export async function openAccountMenu(app, title) {
  await (await app.waitFind(`button[aria-label="Actions for ${title}"]`)).click();
  return app.waitFind(`[role=menu][aria-label="Actions for ${title}"]`);
}

/** The item of the open account menu whose text starts with `item` ("Edit…", "Move up", "Remove…"). */
export async function accountMenuItem(app, item) {
  for (const candidate of await app.findAll("[role=menu] [role=menuitem]")) {
    if ((await candidate.text()).startsWith(item)) return candidate;
  }
  throw new Error(`no item "${item}" in the account's menu`);
}

/** Picks `item` from the menu of the account titled `title`. */
export async function accountAction(app, title, item) {
  await openAccountMenu(app, title);
  return (await accountMenuItem(app, item)).click();
}

/** Opens Settings and waits for the panel whose heading has the id `headingId`. */
export async function openSettings(app, headingId) {
  await (await app.waitFind('a[href="#settings"]')).click();
  await app.waitFind(`#${headingId}`);
}

/**
 * Opens Settings and reveals the embedded Sandbox's address and credentials,
 * checking first that the token stays hidden until asked for.
 */
export async function revealSandbox(app) {
  await openSettings(app, "sandbox-title");
  if ((await app.findAll("[data-testid=sandbox-token]")).length > 0) throw new Error("the token shows unasked");
  await clickButton(app, "Reveal", "#sandbox-title ~ dl");
  const read = async (id) => (await app.waitFind(`[data-testid=${id}]`)).text();
  return { base: await read("sandbox-url"), account: await read("sandbox-account"), token: await read("sandbox-token") };
}

/** A Twilio REST call to `sandbox` as the SDKs make it: form-encoded, HTTP Basic auth. */
export async function twilioRest(sandbox, method, path, form) {
  const response = await fetch(`${sandbox.base}${path}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${sandbox.account}:${sandbox.token}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: form && new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.json() };
}

/** Waits for a toast whose text matches `pattern` (earlier toasts may still be showing). */
export function waitForToast(app, pattern) {
  return waitFor(`a toast saying ${pattern}`, async () => {
    const toasts = await app.findAll("[role=status]");
    for (const toast of toasts) if (pattern.test(await toast.text())) return true;
    return false;
  });
}
