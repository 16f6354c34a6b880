// Creates the first owner and the `demo` site on a fresh relay (POST /api/v1/bootstrap).
// Usage: node scripts/bootstrap.mjs <relay-origin> <bootstrap-token> <email> <password>
// Exit 0 when created or when an owner already exists; prints which.
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
if (response.status === 204) console.log("created the owner account and the demo site");
else if (response.status === 409) console.log("an owner already exists; kept it");
else {
  console.error(`bootstrap failed: ${response.status} ${await response.text()}`);
  process.exit(1);
}
