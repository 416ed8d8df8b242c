// The accounts the shell sent with its first answer (`openWindow`), kept for
// the Authenticator room to show the moment it mounts, once.

import type { AccountCode } from "./bindings";

let opening: AccountCode[] | null = null;

export function keepOpeningAccounts(accounts: AccountCode[] | null) {
  opening = accounts;
}

/** The accounts the window opened with, the first time only. */
export function takeOpeningAccounts(): AccountCode[] | null {
  const accounts = opening;
  opening = null;
  return accounts;
}
