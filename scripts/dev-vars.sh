# Creates edge/.dev.vars (git-ignored) with fresh random secrets unless it exists. wrangler dev
# reads it; production uses `wrangler secret put` instead.
# shellcheck shell=bash
# The VAPID key (Web Push) is added to an older file that lacks it.
vapid_private_key() {
  node -e 'const { generateKeyPairSync } = require("crypto");
    console.log(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }).d)'
}

ensure_dev_vars() {
  local file="$ROOT/edge/.dev.vars"
  if [ -f "$file" ]; then
    grep -q '^VAPID_PRIVATE_KEY=' "$file" || printf 'VAPID_PRIVATE_KEY=%s\n' "$(vapid_private_key)" >> "$file"
    return
  fi
  local token_secret bootstrap_token
  token_secret="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')"
  bootstrap_token="$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')"
  umask 077
  printf 'TOKEN_SECRET=%s\nBOOTSTRAP_TOKEN=%s\nVAPID_PRIVATE_KEY=%s\n' \
    "$token_secret" "$bootstrap_token" "$(vapid_private_key)" > "$file"
}

dev_var() { grep "^$1=" "$ROOT/edge/.dev.vars" | cut -d= -f2-; }
