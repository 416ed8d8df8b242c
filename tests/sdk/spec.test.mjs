// The judge is judged: its conversion of the specs must accept the specs' own
// examples and reject documents with a wrong shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { check, specs } from "./spec.mjs";

function examples() {
  const out = [];
  for (const spec of Object.values(specs)) {
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op?.responses ?? {})) {
          for (const [name, ex] of Object.entries(response.content?.["application/json"]?.examples ?? {})) {
            const path = template.replace(/\{[^}]+\}/g, "X");
            out.push({ name, method: method.toUpperCase(), url: `http://h${path}`, status: Number(status), body: ex.value });
          }
        }
      }
    }
  }
  return out;
}

const verification = () => ({
  sid: "VE" + "a".repeat(32), service_sid: "VA" + "a".repeat(32), account_sid: "AC" + "a".repeat(32),
  to: "+15017122661", channel: "sms", status: "pending", valid: false, lookup: {}, amount: null, payee: null,
  send_code_attempts: [], date_created: "2015-07-30T20:00:00Z", date_updated: "2015-07-30T20:00:00Z",
  sna: null, url: "http://127.0.0.1/v2/Services/VA/Verifications/VE",
});
const send = (body) => check({ method: "POST", url: "http://h/v2/Services/VAx/Verifications", status: 201, body });

test("the specs' own Verify and Lookups examples pass", () => {
  const wanted = examples().filter((e) => /\/v2\/(Services|PhoneNumbers\/X$|Attempts|SafeList|Templates|Forms)/.test(e.url));
  assert.ok(wanted.length > 40, `only ${wanted.length} examples found`);
  const failures = wanted.flatMap((e) => check(e).map((p) => `${e.name}: ${p}`));
  assert.deepEqual(failures, []);
});

test("a right shape passes and nullable fields may be null", () => {
  assert.deepEqual(send(verification()), []);
  assert.deepEqual(send({ ...verification(), lookup: null, sna: { url: "http://h/sna" } }), []);
  const lookup = check({
    method: "GET", url: "http://h/v2/PhoneNumbers/+14159929960", status: 200,
    body: { calling_country_code: "1", country_code: "US", phone_number: "+14159929960", national_format: "(415) 992-9960",
      valid: true, validation_errors: [], caller_name: null, sim_swap: null, call_forwarding: null, line_status: null,
      line_type_intelligence: { mobile_country_code: "310", mobile_network_code: "001", carrier_name: "c", type: "mobile", error_code: null },
      identity_match: null, reassigned_number: null, sms_pumping_risk: null, phone_number_quality_score: null, pre_fill: null,
      url: "http://h/v2/PhoneNumbers/+14159929960" },
  });
  assert.deepEqual(lookup, []);
});

test("wrong shapes fail", () => {
  const cases = {
    "enum through $ref": { ...verification(), channel: "pigeon" },
    "null through $ref": { ...verification(), channel: null },
    "type": { ...verification(), valid: "yes" },
    "pattern": { ...verification(), sid: "XX" + "a".repeat(32) },
    "fractional seconds": { ...verification(), date_created: "2015-07-30T20:00:00.123Z" },
    "relative url": { ...verification(), url: "/v2/Services" },
    "missing field": (({ url, ...rest }) => rest)(verification()),
    "misspelt field": (({ url, ...rest }) => ({ ...rest, uri: url }))(verification()),
  };
  for (const [name, body] of Object.entries(cases)) {
    assert.notDeepEqual(send(body), [], `${name} was accepted`);
  }
  const badPackage = check({ method: "GET", url: "http://h/v2/PhoneNumbers/+1", status: 200, body: { caller_name: "x" } });
  assert.notDeepEqual(badPackage, []);
  const badError = check({ method: "GET", url: "http://h/v2/Services", status: 404, body: { error: "nope" } });
  assert.notDeepEqual(badError, []);
  assert.notDeepEqual(check({ method: "GET", url: "http://h/v2/Nowhere", status: 200, body: {} }), []);
});
