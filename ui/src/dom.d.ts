// The HTML standard's FocusOptions.focusVisible, which WebKitGTK honours and
// TypeScript's DOM types do not list yet: focus moved by a key should show.
interface FocusOptions {
  focusVisible?: boolean;
}
