# The whole system under plain workerd (the open-source Workers runtime, npm `workerd`) on one
# server: the relay with its Durable Objects in SQLite files on local disk, chat files on
# local disk, the static files served by front.mjs. Start it with selfhost/start; see
# docs/deploy.md. Paths here are relative to this file; selfhost/start points the state
# directories elsewhere with --directory-path.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "front", worker = .front),
    (name = "relay", worker = .relay),
    (name = "assets", disk = (path = "dist/public")),
    (name = "do-storage", disk = (path = ".local/selfhost/objects", writable = true)),
    (name = "files", disk = (path = ".local/selfhost/files", writable = true)),
    # Webhooks go out to the Internet, and only there: never to this machine or a private
    # network, whatever address a webhook's name resolves to.
    (name = "internet", network = (allow = ["public"], deny = ["private", "local"])),
  ],
  sockets = [
    # Plain HTTP on the loopback: TLS is the reverse proxy's job (selfhost/Caddyfile).
    (name = "http", address = "127.0.0.1:8080", http = (), service = "front"),
  ],
);

const front :Workerd.Worker = (
  modules = [(name = "front.mjs", esModule = embed "front.mjs")],
  compatibilityDate = "2026-11-10",
  bindings = [
    (name = "ASSETS", service = "assets"),
    (name = "RELAY", service = "relay"),
  ],
);

const relay :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "../edge/build/index.js"),
    (name = "index_bg.wasm", wasm = embed "../edge/build/index_bg.wasm"),
  ],
  compatibilityDate = "2026-11-10",
  globalOutbound = "internet",
  durableObjectNamespaces = [
    (className = "AccountDirectory", uniqueKey = "online-consultant-AccountDirectory", enableSql = true),
    (className = "SiteRoom", uniqueKey = "online-consultant-SiteRoom", enableSql = true),
    (className = "ConversationRoom", uniqueKey = "online-consultant-ConversationRoom", enableSql = true),
    (className = "TelegramBot", uniqueKey = "online-consultant-TelegramBot", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "do-storage"),
  bindings = [
    (name = "DIRECTORY", durableObjectNamespace = "AccountDirectory"),
    (name = "SITES", durableObjectNamespace = "SiteRoom"),
    (name = "CONVERSATIONS", durableObjectNamespace = "ConversationRoom"),
    (name = "TELEGRAM", durableObjectNamespace = "TelegramBot"),
    (name = "FILES_DISK", service = "files"),
    # Every setting of docs/configuration.md, from the service's environment (unset: default).
    (name = "TOKEN_SECRET", fromEnvironment = "TOKEN_SECRET"),
    (name = "BOOTSTRAP_TOKEN", fromEnvironment = "BOOTSTRAP_TOKEN"),
    (name = "ALLOW_DEV_HEADERS", fromEnvironment = "ALLOW_DEV_HEADERS"),
    (name = "EMAIL_FROM", fromEnvironment = "EMAIL_FROM"),
    (name = "SMTP_URL", fromEnvironment = "SMTP_URL"),
    (name = "EMAIL_REPLY_DOMAIN", fromEnvironment = "EMAIL_REPLY_DOMAIN"),
    (name = "PUBLIC_ORIGIN", fromEnvironment = "PUBLIC_ORIGIN"),
    (name = "TELEGRAM_API_URL", fromEnvironment = "TELEGRAM_API_URL"),
    (name = "VAPID_PRIVATE_KEY", fromEnvironment = "VAPID_PRIVATE_KEY"),
    (name = "VAPID_SUBJECT", fromEnvironment = "VAPID_SUBJECT"),
    (name = "RATE_VISITOR_MESSAGES", fromEnvironment = "RATE_VISITOR_MESSAGES"),
    (name = "RATE_OPERATOR_COMMANDS", fromEnvironment = "RATE_OPERATOR_COMMANDS"),
    (name = "RATE_NEW_VISITORS_PER_IP", fromEnvironment = "RATE_NEW_VISITORS_PER_IP"),
    (name = "RATE_UPLOADS_PER_IP", fromEnvironment = "RATE_UPLOADS_PER_IP"),
    (name = "RATE_SIGN_IN_PER_IP", fromEnvironment = "RATE_SIGN_IN_PER_IP"),
    (name = "MAX_MESSAGE_CHARS", fromEnvironment = "MAX_MESSAGE_CHARS"),
    (name = "MAX_UPLOAD_MB", fromEnvironment = "MAX_UPLOAD_MB"),
    (name = "UPLOAD_TYPES", fromEnvironment = "UPLOAD_TYPES"),
    (name = "RETENTION_DAYS", fromEnvironment = "RETENTION_DAYS"),
    (name = "RETENTION_DAY_MS", fromEnvironment = "RETENTION_DAY_MS"),
    (name = "WEBHOOK_RETRY_UNIT_MS", fromEnvironment = "WEBHOOK_RETRY_UNIT_MS"),
    (name = "ALERT_CHECK_MS", fromEnvironment = "ALERT_CHECK_MS"),
    (name = "REPLY_MAIL_DELAY_MS", fromEnvironment = "REPLY_MAIL_DELAY_MS"),
    (name = "SURVEY_MINUTE_MS", fromEnvironment = "SURVEY_MINUTE_MS"),
  ],
);
