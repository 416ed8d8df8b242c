import { describe, expect, it } from "vitest";
import { localTime } from "./admin";
import type { FactorSummary } from "./bindings";
import {
  answerFor,
  answerProblem,
  blankFactorForm,
  challengeOutcome,
  challengeStatusWords,
  effectiveMode,
  factorBadge,
  factorFormProblems,
  factorSettings,
  factorStatusWords,
  identityProblem,
  newIdentity,
  newTotpFactor,
  twilioTime,
  verifyOutcome,
} from "./factors";

describe("identityProblem", () => {
  it.each(["ff483d1f-f4be-4a10-9ce5-2f4b5bc1a5c3", "qa-user-0001", "abcdefgh", "A1B2C3D4", "x".repeat(64)])(
    "accepts %s",
    (identity) => expect(identityProblem(identity)).toBeNull(),
  );
  it("refuses an email, saying why", () =>
    expect(identityProblem("ada@example.com")).toMatch(/looks like an email address/));
  it("refuses a phone number, saying why", () =>
    expect(identityProblem("+14155550123")).toMatch(/looks like a phone number/));
  it("names the character that is not allowed", () => {
    expect(identityProblem("qa_user_0001")).toBe("“_” is not allowed: only letters, digits and dashes.");
    expect(identityProblem("qa user 0001")).toMatch(/^“space” is not allowed/);
  });
  it("counts characters when too short or too long", () => {
    expect(identityProblem("short")).toBe("Too short: 5 of at least 8 characters.");
    expect(identityProblem("")).toBe("Too short: 0 of at least 8 characters.");
    expect(identityProblem("y".repeat(65))).toBe("Too long: 65 of at most 64 characters.");
  });
  it.each(["-qa-user-1", "qa-user-1-", "qa--user-1", "--------"])("refuses the stray dash in %s", (identity) =>
    expect(identityProblem(identity)).toMatch(/Dashes go between letters or digits/),
  );
});

describe("newIdentity", () => {
  it("makes version 4 UUIDs that follow the identity rule, never the same twice", () => {
    const made = new Set(Array.from({ length: 20 }, newIdentity));
    expect(made.size).toBe(20);
    for (const identity of made) {
      expect(identity).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(identityProblem(identity)).toBeNull();
    }
  });
});

describe("the new factor form", () => {
  const named = { ...blankFactorForm(), friendlyName: " Ada's phone " };

  it("needs a name and nothing else", () => {
    expect(factorFormProblems(blankFactorForm())).toEqual({
      friendlyName: "Give the factor a name: authenticator apps show it.",
    });
    expect(factorFormProblems(named)).toEqual({});
  });
  it("keeps each setting inside Twilio's range", () => {
    expect(factorFormProblems({ ...named, digits: "9", timeStep: "19", skew: "3" })).toEqual({
      digits: "Digits is a whole number from 3 to 8.",
      timeStep: "Time step is a whole number from 20 to 60.",
      skew: "Skew is a whole number from 0 to 2.",
    });
    expect(factorFormProblems({ ...named, digits: "6.5" }).digits).toMatch(/whole number/);
    expect(factorFormProblems({ ...named, digits: "3", timeStep: "60", skew: "0" })).toEqual({});
  });
  it("sends blank settings as null, so the service's defaults apply", () => {
    expect(newTotpFactor(named)).toEqual({
      friendlyName: "Ada's phone",
      algorithm: null,
      codeLength: null,
      timeStep: null,
      skew: null,
    });
    expect(newTotpFactor({ ...named, algorithm: "sha256", digits: "8", timeStep: " 60 ", skew: "0" })).toEqual({
      friendlyName: "Ada's phone",
      algorithm: "sha256",
      codeLength: 8,
      timeStep: 60,
      skew: 0,
    });
  });
});

describe("how factors read", () => {
  const factor: FactorSummary = {
    sid: "YF0123456789abcdef0123456789abcdef",
    friendlyName: "Phone",
    status: "unverified",
    factorType: "totp",
    algorithm: "sha256",
    digits: 8,
    period: 30,
    skew: 1,
    dateCreated: null,
  };

  it("puts its code settings on one line", () => {
    expect(factorSettings(factor)).toBe("SHA256 · 8 digits · 30 s · skew 1");
    expect(factorSettings({ ...factor, algorithm: null, skew: null })).toBe("8 digits · 30 s");
  });
  it("names the factor of a linked account by its SID's tail and the identity", () =>
    expect(
      factorBadge({ factorSid: factor.sid, identity: "qa-user-0001", profile: "Sandbox", deleted: false }),
    ).toBe("Verify factor YF…abcdef · qa-user-0001"));
  it("words each status with a hint", () => {
    expect(factorStatusWords("unverified")).toEqual({
      word: "Unverified",
      hint: "verify it with its first code before any challenge",
    });
    expect(factorStatusWords("verified").word).toBe("Verified");
    expect(challengeStatusWords("expired")).toEqual({ word: "Expired", hint: "not answered in time: create a new one" });
    expect(challengeStatusWords("pending").hint).toBe("waiting for the customer's code");
    expect(challengeStatusWords("some_new_status")).toEqual({ word: "some new status", hint: null });
  });
  it("says what a verify or a challenge did", () => {
    expect(verifyOutcome("verified")).toBe("Verified — the code was right");
    expect(verifyOutcome("unverified")).toBe("Still unverified — that code is wrong");
    expect(challengeOutcome("approved", true)).toBe("Approved — the code was right");
    expect(challengeOutcome("pending", true)).toBe("Still pending — that code is wrong");
    expect(challengeOutcome("pending", false)).toBe("Pending — it waits for a code until it expires");
    expect(challengeOutcome("expired", true)).toBe("Expired — not answered in time: create a new one");
  });
  it("shows Twilio's times in local time", () => {
    expect(twilioTime("2025-05-01T12:00:00Z")).toBe(localTime(Date.UTC(2025, 4, 1, 12) / 1000));
    expect(twilioTime(null)).toBe("—");
    expect(twilioTime("soon")).toBe("soon");
  });
});

describe("answers", () => {
  it("use the linked account unless the user chose otherwise", () => {
    expect(effectiveMode(null, true)).toBe("linked");
    expect(effectiveMode(null, false)).toBe("typed");
    expect(effectiveMode("typed", true)).toBe("typed");
    expect(effectiveMode("none", false)).toBe("none");
  });
  it("fall back to a typed code when the linked account is gone", () =>
    expect(effectiveMode("linked", false)).toBe("typed"));
  it("carry the typed code, trimmed, only when typed", () => {
    expect(answerFor("typed", " 123456 ")).toEqual({ kind: "typed", code: "123456" });
    expect(answerFor("linked", "123456")).toEqual({ kind: "linked" });
    expect(answerFor("none", "")).toEqual({ kind: "none" });
  });
  it("need digits when typed", () => {
    expect(answerProblem("typed", " ")).toBe("Type the code the authenticator shows.");
    expect(answerProblem("typed", "12a456")).toBe("A code is digits only.");
    expect(answerProblem("typed", "123456")).toBeNull();
    expect(answerProblem("linked", "")).toBeNull();
  });
});
