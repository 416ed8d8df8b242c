import { describe, expect, it } from "vitest";
import { passphraseProblem } from "./passphrase";

describe("passphraseProblem", () => {
  it("asks for a passphrase first", () => expect(passphraseProblem("", "")).toMatch(/Choose/));
  it("wants eight characters, counted as the user sees them", () => {
    expect(passphraseProblem("short", "short")).toMatch(/at least 8/);
    expect(passphraseProblem("ünïcødé!", "ünïcødé!")).toBeNull();
  });
  it("wants the confirmation", () => expect(passphraseProblem("correct horse", "")).toMatch(/again/));
  it("spots a mismatch", () => expect(passphraseProblem("correct horse", "correct hose")).toMatch(/differ/));
  it("accepts a matching pair", () => expect(passphraseProblem("correct horse", "correct horse")).toBeNull());
});
