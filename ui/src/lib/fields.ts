// Where the user types: keys there are text, not shortcuts, and the web
// view's own context menu (cut, copy, paste) belongs there.

/** Whether `target` is a field the user types into. */
export function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.matches("input, textarea, select");
}

/**
 * Whether the web view's own context menu serves at this right click: in a
 * field, or on selected text (to copy it). Elsewhere it is a browser's (Back,
 * Reload), out of place in a desktop app.
 */
export function wantsOwnContextMenu(target: EventTarget | null, selection: string): boolean {
  return isTextField(target) || selection !== "";
}
