// Judges a capture file (JSON lines of {method, url, status, body}) written by the
// Python SDK tests against the official spec; prints each problem and a summary.
import { readFileSync } from "node:fs";
import { check } from "./spec.mjs";

const file = process.argv[2];
const exchanges = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const problems = exchanges.flatMap(check);
for (const p of problems) console.log(`spec: ${p}`);
console.log(`spec check: ${exchanges.length - problems.length} of ${exchanges.length} responses match the spec`);
process.exit(exchanges.length > 0 && problems.length === 0 ? 0 : 1);
