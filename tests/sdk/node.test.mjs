// twilio-node (the official SDK, pinned) runs real Verify and Lookups flows against
// the running Sandbox; every response it receives is checked against the spec.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import twilio from "twilio";
import { AUTH_TOKEN, admin, lastCode, mobileNumber, sandboxClient, sandboxNow, totp } from "./support.mjs";

async function rejects(promise, status, code) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.status, status, e.message);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test("send, read the outbox, check, and the verification is gone", async () => {
  const { client, http } = sandboxClient();
  const service = await client.verify.v2.services.create({ friendlyName: "Node QA", codeLength: 7 });
  assert.match(service.sid, /^VA[0-9a-f]{32}$/);
  const to = mobileNumber();
  const v = await client.verify.v2.services(service.sid).verifications.create({ to, channel: "sms", locale: "es" });
  assert.equal(v.status, "pending");
  const code = await lastCode(to);
  assert.equal(code.length, 7);
  const { messages } = await admin("GET", `/sandbox/outbox?To=${encodeURIComponent(to)}`);
  assert.equal(messages[0].body, `Tu código de verificación de Node QA es: ${code}`);

  const checks = client.verify.v2.services(service.sid).verificationChecks;
  assert.equal((await checks.create({ to, code: "0000000" })).status, "pending");
  const approved = await checks.create({ to, code });
  assert.equal(approved.status, "approved");
  assert.equal(approved.valid, true);
  await rejects(checks.create({ to, code }), 404, 20404);
  await rejects(client.verify.v2.services(service.sid).verifications(v.sid).fetch(), 404, 20404);

  const attempts = await client.verify.v2.verificationAttempts.list({ verificationSid: v.sid });
  assert.equal(attempts.length, 1);
  assert.equal(attempts[0].conversionStatus, "converted");
  const summary = await client.verify.v2.verificationAttemptsSummary().fetch({ verifyServiceSid: service.sid });
  assert.equal(summary.totalAttempts, 1);
  assert.equal(http.exchanges, 8);
  assert.deepEqual(http.problems, []);
});

test("send and check limits, cancel and approve", async () => {
  const { client, http } = sandboxClient();
  const service = await client.verify.v2.services.create({ friendlyName: "Limits" });
  const verifications = client.verify.v2.services(service.sid).verifications;
  const to = mobileNumber();
  for (let i = 0; i < 5; i++) await verifications.create({ to, channel: "sms" });
  await rejects(verifications.create({ to, channel: "sms" }), 429, 60203);
  const checks = client.verify.v2.services(service.sid).verificationChecks;
  // Shorter than the spec's 4 characters: refused, and no check is spent on it.
  await rejects(checks.create({ to, code: "123" }), 400, 60200);
  for (let i = 0; i < 5; i++) assert.equal((await checks.create({ to, code: "0000000" })).status, "pending");
  await rejects(checks.create({ to, code: "0000000" }), 429, 60202);

  const a = await verifications.create({ to: mobileNumber(), channel: "call" });
  const canceled = await verifications(a.sid).update({ status: "canceled" });
  assert.equal(canceled.status, "canceled");
  const b = await verifications.create({ to: mobileNumber(), channel: "whatsapp" });
  assert.equal((await verifications(b.sid).update({ status: "approved" })).valid, true);
  await rejects(verifications.create({ to: "+1415", channel: "sms" }), 400, 60200);
  await rejects(verifications.create({ to: "qa@example.com", channel: "email" }), 400, 60217);
  await rejects(verifications.create({ to: mobileNumber(), channel: "sms", customCode: "4321" }), 403, 60204);
  assert.deepEqual(http.problems, []);
});

test("TOTP factor and challenge, with a webhook the SDK validates", async () => {
  const received = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ signature: req.headers["x-twilio-signature"], params: Object.fromEntries(new URLSearchParams(body)) });
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${server.address().port}/verify-events`;
  try {
    const { client, http } = sandboxClient();
    const service = await client.verify.v2.services.create({ friendlyName: "TOTP QA", "totp.issuer": "QA" });
    const svc = client.verify.v2.services(service.sid);
    await svc.webhooks.create({ friendlyName: "events", eventTypes: ["*"], webhookUrl: hookUrl });
    const identity = "node-qa-0001";
    const factor = await svc.entities(identity).newFactors.create({ friendlyName: "node@example.com", factorType: "totp" });
    assert.equal(factor.status, "unverified");
    assert.match(factor.binding.uri, /^otpauth:\/\/totp\/QA:/);
    const secret = factor.binding.secret;
    await rejects(svc.entities(identity).challenges.create({ factorSid: factor.sid, authPayload: "123456" }), 403, 60318);
    const verified = await svc.entities(identity).factors(factor.sid).update({ authPayload: totp(secret, await sandboxNow()) });
    assert.equal(verified.status, "verified");
    const challenge = await svc.entities(identity).challenges.create({
      factorSid: factor.sid,
      authPayload: totp(secret, await sandboxNow()),
    });
    assert.equal(challenge.status, "approved");
    const listed = await svc.entities(identity).challenges.list({ status: "approved" });
    assert.equal(listed.length, 1);
    assert.equal((await svc.entities(identity).factors.list()).length, 1);

    for (let i = 0; i < 100 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(received.map((r) => r.params.type), ["factor.created", "factor.verified", "challenge.approved"]);
    for (const { signature, params } of received) {
      assert.ok(twilio.validateRequest(AUTH_TOKEN, signature, hookUrl, params), "X-Twilio-Signature validates");
    }
    assert.deepEqual(http.problems, []);
  } finally {
    server.close();
  }
});

test("Lookups: validation, formatting and line type", async () => {
  const { client, http } = sandboxClient();
  const valid = await client.lookups.v2.phoneNumbers("+14159929960").fetch({ fields: "line_type_intelligence" });
  assert.equal(valid.valid, true);
  assert.equal(valid.nationalFormat, "(415) 992-9960");
  assert.equal(valid.lineTypeIntelligence.type, "landline");
  const national = await client.lookups.v2.phoneNumbers("(415) 992-9961").fetch({ countryCode: "US" });
  assert.equal(national.phoneNumber, "+14159929961");
  const invalid = await client.lookups.v2.phoneNumbers("+141599299600").fetch();
  assert.equal(invalid.valid, false);
  assert.deepEqual(invalid.validationErrors, ["TOO_LONG"]);
  assert.deepEqual(http.problems, []);
});

test("paging follows the Sandbox's own next_page_url", async () => {
  const { client, http } = sandboxClient();
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await client.verify.v2.services.create({ friendlyName: `Page ${i}` })).sid);
  const all = await client.verify.v2.services.list({ pageSize: 2 });
  for (const sid of made) assert.ok(all.some((s) => s.sid === sid), `${sid} listed`);
  const first = await client.verify.v2.services.page({ pageSize: 2 });
  const second = await first.nextPage();
  assert.equal(second.instances.length, 2);
  assert.notEqual(second.instances[0].sid, first.instances[0].sid);
  assert.ok(http.exchanges >= 8);
  assert.deepEqual(http.problems, []);
});

test("errors: unknown resources and wrong credentials", async () => {
  const { client, http } = sandboxClient();
  await rejects(client.verify.v2.services("VA" + "f".repeat(32)).fetch(), 404, 20404);
  const { client: stranger } = sandboxClient(undefined, "not-the-token");
  await rejects(stranger.verify.v2.services.list(), 401, 20003);
  assert.deepEqual(http.problems, []);
});

test("the other resources: rate limits, buckets, messaging configurations, webhooks, safe list, templates, forms, entities", async () => {
  const { client, http } = sandboxClient();
  const service = await client.verify.v2.services.create({ friendlyName: "CRUD" });
  const svc = client.verify.v2.services(service.sid);

  const limit = await svc.rateLimits.create({ uniqueName: "end_user_ip", description: "per IP" });
  assert.equal((await svc.rateLimits(limit.sid).update({ description: "changed" })).description, "changed");
  const bucket = await svc.rateLimits(limit.sid).buckets.create({ max: 1, interval: 60 });
  assert.equal((await svc.rateLimits(limit.sid).buckets(bucket.sid).update({ max: 2 })).max, 2);
  assert.equal((await svc.rateLimits(limit.sid).buckets.list()).length, 1);
  const rateLimits = JSON.stringify({ end_user_ip: "10.1.1.1" });
  await svc.verifications.create({ to: mobileNumber(), channel: "sms", rateLimits });
  await svc.verifications.create({ to: mobileNumber(), channel: "sms", rateLimits });
  await rejects(svc.verifications.create({ to: mobileNumber(), channel: "sms", rateLimits }), 429, 20429);
  assert.equal(await svc.rateLimits(limit.sid).buckets(bucket.sid).remove(), true);
  assert.equal((await svc.rateLimits.list()).length, 1);
  assert.equal(await svc.rateLimits(limit.sid).remove(), true);

  const mg = "MG" + "1".repeat(32);
  const config = await svc.messagingConfigurations.create({ country: "US", messagingServiceSid: mg });
  assert.equal(config.country, "US");
  await rejects(svc.messagingConfigurations.create({ country: "US", messagingServiceSid: mg }), 409, 60213);
  assert.equal((await svc.messagingConfigurations("US").fetch()).messagingServiceSid, mg);
  await svc.messagingConfigurations("US").update({ messagingServiceSid: "MG" + "2".repeat(32) });
  assert.equal((await svc.messagingConfigurations.list()).length, 1);
  assert.equal(await svc.messagingConfigurations("US").remove(), true);

  const hook = await svc.webhooks.create({ friendlyName: "h", eventTypes: ["factor.created"], webhookUrl: "http://127.0.0.1:9/none" });
  assert.equal((await svc.webhooks(hook.sid).update({ status: "disabled" })).status, "disabled");
  assert.equal((await svc.webhooks.list()).length, 1);
  assert.equal(await svc.webhooks(hook.sid).remove(), true);

  const safe = await client.verify.v2.safelist.create({ phoneNumber: "+14155550177" });
  assert.match(safe.sid, /^GN/);
  assert.equal((await client.verify.v2.safelist("+14155550177").fetch()).phoneNumber, "+14155550177");
  assert.equal(await client.verify.v2.safelist("+14155550177").remove(), true);
  await rejects(client.verify.v2.safelist("+14155550177").fetch(), 404, 20404);

  const templates = await client.verify.v2.templates.list();
  assert.ok(templates.length >= 1);
  assert.equal((await client.verify.v2.forms("form-push").fetch()).formType, "form-push");

  await svc.entities.create({ identity: "crud-entity-01" });
  assert.equal((await svc.entities.list()).length, 1);
  assert.equal((await svc.entities("crud-entity-01").fetch()).identity, "crud-entity-01");
  assert.equal(await svc.entities("crud-entity-01").remove(), true);

  const sent = await svc.verifications.create({ to: mobileNumber(), channel: "sms" });
  const [attempt] = await client.verify.v2.verificationAttempts.list({ verificationSid: sent.sid });
  assert.equal((await client.verify.v2.verificationAttempts(attempt.sid).fetch()).verificationSid, sent.sid);
  assert.equal((await svc.fetch()).friendlyName, "CRUD");
  assert.equal((await svc.update({ codeLength: 8, doNotShareWarningEnabled: true })).codeLength, 8);
  assert.equal(await svc.remove(), true);
  await rejects(svc.fetch(), 404, 20404);
  assert.deepEqual(http.problems, []);
});
