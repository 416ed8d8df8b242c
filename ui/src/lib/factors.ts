// Rules of the Factors room that need no window: the identity rule, the new
// factor form, status words and which code answers.

import { localTime, shortSid, type StatusWords } from "./admin";
import type { Answer, FactorSummary, LinkedFactor, NewTotpFactor } from "./bindings";

/** Twilio's rule for an entity's identity, as the field shows it. */
export const IDENTITY_RULE =
  "8–64 letters and digits in groups joined by single dashes, e.g. a UUID — never personal data such as an email.";

/** What is wrong with an identity, in words; null when Twilio will take it. */
export function identityProblem(identity: string): string | null {
  if (identity.includes("@")) {
    return "That looks like an email address: use an ID that says nothing about the person, such as a UUID.";
  }
  if (/^\+\d/.test(identity)) {
    return "That looks like a phone number: use an ID that says nothing about the person, such as a UUID.";
  }
  const stray = identity.match(/[^A-Za-z0-9-]/)?.[0];
  if (stray !== undefined) {
    return `“${stray === " " ? "space" : stray}” is not allowed: only letters, digits and dashes.`;
  }
  if (identity.length < 8) return `Too short: ${identity.length} of at least 8 characters.`;
  if (identity.length > 64) return `Too long: ${identity.length} of at most 64 characters.`;
  // Twilio wants dash-separated parts: a dash at either end or two together is refused (60306).
  if (identity.split("-").some((part) => part === "")) {
    return "Dashes go between letters or digits: not at either end, never two together.";
  }
  return null;
}

/** A random UUID (version 4): an identity that says nothing about the person. */
export function newIdentity(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const ALGORITHMS = ["sha1", "sha256", "sha512"] as const;

/** The new factor form as typed; a blank setting takes the service's default. */
export interface FactorForm {
  friendlyName: string;
  algorithm: "" | (typeof ALGORITHMS)[number];
  digits: string;
  timeStep: string;
  skew: string;
}

export const blankFactorForm = (): FactorForm => ({ friendlyName: "", algorithm: "", digits: "", timeStep: "", skew: "" });

const FACTOR_RANGES = {
  digits: [3, 8, "Digits"],
  timeStep: [20, 60, "Time step"],
  skew: [0, 2, "Skew"],
} as const;

export type FactorFormProblems = Partial<Record<keyof FactorForm, string>>;

/** What is wrong with each field of the form, in words; empty when it can be sent. */
export function factorFormProblems(form: FactorForm): FactorFormProblems {
  const problems: FactorFormProblems = {};
  if (form.friendlyName.trim() === "") {
    problems.friendlyName = "Give the factor a name: authenticator apps show it.";
  }
  for (const field of Object.keys(FACTOR_RANGES) as (keyof typeof FACTOR_RANGES)[]) {
    const [low, high, label] = FACTOR_RANGES[field];
    const text = form[field].trim();
    if (text === "") continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < low || value > high) {
      problems[field] = `${label} is a whole number from ${low} to ${high}.`;
    }
  }
  return problems;
}

/** The request for a form without problems. */
export function newTotpFactor(form: FactorForm): NewTotpFactor {
  const number = (text: string) => (text.trim() === "" ? null : Number(text.trim()));
  return {
    friendlyName: form.friendlyName.trim(),
    algorithm: form.algorithm === "" ? null : form.algorithm,
    codeLength: number(form.digits),
    timeStep: number(form.timeStep),
    skew: number(form.skew),
  };
}

/** A factor's code settings in one line: `SHA1 · 6 digits · 30 s · skew 1`. */
export function factorSettings(factor: FactorSummary): string {
  return [
    factor.algorithm?.toUpperCase(),
    factor.digits === null ? null : `${factor.digits} digits`,
    factor.period === null ? null : `${factor.period} s`,
    factor.skew === null ? null : `skew ${factor.skew}`,
  ]
    .filter((part) => part != null)
    .join(" · ");
}

/** The factor an Authenticator account belongs to, in one short line. */
export function factorBadge(link: LinkedFactor): string {
  return `Verify factor ${shortSid(link.factorSid)} · ${link.identity}`;
}

/** A time as Twilio writes it (`2025-05-01T12:00:00Z`), in the user's time zone; "—" when there is none. */
export function twilioTime(text: string | null): string {
  if (!text) return "—";
  const unixMs = Date.parse(text);
  return Number.isNaN(unixMs) ? text : localTime(unixMs / 1000);
}

const FACTOR_STATUS: Record<string, StatusWords> = {
  unverified: { word: "Unverified", hint: "verify it with its first code before any challenge" },
  verified: { word: "Verified", hint: "its codes answer challenges" },
};

const CHALLENGE_STATUS: Record<string, StatusWords> = {
  pending: { word: "Pending", hint: "waiting for the customer's code" },
  approved: { word: "Approved", hint: "the code was right" },
  denied: { word: "Denied", hint: "the customer turned it down" },
  expired: { word: "Expired", hint: "not answered in time: create a new one" },
};

const wordsFrom = (table: Record<string, StatusWords>, status: string): StatusWords =>
  table[status] ?? { word: status.replaceAll("_", " ") || "Unknown", hint: null };

export const factorStatusWords = (status: string) => wordsFrom(FACTOR_STATUS, status);
export const challengeStatusWords = (status: string) => wordsFrom(CHALLENGE_STATUS, status);

/** What verifying a factor did, in one line. */
export function verifyOutcome(status: string): string {
  return status === "verified" ? "Verified — the code was right" : "Still unverified — that code is wrong";
}

/** What creating or answering a challenge did; `answered` is false for one left pending on purpose. */
export function challengeOutcome(status: string, answered: boolean): string {
  if (status === "pending") {
    return answered ? "Still pending — that code is wrong" : "Pending — it waits for a code until it expires";
  }
  const { word, hint } = challengeStatusWords(status);
  return hint ? `${word} — ${hint}` : word;
}

/** How the user chose to answer: the linked account's code, a typed one, or none (challenge left pending). */
export type AnswerMode = Answer["kind"];

/** The answer mode in effect: the user's choice, else the linked account when there is one. */
export function effectiveMode(chosen: AnswerMode | null, linked: boolean): AnswerMode {
  if (chosen === null || (chosen === "linked" && !linked)) return linked ? "linked" : "typed";
  return chosen;
}

export function answerFor(mode: AnswerMode, code: string): Answer {
  if (mode === "typed") return { kind: "typed", code: code.trim() };
  return { kind: mode };
}

/** Why the answer cannot be sent yet, or null. */
export function answerProblem(mode: AnswerMode, code: string): string | null {
  if (mode !== "typed") return null;
  const text = code.trim();
  if (text === "") return "Type the code the authenticator shows.";
  if (!/^\d+$/.test(text)) return "A code is digits only.";
  return null;
}
