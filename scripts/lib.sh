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
