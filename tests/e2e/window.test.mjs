// What the window does when minimised or closed. Xvfb alone has no window
// manager, and without one a window can be neither minimised (iconifying is a
// request to the WM) nor closed as a user closes it (the WM asks the app), so
// this file runs Openbox on the test display for its own tests and stops it
// after them; the other files keep an undecorated, unmanaged window.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { appRunning, appWithKeyringVault, busNameOwned, openSettings } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

let windowManager;

/** Whether a window manager has announced itself on the display (EWMH). */
function windowManagerRunning() {
  try {
    return /window id #/.test(execFileSync("xprop", ["-root", "_NET_SUPPORTING_WM_CHECK"], { encoding: "utf8" }));
  } catch {
    return false;
  }
}

before(async () => {
  windowManager = spawn("openbox", ["--sm-disable"], { stdio: "ignore" });
  await waitFor("Openbox to manage the display", () => windowManagerRunning());
});

after(() => windowManager?.kill());

const fixture = appWithKeyringVault();

/** The X ids of the app's mapped (so not minimised) windows. */
function appWindows() {
  try {
    return execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Twofold$"], { encoding: "utf8" }).trim().split("\n");
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

const iconic = (id) => /Iconic/.test(execFileSync("xprop", ["-id", id, "WM_STATE"], { encoding: "utf8" }));

const shownWindows = () =>
  waitFor("the app's window", () => {
    const mapped = appWindows();
    return mapped.length > 0 && mapped;
  });

/**
 * Minimises the app's window as its title bar's button would, and waits until
 * Openbox has done it. A request sent before Openbox took the new window on is
 * lost, so it is sent again until the window is iconic.
 */
async function minimise() {
  const ids = await shownWindows();
  await waitFor("the window minimised by Openbox", () => {
    for (const id of ids) if (!iconic(id)) execFileSync("xdotool", ["windowminimize", id]);
    return ids.every(iconic);
  });
}

const openVaultSettings = () => openSettings(fixture.app, "vault-title");

test("minimising leaves the vault open until Settings says to lock on minimise", async () => {
  await openVaultSettings();
  const setting = await fixture.app.find("#lock-on-minimise");
  assert.equal(await setting.property("checked"), false, "off by default");
  await minimise();
  // A minimise is handled within milliseconds when it locks (below); give it ample time.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal((await fixture.app.findAll("#unlock-title")).length, 0);

  await fixture.restart();
  await openVaultSettings();
  await (await fixture.app.find("#lock-on-minimise")).click();
  await waitFor("the setting to be on", () => fixture.app.find("#lock-on-minimise").then((box) => box.property("checked")));
  await minimise();
  await fixture.app.waitFind("#unlock-title", 10_000);
  assert.match(await (await fixture.app.find(".lock-notice")).text(), /minimised/);
  assert.equal((await fixture.app.findAll("[data-testid=code]")).length, 0);
});

/** Closes the app's window as a user does: Alt+F4, which Openbox turns into a close request to the app. */
async function closeWindow() {
  const [id] = await shownWindows();
  execFileSync("xdotool", ["windowactivate", "--sync", id]);
  execFileSync("xdotool", ["key", "alt+F4"]);
}

/** Whether a tray host (a StatusNotifierWatcher) is on the session bus. */
const trayHostPresent = () => busNameOwned("org.kde.StatusNotifierWatcher");

test("with close to tray on, closing hides the window where a tray host runs, and quits where none does", async () => {
  // A fresh start: the last test left the window minimised and the vault locked.
  await fixture.restart();
  await openSettings(fixture.app, "appearance-title");
  const setting = await fixture.app.find("#close-to-tray");
  assert.equal(await setting.property("checked"), false, "off by default");
  await setting.click();
  await waitFor("the setting to be on", () => fixture.app.find("#close-to-tray").then((box) => box.property("checked")));

  const watcher = spawn("status-notifier-watcher", [], { stdio: "ignore" });
  try {
    await waitFor("a tray host on the bus", trayHostPresent);
    await closeWindow();
    await waitFor("the window to be hidden", () => appWindows().length === 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(appRunning(), "Twofold quit instead of staying in the tray");
  } finally {
    watcher.kill();
  }
  await waitFor("the tray host gone", () => !trayHostPresent());

  await fixture.restart();
  await fixture.app.waitFind("#authenticator-title");
  await closeWindow();
  await waitFor("Twofold to quit, with no tray to stay in", () => !appRunning());
});
