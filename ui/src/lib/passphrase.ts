// Checks on a new passphrase, shown as the user types.

export const MIN_PASSPHRASE_LENGTH = 8;

/** What is wrong with a new passphrase and its confirmation, or null when it can be used. */
export function passphraseProblem(passphrase: string, confirmation: string): string | null {
  if (passphrase.length === 0) return "Choose a passphrase.";
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    return `Use at least ${MIN_PASSPHRASE_LENGTH} characters; a few words make a passphrase easy to remember.`;
  }
  if (confirmation.length > 0 && confirmation !== passphrase) return "The two passphrases differ.";
  if (confirmation.length === 0) return "Type the passphrase again to confirm it.";
  return null;
}
