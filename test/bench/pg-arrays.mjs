// The array parameters of a group commit's statements (`unnest($1::text[], ...)`), built by the server's
// arrayLiteral (server/src/storage-pg/array-literal.ts) and, in the same run, by node-postgres's own
// prepareValue (the baseline): five columns of 5,000 events (store, event id, ts, zone with NULLs,
// visitor), strings as JSON.parse gives them (flat), the text measured once written (Buffer.byteLength).
// Prints microseconds per column and the ratio; asserts nothing. Needs a build (`npx tsc -b`).
// Timed figures under the bench lock: flock /tmp/footfall-bench.lock node test/bench/pg-arrays.mjs
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { arrayLiteral } = await import(join(root, "server", "dist", "storage-pg", "array-literal.js")).catch(() => {
  throw new Error("server/dist/storage-pg/array-literal.js is missing: run `npx tsc -b` first");
});
const { prepareValue } = createRequire(join(root, "server", "package.json"))("pg/lib/utils");

const n = 5000;
const columns = JSON.parse(
  JSON.stringify({
    store: Array.from({ length: n }, (_, i) => `store-${String(i % 40).padStart(4, "0")}`),
    id: Array.from({ length: n }, (_, i) => `sim-${i % 40}:mi3x9k2a:${String(i).padStart(9, "0")}`),
    ts: Array.from({ length: n }, (_, i) => 1796178745425 + i),
    zone: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `z${i % 9}`)),
    visitor: Array.from({ length: n }, (_, i) => `v-${i % 700}-mi3x9k2a`),
  }),
);
const microseconds = (f) => {
  for (let i = 0; i < 50; i++) f();
  const t = process.hrtime.bigint();
  for (let i = 0; i < 300; i++) f();
  return Number(process.hrtime.bigint() - t) / 1e3 / 300;
};
console.log(`uptime: ${execFileSync("uptime", { encoding: "utf8" }).trim()}`);
for (const [name, values] of Object.entries(columns)) {
  const pg = microseconds(() => Buffer.byteLength(prepareValue(values)));
  const ours = microseconds(() => Buffer.byteLength(arrayLiteral(values)));
  console.log(`${name.padEnd(8)} ${n} values: node-postgres ${pg.toFixed(0)} us, arrayLiteral ${ours.toFixed(0)} us, ratio ${(ours / pg).toFixed(2)}`);
}
