// Shared by the Node SDK tests: the Sandbox's address, a recording HTTP client that
// sends every response to the spec judge, the admin API, and TOTP for factors.
import { createHmac } from "node:crypto";
import twilio from "twilio";
import { check } from "./spec.mjs";

export const BASE = process.env.SANDBOX_URL ?? "http://127.0.0.1:7722";
export const ACCOUNT_SID = process.env.SANDBOX_ACCOUNT_SID ?? "AC" + "0".repeat(32);
export const AUTH_TOKEN = process.env.SANDBOX_AUTH_TOKEN ?? "sandbox-auth-token";

/** twilio-node's own RequestClient, with every exchange checked against the spec. */
export class RecordingClient {
  constructor() {
    this.inner = new twilio.RequestClient();
    this.exchanges = 0;
    this.problems = [];
  }

  async request(opts) {
    const response = await this.inner.request(opts);
    let body = response.body;
    if (typeof body === "string" && body !== "") body = JSON.parse(body);
    this.exchanges += 1;
    this.problems.push(...check({ method: opts.method, url: opts.uri, status: response.statusCode, body }));
    return response;
  }
}

/** An official client pointed at the Sandbox, the way docs/sandbox.md tells QA to. */
export function sandboxClient(sid = ACCOUNT_SID, token = AUTH_TOKEN) {
  const http = new RecordingClient();
  const client = twilio(sid, token, { httpClient: http });
  client.verify.baseUrl = BASE;
  client.lookups.baseUrl = BASE;
  return { client, http };
}

/** The admin API (not part of Twilio's, so not judged by the spec). */
export async function admin(method, path, form) {
  const response = await fetch(BASE + path, {
    method,
    headers: {
      Authorization: "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64"),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export async function lastCode(to) {
  const { messages } = await admin("GET", `/sandbox/outbox?To=${encodeURIComponent(to)}&Wait=5`);
  return messages.at(-1).code;
}

export async function sandboxNow() {
  const { now } = await admin("GET", "/sandbox/clock");
  return Math.floor(Date.parse(now) / 1000);
}

/** RFC 6238 TOTP (SHA-1), what the user's authenticator app would show. */
export function totp(base32Secret, unixSeconds, digits = 6, step = 30) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Secret.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / step)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(value).padStart(digits, "0");
}

/** A fresh random E.164 US mobile number (the Sandbox treats a final 0 as a landline). */
export function mobileNumber() {
  return "+1415555" + String(1000 + Math.floor(Math.random() * 8999)).padStart(4, "0").replace(/0$/, "1");
}
