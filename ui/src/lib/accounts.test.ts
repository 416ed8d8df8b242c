import { describe, expect, it } from "vitest";
import {
  accountTitle,
  blankManualForm,
  changesOf,
  glyphColourOn,
  hasTag,
  pastedAccounts,
  iconFor,
  iconKey,
  letterBadge,
  manualEntry,
  manualFormProblems,
  moveIndex,
  moveNeighbour,
  rowsInFirstFrame,
  sameTag,
  withTags,
  type Direction,
} from "./accounts";
import type { AccountCode } from "./bindings";

describe("iconFor", () => {
  it("ignores case, spaces and punctuation", () => {
    expect(iconKey(" Epic Games! ")).toBe("epicgames");
    expect(iconFor("GITHUB")?.slug).toBe("github");
    expect(iconFor("Epic-Games")?.slug).toBe("epicgames");
    expect(iconFor("digital ocean")?.slug).toBe("digitalocean");
  });
  it("knows issuers by their other names", () => {
    expect(iconFor("Twitter")?.slug).toBe("x");
    expect(iconFor("Tutanota")?.slug).toBe("tuta");
    expect(iconFor("PlayStation Network")?.slug).toBe("playstation");
  });
  it("finds a brand whose title holds punctuation", () => expect(iconFor("Fly.io")?.slug).toBe("flydotio"));
  it("reads an issuer written as a domain", () => {
    expect(iconFor("accounts.google.com")?.slug).toBe("google");
    expect(iconFor("github.com")?.slug).toBe("github");
  });
  it("has none for an unknown issuer", () => {
    expect(iconFor("ACME Co")).toBeNull();
    expect(iconFor("login.acme.example")).toBeNull();
    expect(iconFor("")).toBeNull();
  });
});

describe("glyphColourOn", () => {
  it("puts white on dark brands and black on light ones", () => {
    expect(glyphColourOn("181717")).toBe("#ffffff");
    expect(glyphColourOn("0052CC")).toBe("#ffffff");
    expect(glyphColourOn("F0B90B")).toBe("#111111");
    expect(glyphColourOn("FFFC00")).toBe("#111111");
  });
});

describe("letterBadge", () => {
  it("shows the first letter or digit, in capitals", () => {
    expect(letterBadge("acme Co").letter).toBe("A");
    expect(letterBadge("  (1st) bank").letter).toBe("1");
    expect(letterBadge("ńoname").letter).toBe("Ń");
    expect(letterBadge("@@").letter).toBe("?");
  });
  it("gives a name the same colour whatever its case, and other names others", () => {
    expect(letterBadge("ACME Co").colour).toBe(letterBadge("acme co").colour);
    expect(letterBadge("ACME Co").colour).not.toBe(letterBadge("Initech").colour);
    expect(letterBadge("ACME Co").colour).toMatch(/^hsl\(\d{1,3} 50% 36%\)$/);
  });
});

describe("tags", () => {
  const account = { tags: ["Work", "2fa"] };
  it("filters by a tag in any case, or not at all", () => {
    expect(hasTag(account, "work")).toBe(true);
    expect(hasTag(account, "home")).toBe(false);
    expect(hasTag(account, null)).toBe(true);
    expect(hasTag({ tags: [] }, "work")).toBe(false);
    expect(sameTag("Work", "wORK")).toBe(true);
    expect(sameTag("Work", null)).toBe(false);
  });
  it("adds what was typed, split at commas, without blanks or repeats", () => {
    expect(withTags(["work"], " home ")).toEqual(["work", "home"]);
    expect(withTags(["work"], "a, b,,WORK, a")).toEqual(["work", "a", "b"]);
    expect(withTags(["work"], "  ")).toEqual(["work"]);
  });
  it("starts the edit form from the account, without sharing its tags", () => {
    const shown = { issuer: "GitHub", name: "ada", tags: ["work"], note: "n", favourite: true } as AccountCode;
    const changes = changesOf(shown);
    expect(changes).toEqual({ issuer: "GitHub", name: "ada", tags: ["work"], note: "n", favourite: true });
    changes.tags.push("home");
    expect(shown.tags).toEqual(["work"]);
    expect(changesOf({ ...shown, issuer: null }).issuer).toBe("");
  });
});

/** The shell's rules, as src-tauri and the core have them: a list ordered by (not favourite, position), `move_to`. */
class Shell {
  accounts: { id: string; favourite: boolean; position: number }[];
  constructor(userOrder: string, favourites: string) {
    this.accounts = [...userOrder].map((id, position) => ({ id, favourite: favourites.includes(id), position }));
  }
  listed() {
    return [...this.accounts].sort((a, b) => Number(b.favourite) - Number(a.favourite) || a.position - b.position);
  }
  move(id: string, index: number) {
    const order = this.listed();
    const moved = order.splice(order.findIndex((account) => account.id === id), 1)[0];
    order.splice(Math.min(index, order.length), 0, moved);
    order.forEach((account, position) => (account.position = position));
  }
  /** Moves as the room does, and returns the list as shown afterwards. */
  shape(id: string, direction: Direction, shown = this.listed()): string {
    const neighbour = moveNeighbour(shown, id, direction);
    const index = neighbour && moveIndex(this.listed(), id, neighbour.id);
    if (index !== null) this.move(id, index);
    return this.listed().map((account) => account.id).join("");
  }
}

describe("moving accounts", () => {
  it("swaps with the neighbour, one call at the neighbour's place", () => {
    expect(new Shell("abcd", "").shape("c", "up")).toBe("acbd");
    expect(new Shell("abcd", "").shape("b", "down")).toBe("acbd");
    expect(moveIndex(new Shell("abcd", "").listed(), "c", "b")).toBe(1);
  });
  it("stays within its group: never above a favourite, never below the rest", () => {
    const shell = new Shell("abcd", "c");
    expect(shell.listed().map((account) => account.id).join("")).toBe("cabd");
    expect(moveNeighbour(shell.listed(), "a", "up")).toBeNull();
    expect(moveNeighbour(shell.listed(), "c", "down")).toBeNull();
    expect(moveNeighbour(shell.listed(), "c", "up")).toBeNull();
    expect(moveNeighbour(shell.listed(), "d", "down")).toBeNull();
  });
  it("moves the rest right when favourites sit between them in the user's order", () => {
    // User's order a b c d e, c and e favourites: listed c e a b d.
    expect(new Shell("abcde", "ce").shape("d", "up")).toBe("ceadb");
    expect(new Shell("abcde", "ce").shape("a", "down")).toBe("cebad");
    expect(new Shell("abcde", "ce").shape("b", "up")).toBe("cebad");
  });
  it("moves favourites right wherever they are in the user's order", () => {
    expect(new Shell("abcde", "be").shape("e", "up")).toBe("ebacd");
    expect(new Shell("abcde", "be").shape("b", "down")).toBe("ebacd");
    expect(new Shell("eabcd", "bde").shape("d", "up")).toBe("edbac");
  });
  it("moves past the neighbour shown, when a filter hides the ones between", () => {
    const shell = new Shell("abcde", "");
    const shown = shell.listed().filter((account) => account.id !== "c");
    expect(shell.shape("d", "up", shown)).toBe("adbce");
  });
  it("asks nothing of the shell for an account or neighbour it does not list", () => {
    const listed = new Shell("ab", "").listed();
    expect(moveIndex(listed, "z", "a")).toBeNull();
    expect(moveIndex(listed, "a", "z")).toBeNull();
  });
});

describe("the add-by-hand form", () => {
  const form = { ...blankManualForm(), issuer: "ACME Co", name: "ada@example.com", secret: "jbsw y3dp ehpk 3pxp" };

  it("sends blank advanced settings as null, for the shell's defaults", () => {
    expect(manualEntry(form)).toEqual({
      issuer: "ACME Co",
      name: "ada@example.com",
      secret: "jbsw y3dp ehpk 3pxp",
      kind: "totp",
      algorithm: null,
      digits: null,
      period: null,
      counter: null,
    });
  });
  it("sends a blank issuer as none", () => expect(manualEntry({ ...form, issuer: "  " }).issuer).toBeNull());
  it("sends the settings typed, as numbers", () => {
    const entry = manualEntry({ ...form, algorithm: "sha256", digits: " 8 ", period: "60", counter: "5" });
    expect(entry).toMatchObject({ algorithm: "sha256", digits: 8, period: 60, counter: null });
  });
  it("sends only the settings the kind has", () => {
    const typed = { ...form, algorithm: "sha512", digits: "8", period: "60", counter: "9007199254740991" } as const;
    expect(manualEntry({ ...typed, kind: "hotp" })).toMatchObject({ algorithm: "sha512", digits: 8, period: null, counter: 9007199254740991 });
    expect(manualEntry({ ...typed, kind: "steam" })).toMatchObject({ algorithm: null, digits: null, period: 60, counter: null });
  });
  it("says which settings are not whole numbers, and only for the settings the kind has", () => {
    expect(manualFormProblems(form)).toEqual({});
    expect(manualFormProblems({ ...form, digits: "six", period: "1.5", counter: "x" })).toEqual({
      digits: "Digits is a whole number, or blank for the usual.",
      period: "Period is a whole number, or blank for the usual.",
    });
    expect(manualFormProblems({ ...form, kind: "hotp", counter: "-1" })).toEqual({
      counter: "Counter is a whole number, or blank for the usual.",
    });
  });
});

describe("accountTitle", () => {
  it("names the issuer first and the account in brackets", () => {
    expect(accountTitle({ issuer: "GitHub", name: "octocat" })).toBe("GitHub (octocat)");
  });

  it("is the account's name alone when it has no issuer", () => {
    expect(accountTitle({ issuer: null, name: "ada@example.com" })).toBe("ada@example.com");
    expect(accountTitle({ issuer: "", name: "ada@example.com" })).toBe("ada@example.com");
  });
});

describe("pastedAccounts", () => {
  const ACME = "otpauth://totp/ACME:ada?secret=JBSWY3DPEHPK3PXP";

  it("takes one link, of either kind, in any case, as one account to add", () => {
    expect(pastedAccounts(ACME)).toBe("link");
    expect(pastedAccounts("  OTPAUTH://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1\n")).toBe("link");
  });

  it("takes several links, or a Google Authenticator export, as accounts to import", () => {
    expect(pastedAccounts(`${ACME}\r\n\notpauth://totp/GitLab:grace?secret=GEZDGNBVGY3TQOJQ\n`)).toBe("links");
    expect(pastedAccounts("otpauth-migration://offline?data=CjQK")).toBe("links");
  });

  it("leaves words, other links and links mixed with text to the search", () => {
    expect(pastedAccounts("github")).toBeNull();
    expect(pastedAccounts("")).toBeNull();
    expect(pastedAccounts("https://example.com/otpauth://")).toBeNull();
    expect(pastedAccounts(`my codes:\n${ACME}`)).toBeNull();
  });
});

describe("rowsInFirstFrame", () => {
  it("builds enough rows to fill the window below the room's header, and no more", () => {
    // 700 px at 16 px a rem: 628 px of list, rows of at least 62.4 px.
    expect(rowsInFirstFrame(700, 16)).toBe(11);
    // Larger text, fewer rows.
    expect(rowsInFirstFrame(700, 20)).toBe(8);
    expect(rowsInFirstFrame(1400, 16)).toBe(22);
  });

  it("always builds at least one row", () => {
    expect(rowsInFirstFrame(100, 16)).toBe(1);
  });
});
