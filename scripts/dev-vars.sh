# Creates edge/.dev.vars (git-ignored) with fresh random secrets unless it exists. wrangler dev
# reads it; production uses `wrangler secret put` instead.
# shellcheck shell=bash
ensure_dev_vars() {
  local file="$ROOT/edge/.dev.vars"
  [ -f "$file" ] && return
  local token_secret bootstrap_token
  token_secret="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')"
  bootstrap_token="$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')"
  umask 077
  printf 'TOKEN_SECRET=%s\nBOOTSTRAP_TOKEN=%s\n' "$token_secret" "$bootstrap_token" > "$file"
}

dev_var() { grep "^$1=" "$ROOT/edge/.dev.vars" | cut -d= -f2-; }
