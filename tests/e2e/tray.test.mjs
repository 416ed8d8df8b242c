// The tray menu (quitting from it too) and the global shortcut. There is no
// tray host under Xvfb to click the icon in, so the test drives the menu the
// way a tray host does: libayatana-appindicator
// exports it on the session bus (com.canonical.dbusmenu), and a host shows
// its layout and sends "clicked" events back.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  addByUri,
  appRunning,
  appWithKeyringVault,
  clipboardText,
  copyToClipboard,
  oathtool,
  rowSelector,
  unixNow,
} from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const fixture = appWithKeyringVault();
const MENU = "/org/ayatana/NotificationItem/tray_icon_tray_app_twofold/Menu";
const GITHUB = { title: "GitHub (alice)", secret: "JBSWY3DPEHPK3PXP" };

// A short timeout: other connections on the bus (the keyring daemon) may not answer a menu call.
const gdbus = (...args) =>
  execFileSync("gdbus", ["call", "--session", "--timeout", "2", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });

/** The bus names on the session bus that are connections (":1.23"). */
function connections() {
  const names = gdbus("--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.ListNames");
  return [...names.matchAll(/'(:[\d.]+)'/g)].map((match) => match[1]);
}

/** The app's connection, once found (it stays for the app's life). */
let menuOwner;

/** The tray menu's items as a tray host reads them: id, label, enabled. */
function trayMenu() {
  for (const dest of menuOwner ? [menuOwner] : connections()) {
    let layout;
    try {
      layout = gdbus("--dest", dest, "--object-path", MENU, "--method", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "[]");
    } catch {
      continue;
    }
    const items = [...layout.matchAll(/<\((\d+), \{([^}]*)\}/g)]
      .map(([, id, props]) => ({
        id: Number(id),
        label: props.match(/'label': <'([^']*)'>/)?.[1],
        enabled: !props.includes("'enabled': <false>"),
      }))
      .filter((item) => item.label);
    menuOwner = dest;
    return { dest, items };
  }
  return null;
}

/** Clicks the menu item labelled `label`, as a tray host does. */
async function clickTrayItem(label) {
  const { dest, items } = await waitFor(`the tray item "${label}"`, () => {
    const menu = trayMenu();
    return menu?.items.some((item) => item.label === label && item.enabled) && menu;
  });
  const { id } = items.find((item) => item.label === label);
  gdbus("--dest", dest, "--object-path", MENU, "--method", "com.canonical.dbusmenu.Event", "--", String(id), "clicked", "<0>", "0");
}

test("the tray menu lists favourites only, and copies a favourite's current code", async () => {
  await addByUri(fixture.app, `otpauth://totp/GitHub:alice?secret=${GITHUB.secret}&issuer=GitHub`);
  await addByUri(fixture.app, "otpauth://totp/GitLab:bob?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab");
  await fixture.app.waitFind(rowSelector("GitLab (bob)"));
  await waitFor("the hint to pin favourites", () =>
    trayMenu()?.items.some((item) => item.label === "Pin favourites to copy their codes here"),
  );

  await (await fixture.app.find(`button[aria-label="Favourite ${GITHUB.title}"]`)).click();
  await clickTrayItem(`Copy the code of ${GITHUB.title}`);
  await waitFor("a code on the clipboard", () => /^\d{6}$/.test(clipboardText()));
  const now = unixNow();
  const expected = [now - 1, now, now + 1].map((time) => oathtool(GITHUB.secret, time));
  assert.ok(expected.includes(clipboardText()), `the clipboard holds ${clipboardText()}, oathtool says ${expected}`);
  assert.ok(!trayMenu().items.some((item) => item.label.includes("GitLab")), "GitLab is no favourite");
});

test("Lock in the tray menu locks the vault and the menu stops offering codes", async () => {
  await clickTrayItem("Lock");
  await fixture.app.waitFind("#unlock-title");
  await waitFor("the locked menu", () => trayMenu()?.items.some((item) => item.label === "Unlock Twofold to copy codes"));
  const lock = trayMenu().items.find((item) => item.label === "Lock");
  assert.equal(lock.enabled, false);
});

const invoke = (command, args) =>
  fixture.app.execute(
    "return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((data) => ({ data }), (error) => ({ error }))",
    [command, args],
  );
const visibility = () => fixture.app.execute("return document.visibilityState");

test("the shortcut set in Settings brings the hidden window back; a bad one is refused", async () => {
  const refused = await invoke("save_settings", { settings: { appearance: "system", showWindowShortcut: "Ctrl+Nope" } });
  assert.match(refused.error?.message ?? "", /not a key combination Twofold understands.*Ctrl\+Alt\+T/);
  const saved = await invoke("save_settings", { settings: { appearance: "system", showWindowShortcut: "Ctrl+Alt+Y" } });
  assert.equal(saved.error, undefined, JSON.stringify(saved.error));

  await clickTrayItem("Show or hide Twofold");
  await waitFor("the window to be hidden", async () => (await visibility()) === "hidden");
  execFileSync("xdotool", ["key", "ctrl+alt+y"]);
  await waitFor("the window to be shown", async () => (await visibility()) === "visible");
});

/**
 * A clipboard manager of the simple kind that ignores the password-manager
 * hint: it takes whatever text is copied and keeps offering it (as its own
 * owner of the selection) after the app that copied it has gone. Returns the
 * last text it took, and how to stop it.
 */
function startClipboardKeeper() {
  const keeper = { last: "", stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const text = clipboardText();
    if (text === "" || text === keeper.last) return;
    keeper.last = text;
    copyToClipboard(text);
  }, 100);
  return keeper;
}

/** Quits from the tray menu, as a user does, and waits for the app to be gone. */
async function quitFromTray() {
  await clickTrayItem("Quit Twofold");
  await waitFor("the app to quit", () => !appRunning());
  // The session's app is gone: end it so that the next launch starts afresh.
  await fixture.app.end().catch(() => {});
  menuOwner = undefined;
}

/** Copies the code of GitHub from its row, and waits for the keeper to hold it. */
async function copyKeptCode(keeper) {
  await (await fixture.app.waitFind(rowSelector(GITHUB.title))).click();
  await waitFor("the keeper to hold the code", () => /^\d{6}$/.test(keeper.last) && clipboardText() === keeper.last);
}

test("quitting clears a code a clipboard manager kept, and leaves what the user copied since", async () => {
  const keeper = startClipboardKeeper();
  try {
    // Unlocked again (the test before locked it) by the keyring.
    await (await fixture.app.waitFind(".gate button")).click();
    await copyKeptCode(keeper);
    copyToClipboard("the user's own text");
    await waitFor("the keeper to hold the user's text", () => keeper.last === "the user's own text");
    await quitFromTray();
    assert.equal(clipboardText(), "the user's own text");

    fixture.app = await fixture.driver.launch();
    await copyKeptCode(keeper);
    await quitFromTray();
    // The keeper still runs: had the app left the code there, it would still be offered.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(clipboardText(), "");
  } finally {
    keeper.stop();
  }
});
