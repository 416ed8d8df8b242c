import { describe, expect, it } from "vitest";
import { groupCode, isUrgent, matchesQuery, ringFraction, secondsLeftAt } from "./codes";

describe("groupCode", () => {
  it("splits six digits in threes", () => expect(groupCode("123456")).toBe("123 456"));
  it("splits eight digits in fours", () => expect(groupCode("12345678")).toBe("1234 5678"));
  it("puts the longer half last for seven digits", () => expect(groupCode("1234567")).toBe("123 4567"));
  it("leaves Steam codes whole", () => expect(groupCode("5XK2P")).toBe("5XK2P"));
});

describe("countdown", () => {
  it("is urgent in the last five seconds only", () => {
    expect(isUrgent(6)).toBe(false);
    expect(isUrgent(5)).toBe(true);
    expect(isUrgent(1)).toBe(true);
    expect(isUrgent(null)).toBe(false);
  });
  it("counts down from when the codes arrived, never below zero", () => {
    expect(secondsLeftAt(12, 1000, 1000)).toBe(12);
    expect(secondsLeftAt(12, 1000, 1005)).toBe(7);
    expect(secondsLeftAt(12, 1000, 1030)).toBe(0);
    expect(secondsLeftAt(12, 1000, 999)).toBe(12);
  });
  it("maps seconds left to the ring's share", () => {
    expect(ringFraction(15, 30)).toBe(0.5);
    expect(ringFraction(30, 30)).toBe(1);
    expect(ringFraction(40, 30)).toBe(1);
    expect(ringFraction(3, 0)).toBe(0);
  });
});

describe("matchesQuery", () => {
  const account = { issuer: "GitHub", name: "ada@example.com", tags: ["work"] };
  it("matches issuer, name and tags, ignoring case", () => {
    expect(matchesQuery(account, "github")).toBe(true);
    expect(matchesQuery(account, "ADA")).toBe(true);
    expect(matchesQuery(account, "work")).toBe(true);
  });
  it("needs every word", () => {
    expect(matchesQuery(account, "git ada")).toBe(true);
    expect(matchesQuery(account, "git bob")).toBe(false);
  });
  it("matches everything on an empty query", () => expect(matchesQuery(account, "  ")).toBe(true));
});
