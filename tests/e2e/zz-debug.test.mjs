import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Session } from "./webdriver.mjs";
import { startDriver } from "./harness.mjs";
const ps = () => { try { return execFileSync("sh", ["-c", "ps -eo pid,ppid,stat,etimes,args | grep -E 'twofold|WebKit|tauri-dr' | grep -v grep"], {encoding:"utf8"}); } catch { return "none"; } };
let out = "";
test("debug", async () => {
  const driver = await startDriver();
  const app = await Session.start(`http://127.0.0.1:${4444 + (process.pid % 50) * 2}`, process.env.TWOFOLD_APP);
  await new Promise(r => setTimeout(r, 2000));
  out += "running:\n" + ps();
  await app.end();
  for (const t of [1, 3, 6]) { await new Promise(r => setTimeout(r, t*1000)); out += `after end +${t}s:\n` + ps(); }
  driver.stop();
  await new Promise(r => setTimeout(r, 1000));
  out += "after driver stop:\n" + ps();
  writeFileSync("/tmp/debug-ps.txt", out);
});
