#!/usr/bin/env node
// The one-shot `layout` service of docker-compose.yml: once the server is up, give the demo store
// its floor plan through the HTTP API (PUT /api/v1/stores/:store/layout), unless it has one.
// Env: FOOTFALL_URL (http://server:8080), FOOTFALL_TOKEN_FILE ({"token"} from `footfall token add`),
// FOOTFALL_STORE (demo), LAYOUT_FILE (a layout JSON, e.g. edge/examples/demo-layout.json).
import { readFileSync } from "node:fs";

const url = process.env.FOOTFALL_URL ?? "http://server:8080";
const store = process.env.FOOTFALL_STORE ?? "demo";
const { token } = JSON.parse(readFileSync(process.env.FOOTFALL_TOKEN_FILE ?? "/data/admin-token.json", "utf8"));
const layout = JSON.parse(readFileSync(process.env.LAYOUT_FILE ?? new URL("../edge/examples/demo-layout.json", import.meta.url), "utf8"));
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

const current = await fetch(`${url}/api/v1/stores/${store}/layout`, { headers });
if (current.ok) {
  console.log(`store "${store}" already has layout version ${(await current.json()).version}; leaving it`);
  process.exit(0);
}
const { store: _ignored, version: _v, ...input } = layout;
const res = await fetch(`${url}/api/v1/stores/${store}/layout`, {
  method: "PUT",
  headers,
  body: JSON.stringify({ ...input, validFrom: input.validFrom ?? Date.now() - 8 * 86_400_000 }),
});
if (!res.ok) {
  console.error(`PUT layout of "${store}" failed: ${res.status} ${await res.text()}`);
  process.exit(1);
}
console.log(`store "${store}" has layout version ${(await res.json()).version}`);
