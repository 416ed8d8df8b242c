// Presentation rules for one-time codes: grouping, the countdown ring, search.

/** Groups a code for reading aloud: `123 456`, `1234 5678`, `123 4567`. Steam codes stay whole. */
export function groupCode(code: string): string {
  if (!/^\d+$/.test(code) || code.length < 6) return code;
  const head = Math.floor(code.length / 2);
  return `${code.slice(0, head)} ${code.slice(head)}`;
}

/** The seconds at which a countdown turns amber. */
export const URGENT_SECONDS = 5;

export function isUrgent(secondsLeft: number | null): boolean {
  return secondsLeft !== null && secondsLeft <= URGENT_SECONDS;
}

/**
 * Seconds left on a code that had `secondsLeft` at unix second `receivedAt`,
 * now at unix second `now`. The shell sends new codes when they turn over;
 * in between the countdown runs here, with no call to the shell.
 */
export function secondsLeftAt(secondsLeft: number, receivedAt: number, now: number): number {
  return Math.max(0, secondsLeft - Math.max(0, now - receivedAt));
}

/** The share of the period still left, 0..1, for the countdown ring. */
export function ringFraction(secondsLeft: number, period: number): number {
  if (period <= 0) return 0;
  return Math.min(1, Math.max(0, secondsLeft / period));
}

export interface Searchable {
  issuer: string | null;
  name: string;
  tags: string[];
}

/** True when every word of the query is found in the issuer, the name or a tag (case-insensitive). */
export function matchesQuery(account: Searchable, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [account.issuer ?? "", account.name, ...account.tags].join("\n").toLowerCase();
  return words.every((word) => haystack.includes(word));
}
