// The shell's first answer (`openWindow`: settings, the vault's state, the
// first codes), and its accounts, kept for the Authenticator room to show the
// moment it mounts, once.

import { commands, type AccountCode, type AppError, type Opening } from "./bindings";

declare global {
  interface Window {
    /** The shell's first answer, asked for by index.html's first script. */
    __twofoldOpening?: Promise<Opening>;
  }
}

/**
 * The shell's first answer (`openWindow`): the one index.html asked for as the
 * page began to load, or, without it, a new one.
 */
export async function openWindow(): ReturnType<typeof commands.openWindow> {
  const asked = window.__twofoldOpening;
  delete window.__twofoldOpening;
  if (!asked) return commands.openWindow();
  // As the generated commands read an answer: the shell's errors come as values.
  try {
    return { status: "ok", data: await asked };
  } catch (error) {
    if (error instanceof Error) throw error;
    return { status: "error", error: error as AppError };
  }
}

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
