// Starts tauri-driver for the built app and hands out WebDriver sessions.
// The scripts/test-e2e wrapper provides the display (Xvfb), a private D-Bus
// session and a scratch HOME / XDG_DATA_HOME, so the app under test never sees
// the user's own data.

import { spawn, execFileSync } from "node:child_process";
import { Session, waitFor } from "./webdriver.mjs";

export const application = process.env.TWOFOLD_APP;
export const dataHome = process.env.XDG_DATA_HOME;
if (!application || !dataHome) {
  throw new Error("run the end-to-end tests through scripts/test-e2e (TWOFOLD_APP and XDG_DATA_HOME are unset)");
}

const port = Number(process.env.TAURI_DRIVER_PORT ?? 4444);
const base = `http://127.0.0.1:${port}`;

export async function startDriver() {
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  let spawnError;
  driver.on("error", (error) => (spawnError = error));
  await waitFor("tauri-driver to be ready", async () => {
    if (spawnError) throw new Error(`cannot start tauri-driver (run make test, which installs it): ${spawnError.message}`);
    const response = await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && (await response.json()).value?.ready;
  });
  return {
    launch: () => Session.start(base, application),
    stop: () => driver.kill(),
  };
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
