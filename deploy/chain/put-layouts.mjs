#!/usr/bin/env node
// The one-shot `chain-layouts` service of docker-compose.yml's chain profile: once the servers are
// up behind the load balancer, give every store of the simulated chain its floor plan through the
// HTTP API (PUT /api/v1/stores/:store/layout), unless it has one.
// Env: FOOTFALL_URL (http://haproxy:8080), FOOTFALL_TOKEN_FILE ({"token"} from `footfall token add`),
// LAYOUTS_FILE (what `footfall-edge chain --print-layouts` prints).
import { readFileSync } from "node:fs";

const url = process.env.FOOTFALL_URL ?? "http://haproxy:8080";
const { token } = JSON.parse(readFileSync(process.env.FOOTFALL_TOKEN_FILE ?? "/data/admin-token.json", "utf8"));
const { stores } = JSON.parse(readFileSync(process.env.LAYOUTS_FILE ?? "/chain-config/layouts.json", "utf8"));
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

let put = 0;
let kept = 0;
for (const { store, layout } of stores) {
  const current = await fetch(`${url}/api/v1/stores/${store}/layout`, { headers });
  if (current.ok) {
    kept++;
    continue;
  }
  const { store: _ignored, version: _v, ...input } = layout;
  const res = await fetch(`${url}/api/v1/stores/${store}/layout`, { method: "PUT", headers, body: JSON.stringify(input) });
  if (!res.ok) {
    console.error(`PUT layout of "${store}" failed: ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  put++;
}
console.log(`${stores.length} stores: ${put} layouts saved, ${kept} already had one`);
