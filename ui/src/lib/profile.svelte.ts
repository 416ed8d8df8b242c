// The profile Verify requests go to, shared by the sidebar (which names it)
// and the Admin room (which changes it).

import { commands, type AppError, type ProfileChoice } from "./bindings";

export const activeProfile = $state<{ name: string | null }>({ name: null });

/** Reads the active profile again, e.g. after another room changed it. */
export async function refreshActiveProfile(): Promise<void> {
  await loadProfileChoices();
}

/** The profiles a room can act as, and the one in use (which the sidebar names). */
export async function loadProfileChoices(): Promise<{ choices: ProfileChoice[] } | { error: AppError }> {
  const result = await commands.listProfiles();
  if (result.status === "error") return { error: result.error };
  activeProfile.name = result.data.active;
  return { choices: result.data.choices };
}

/** Makes `name` the profile in use, for every room and the sidebar; the error if that failed. */
export async function chooseProfile(name: string): Promise<AppError | null> {
  const result = await commands.selectProfile(name);
  if (result.status === "error") return result.error;
  activeProfile.name = name;
  return null;
}
