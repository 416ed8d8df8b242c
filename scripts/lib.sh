# Shared helpers for the scripts in this folder; source it, don't run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs `npm ci` in a folder unless its node_modules already matches the lock file.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.twofold-lock-hash" hash
  hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then return 0; fi
  step "npm ci in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" >"$stamp"
}

# Builds the web UI (a fraction of a second with Vite) so that the Tauri crate,
# which embeds ui/dist at compile time, can build.
build_ui() {
  (cd "$ROOT/ui" && npm run --silent build >/dev/null)
}

# Runs a command with a scratch HOME and XDG dirs inside a private D-Bus
# session whose gnome-keyring is unlocked: tests meet a real Secret Service
# and never the user's own keyring or data.
private_session() {
  # Cargo and rustup live under the real HOME.
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  local scratch status=0
  scratch="$(mktemp -d)"
  mkdir -m 700 -p "$scratch/home" "$scratch/runtime"
  HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/runtime" \
  XDG_DATA_HOME="$scratch/home/.local/share" XDG_CONFIG_HOME="$scratch/home/.config" \
    dbus-run-session -- sh -c '
      printf "twofold-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
      exec "$@"
    ' private-session "$@" || status=$?
  # The desktop's document portal may have left its FUSE mount in the
  # scratch runtime dir; cleaning up must never fail the tests.
  fusermount3 -u -z "$scratch/runtime/doc" 2>/dev/null || true
  rm -rf "$scratch" 2>/dev/null || true
  return "$status"
}
