// The judge: every response the SDK tests receive is validated against the response
// schema of its operation in the official Twilio OpenAPI specs, as shipped in the
// pinned npm package @twilio-alpha/mcp (twilio-oai/spec/json/).
//
// The specs are OpenAPI 3.0; Ajv speaks JSON Schema, so schemas are converted:
//   - `#/components/schemas/X` refs point into the converted definitions;
//   - every declared property is required: Twilio sends every field of a resource
//     (null when empty), so a missing or misspelt field cannot hide. Fields the
//     spec does not declare are allowed: Twilio adds fields over time (the pinned
//     spec predates e.g. `passkeys`) and the SDKs ignore them;
//   - `nullable: true` becomes a `null` alternative; anything else must have its
//     type, enum, pattern, length and format (a `$ref` is followed and never null);
//   - `date-time` must be Twilio's exact `YYYY-MM-DDTHH:MM:SSZ`, `uri` an absolute
//     http(s) URL.
// spec.test.mjs checks this conversion against the specs' own examples and against
// documents that must fail.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const SPEC_DIR = new URL("./node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/", import.meta.url);
const SPEC_FILES = { verify: "twilio_verify_v2.json", lookups: "twilio_lookups_v2.json" };

const FORMATS = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
  uri: /^https?:\/\/[^\s]+$/,
};

function convert(node, id) {
  if (Array.isArray(node)) return node.map((n) => convert(n, id));
  if (node === null || typeof node !== "object") return node;
  if (node.$ref) return { $ref: node.$ref.replace("#/components/schemas/", `${id}#/definitions/`) };
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "example" || key === "x-twilio") continue;
    out[key] = key === "properties" ? value : convert(value, id);
  }
  if (node.nullable && typeof node.type === "string") out.type = [node.type, "null"];
  if (node.nullable && out.enum) out.enum = [...out.enum, null];
  if (node.properties) {
    out.properties = {};
    for (const [name, prop] of Object.entries(node.properties)) {
      out.properties[name] = convert(prop, id);
    }
    out.required = Object.keys(node.properties);
  }
  return out;
}

function collectFormats(node, found = new Set()) {
  if (node && typeof node === "object") {
    if (typeof node.format === "string") found.add(node.format);
    for (const v of Object.values(node)) collectFormats(v, found);
  }
  return found;
}

export const specs = Object.fromEntries(
  Object.entries(SPEC_FILES).map(([id, file]) => [id, JSON.parse(readFileSync(new URL(file, SPEC_DIR)))]),
);

export const ajv = new Ajv({ strict: false, allErrors: true });
for (const [id, spec] of Object.entries(specs)) {
  for (const format of collectFormats(spec)) {
    ajv.addFormat(format, FORMATS[format] ?? true);
  }
  ajv.addSchema({ $id: id, definitions: convert(spec.components.schemas, id) });
}

// Operations by method, most literal path first (`/v2/Attempts/Summary` before `/v2/Attempts/{Sid}`).
const operations = [];
for (const [id, spec] of Object.entries(specs)) {
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== "object" || !op.responses) continue;
      const pattern = new RegExp("^" + template.replace(/\{[^}]+\}/g, "[^/]+") + "$");
      operations.push({ id, method: method.toUpperCase(), template, pattern, op, params: (template.match(/\{/g) || []).length });
    }
  }
}
operations.sort((a, b) => a.params - b.params);

// Twilio's error body `{code, message, more_info, status}`, as the Lookups spec declares it.
const errorSchema = ajv.compile({ $ref: "lookups#/definitions/TwilioServiceErrorResponse" });

const compiled = new Map();
function validatorFor(operation, status) {
  const responses = operation.op.responses;
  let declared = String(status);
  if (!responses[declared] && status < 300) {
    declared = Object.keys(responses).find((s) => s.startsWith("2"));
  }
  const cacheKey = `${operation.id} ${operation.method} ${operation.template} ${declared}`;
  if (!compiled.has(cacheKey)) {
    const schema = responses[declared]?.content?.["application/json"]?.schema;
    compiled.set(cacheKey, schema ? ajv.compile(convert(schema, operation.id)) : null);
  }
  return { declared, validate: compiled.get(cacheKey) };
}

export function findOperation(method, path) {
  return operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
}

/// Problems with one exchange, or [] when it matches the spec. `body` is the parsed
/// JSON (or null/"" for an empty body).
export function check({ method, url, status, body }) {
  const path = new URL(url).pathname;
  const where = `${method} ${path} → ${status}`;
  if (path.startsWith("/sandbox/")) return [];
  const operation = findOperation(method, path);
  if (!operation) return [`${where}: no operation in the spec`];
  if (status >= 400) {
    return errorSchema(body) ? [] : [`${where}: not Twilio's error body: ${ajv.errorsText(errorSchema.errors)}`];
  }
  if (status === 204) {
    return body === null || body === "" || body === undefined ? [] : [`${where}: 204 with a body`];
  }
  const { declared, validate } = validatorFor(operation, status);
  if (!declared?.startsWith("2")) return [`${where}: status not declared for ${operation.op.operationId}`];
  if (!validate) return [`${where}: ${operation.op.operationId} declares no JSON schema`];
  return validate(body) ? [] : [`${where} (${operation.op.operationId}): ${ajv.errorsText(validate.errors, { separator: "; " })}`];
}
