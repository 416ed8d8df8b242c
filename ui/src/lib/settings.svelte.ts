// The app's settings, shared by the shell of rooms (which applies them) and
// Settings → Appearance, locking & clipboard (which changes them).

import { commands, type AppError, type AppSettings } from "./bindings";

export const appSettings = $state<{ current: AppSettings | null }>({ current: null });

export function applySettings(settings: AppSettings) {
  appSettings.current = settings;
  // "system" leaves light or dark to the desktop (see app.css).
  document.documentElement.dataset.theme = settings.appearance;
}

/** Saves and applies `settings`; the error when they could not be saved. */
export async function saveSettings(settings: AppSettings): Promise<AppError | null> {
  const result = await commands.saveSettings(settings);
  if (result.status === "error") return result.error;
  applySettings(result.data);
  return null;
}
