// The profile Verify requests go to, shared by the sidebar (which names it)
// and the Admin room (which changes it).

import { commands } from "./bindings";

export const activeProfile = $state<{ name: string | null }>({ name: null });

/** Reads the active profile again, e.g. after another room changed it. */
export async function refreshActiveProfile(): Promise<void> {
  const result = await commands.listProfiles();
  if (result.status === "ok") activeProfile.name = result.data.active;
}
