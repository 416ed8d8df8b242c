// Rules for the accounts people shape, that need no window: issuer icons and
// letter badges, the tag filter, the order, the edit and by-hand forms.

import type { AccountChanges, AccountCode, ManualEntry } from "./bindings";
import { ALGORITHMS } from "./factors";
import { BRAND_ICONS, type BrandIcon } from "./icons.generated";

/** A name as icons are looked up by: lower case, letters and digits only ("Epic Games!" → "epicgames"). */
export function iconKey(text: string): string {
  // NFKD splits accents off their letters, so "Nextclöud" still finds Nextcloud.
  return text.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]/g, "");
}

const ICONS_BY_KEY = new Map<string, BrandIcon>(
  BRAND_ICONS.flatMap((icon) => [icon.slug, icon.title, ...icon.aliases].map((name) => [iconKey(name), icon] as const)),
);

/** Issuers written as a domain, e.g. "accounts.google.com". */
const DOMAIN = /^(?:[a-z0-9-]+\.)+[a-z]{2,}$/i;

/**
 * The brand icon for an issuer, or null. The whole name is tried first (so
 * "Booking.com" or "Fly.io" stay whole), then, for a domain, the name just
 * before its top-level part ("accounts.google.com" → google).
 */
export function iconFor(issuer: string): BrandIcon | null {
  const text = issuer.trim();
  const whole = ICONS_BY_KEY.get(iconKey(text));
  if (whole || !DOMAIN.test(text)) return whole ?? null;
  const labels = text.split(".");
  return ICONS_BY_KEY.get(iconKey(labels[labels.length - 2])) ?? null;
}

/** WCAG relative luminance of a `RRGGBB` colour. */
function luminance(hex: string): number {
  const [red, green, blue] = [0, 2, 4].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

/** White or near-black, whichever reads better on a brand colour (`RRGGBB`). */
export function glyphColourOn(hex: string): "#ffffff" | "#111111" {
  const background = luminance(hex);
  const onWhite = 1.05 / (background + 0.05);
  const onBlack = (background + 0.05) / (luminance("111111") + 0.05);
  return onWhite >= onBlack ? "#ffffff" : "#111111";
}

export interface LetterBadge {
  letter: string;
  /** A CSS colour dark enough for a white letter, the same for the same name. */
  colour: string;
}

/** The badge shown when an issuer has no icon: its first letter or digit on a colour of its own. */
export function letterBadge(text: string): LetterBadge {
  const letter = text.match(/[\p{L}\p{N}]/u)?.[0].toLocaleUpperCase() ?? "?";
  // FNV-1a over the name: spreads similar names over the colour wheel.
  let hash = 0x811c9dc5;
  for (const character of text.trim().toLowerCase()) {
    hash = Math.imul(hash ^ character.codePointAt(0)!, 0x01000193) >>> 0;
  }
  return { letter, colour: `hsl(${hash % 360} 50% 36%)` };
}

/** How an account is named wherever it is listed: "Issuer (name)", or the name alone. */
export function accountTitle(account: { issuer: string | null; name: string }): string {
  return account.issuer ? `${account.issuer} (${account.name})` : account.name;
}

/** Tags are the same tag whatever their case, as the vault keeps them. */
export function sameTag(tag: string, other: string | null): boolean {
  return other !== null && tag.toLowerCase() === other.toLowerCase();
}

/** True when the account carries `tag`, or when no tag is chosen. */
export function hasTag(account: { tags: string[] }, tag: string | null): boolean {
  return tag === null || account.tags.some((own) => sameTag(own, tag));
}

/**
 * The tags after the user typed `text` into the tag field: commas separate
 * tags; blanks and tags already there (any case) are dropped, as the vault
 * would drop them on save.
 */
export function withTags(tags: string[], text: string): string[] {
  const result = [...tags];
  for (const tag of text.split(",").map((part) => part.trim())) {
    if (tag !== "" && !hasTag({ tags: result }, tag)) result.push(tag);
  }
  return result;
}

/** What the edit form starts from: the account as it is (a blank issuer is none to the vault). */
export function changesOf(account: AccountCode): AccountChanges & { issuer: string } {
  return {
    issuer: account.issuer ?? "",
    name: account.name,
    tags: [...account.tags],
    note: account.note,
    favourite: account.favourite,
  };
}

/**
 * What pasted `text` holds: one otpauth:// link (an account to add, after a
 * look), several, or a Google Authenticator export's otpauth-migration://
 * links (accounts to import, after a preview), or neither (words to search
 * for). Schemes in any case, as the shell reads them.
 */
export function pastedAccounts(text: string): "link" | "links" | null {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0 || !lines.every((line) => /^otpauth(-migration)?:\/\//i.test(line))) return null;
  return lines.length === 1 && /^otpauth:/i.test(lines[0]) ? "link" : "links";
}

export type Direction = "up" | "down";

interface Placed {
  id: string;
  favourite: boolean;
}

/**
 * How many account rows the first frame builds for a viewport `height` px tall
 * (the rest come one frame later: building rows below the fold held the first
 * codes back). The list starts at least 4.5rem down (the room's padding and
 * its header: title, search, Add) and a row is at least 3.9rem tall
 * (AccountRow: its paddings and two lines of text), so this many always fill
 * the window.
 */
export function rowsInFirstFrame(height: number, remPx: number): number {
  return Math.max(1, Math.ceil((height - 4.5 * remPx) / (3.9 * remPx)));
}

/**
 * The account `id` trades places with when moved: the next one shown in that
 * direction, if it is in the same group (favourites or the rest), since
 * favourites are always listed first. Null at the edge of the group.
 */
export function moveNeighbour<T extends Placed>(shown: T[], id: string, direction: Direction): T | null {
  const at = shown.findIndex((account) => account.id === id);
  if (at === -1) return null;
  const neighbour = shown[direction === "up" ? at - 1 : at + 1];
  return neighbour && neighbour.favourite === shown[at].favourite ? neighbour : null;
}

/**
 * Where `moveAccount` puts `id` to trade places with `neighbourId`: the
 * neighbour's place in the list as the shell shows it (favourites first),
 * which is the index the shell counts in. Null when either is not listed.
 */
export function moveIndex(listed: Placed[], id: string, neighbourId: string): number | null {
  const index = listed.findIndex((account) => account.id === neighbourId);
  return index === -1 || !listed.some((account) => account.id === id) ? null : index;
}

export const CODE_KINDS = [
  { kind: "totp", label: "TOTP", hint: "a new code every 30 s — most services" },
  { kind: "hotp", label: "HOTP", hint: "a new code each time you ask" },
  { kind: "steam", label: "Steam", hint: "Steam Guard's five-character codes" },
] as const;

export type CodeKindChoice = (typeof CODE_KINDS)[number]["kind"];

/** The "add by hand" form as typed; a blank advanced setting takes the usual default. */
export interface ManualForm {
  issuer: string;
  name: string;
  secret: string;
  kind: CodeKindChoice;
  algorithm: "" | (typeof ALGORITHMS)[number];
  digits: string;
  period: string;
  counter: string;
}

export const blankManualForm = (): ManualForm => ({
  issuer: "",
  name: "",
  secret: "",
  kind: "totp",
  algorithm: "",
  digits: "",
  period: "",
  counter: "",
});

type Setting = "algorithm" | "digits" | "period" | "counter";

/** Which advanced settings a kind of code has: Steam fixes its algorithm and length. */
export function manualSettings(kind: CodeKindChoice): Record<Setting, boolean> {
  return { algorithm: kind !== "steam", digits: kind !== "steam", period: kind !== "hotp", counter: kind === "hotp" };
}

const NUMBER_FIELDS = { digits: "Digits", period: "Period", counter: "Counter" } as const;

export type ManualFormProblems = Partial<Record<keyof typeof NUMBER_FIELDS, string>>;

/**
 * What the window can tell is wrong before sending: a setting that is not a
 * whole number. Everything else (the secret, the ranges) is checked by the
 * shell with the same rules and words as a URI.
 */
export function manualFormProblems(form: ManualForm): ManualFormProblems {
  const problems: ManualFormProblems = {};
  const applies = manualSettings(form.kind);
  for (const field of Object.keys(NUMBER_FIELDS) as (keyof typeof NUMBER_FIELDS)[]) {
    const text = form[field].trim();
    if (applies[field] && text !== "" && !/^\d+$/.test(text)) {
      problems[field] = `${NUMBER_FIELDS[field]} is a whole number, or blank for the usual.`;
    }
  }
  return problems;
}

/** The entry for a form without problems; settings that are blank or do not apply to its kind are null. */
export function manualEntry(form: ManualForm): ManualEntry {
  const applies = manualSettings(form.kind);
  const number = (field: keyof typeof NUMBER_FIELDS) =>
    applies[field] && form[field].trim() !== "" ? Number(form[field].trim()) : null;
  return {
    issuer: form.issuer.trim() === "" ? null : form.issuer,
    // As typed: the shell trims labels and drops the secret's spaces itself,
    // and names a bad character by its place in the text the user sees.
    name: form.name,
    secret: form.secret,
    kind: form.kind,
    algorithm: applies.algorithm && form.algorithm !== "" ? form.algorithm : null,
    digits: number("digits"),
    period: number("period"),
    counter: number("counter"),
  };
}
