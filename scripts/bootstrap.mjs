// Creates the first owner and the `demo` site on a fresh relay (POST /api/v1/bootstrap), then
// applies the demo shop's settings (demo-site/settings.json: trigger rules, rating, contact
// form) through the admin API, as an owner would from the console.
// Usage: node scripts/bootstrap.mjs <relay-origin> <bootstrap-token> <email> <password>
// Exit 0 when created or when an owner already exists; prints which.
import { readFileSync } from "node:fs";

const [origin, token, email, password] = process.argv.slice(2);
const response = await fetch(`${origin}/api/v1/bootstrap`, {
  method: "POST",
  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: JSON.stringify({
    owner_email: email,
    owner_name: "Demo Owner",
    owner_password: password,
    site: "demo",
    site_name: "Teapot Shop",
  }),
});
if (response.status === 409) {
  console.log("an owner already exists; kept it and the site's settings");
  process.exit(0);
}
if (response.status !== 204) {
  console.error(`bootstrap failed: ${response.status} ${await response.text()}`);
  process.exit(1);
}
const session = await (
  await fetch(`${origin}/api/v1/auth/sign-in`, {
    method: "POST",
    body: JSON.stringify({ email, password }),
  })
).json();
const settings = readFileSync(new URL("../demo-site/settings.json", import.meta.url), "utf8");
const put = await fetch(`${origin}/api/v1/sites/demo/settings`, {
  method: "PUT",
  headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
  body: settings,
});
if (put.status !== 204) {
  console.error(`demo settings refused: ${put.status} ${await put.text()}`);
  process.exit(1);
}
console.log("created the owner account and the demo site with its settings");
