// What a door counter's agent costs on disk: core and the edge packed (`npm pack`, what a release
// would publish) and installed into a temporary folder as a Raspberry Pi would, once without optional
// dependencies (`--omit=optional`: no @footfall/models, serialport or noble) and once with them. Prints
// the sizes; checks that the door-only install runs a door agent and that its camera source says what
// to install. Asserts nothing else. Needs a build (`npm run build`) and the npm registry.
//
// Install scripts are skipped (--ignore-scripts: better-sqlite3 would compile for ~75 s); the size of
// the native addon they make is taken from this checkout's node_modules and added.
// Options (env): DOOR_SIZE_KEEP=1 keeps the folder.
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const log = (s) => process.stderr.write(s + "\n");
const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
for (const f of ["core/dist/index.js", "edge/dist/cli.js", "models/dist/index.js"]) if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);

/** Bytes of the files under `dir` (symlinks not followed). */
function bytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += bytes(p);
    else if (e.isFile()) n += lstatSync(p).size;
  }
  return n;
}
const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const dir = mkdtempSync(join(tmpdir(), "footfall-door-size-"));
try {
  // Pack the three workspaces (models only so that npm never looks @footfall/models up in the registry).
  const packed = JSON.parse(npm(["pack", "-w", "core", "-w", "edge", "-w", "models", "--pack-destination", dir, "--json"], root));
  const tgz = Object.fromEntries(packed.map((p) => [p.name, `file:${join(dir, p.filename)}`]));
  for (const p of packed) log(`packed ${p.name}: ${mib(p.size)} (${mib(p.unpackedSize)} unpacked, ${p.entryCount} files)`);
  // better-sqlite3's addon as a prebuilt binary would bring it (a compile from source also leaves
  // its build folder, ~20 MiB more, behind).
  const release = join(root, "node_modules", "better-sqlite3", "build", "Release");
  const nativeAddon = readdirSync(release).filter((f) => f.endsWith(".node")).reduce((n, f) => n + lstatSync(join(release, f)).size, 0);
  const compiledLeftovers = bytes(release) - nativeAddon;

  const install = (name, omitOptional) => {
    const app = join(dir, name);
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name, private: true, dependencies: { "@footfall/edge": tgz["@footfall/edge"], "@footfall/core": tgz["@footfall/core"] }, overrides: { "@footfall/core": "$@footfall/core", "@footfall/models": tgz["@footfall/models"] } }, null, 2),
    );
    const t0 = Date.now();
    npm(["install", "--ignore-scripts", ...(omitOptional ? ["--omit=optional"] : [])], app);
    const size = bytes(join(app, "node_modules")) + nativeAddon;
    const packages = JSON.parse(npm(["ls", "--all", "--json", ...(omitOptional ? ["--omit=optional"] : [])], app).trim() || "{}");
    const count = (deps) => Object.values(deps ?? {}).reduce((n, d) => n + 1 + count(d.dependencies), 0);
    return { app, size, packages: count(packages.dependencies), seconds: (Date.now() - t0) / 1000, hasModels: existsSync(join(app, "node_modules", "@footfall", "models")) };
  };

  log("installing the door-only agent (--omit=optional)…");
  const door = install("door-only", true);
  log("installing the agent with its optional dependencies (the camera's @footfall/models, serialport, noble)…");
  const full = install("with-optional", false);

  // The door-only install runs a door agent, and its camera source says what is missing.
  const cli = join(door.app, "node_modules", "@footfall", "edge", "bin", "footfall-edge.js");
  const doorConfig = join(dir, "door.json");
  writeFileSync(doorConfig, JSON.stringify({ store: "shop", agent: "door-1", settings: { zone: "entrance", input: "http", http: { host: "127.0.0.1", port: 0, secret: "0123456789abcdef" } } }));
  const doorRun = spawnSync(process.execPath, [cli, "door", "--config", doorConfig, "--dry-run", "--duration", "1"], { encoding: "utf8", timeout: 30_000 });
  const cameraConfig = join(dir, "camera.json");
  writeFileSync(cameraConfig, JSON.stringify({ store: "shop", agent: "cam-1", settings: { input: "/nonexistent.mp4", width: 160, height: 120 } }));
  const cameraRun = spawnSync(process.execPath, [cli, "camera", "--config", cameraConfig, "--dry-run", "--duration", "2"], { encoding: "utf8", timeout: 30_000 });
  const cameraSays = /needs the optional package @footfall\/models/.test(cameraRun.stderr + cameraRun.stdout);

  const out = {
    door_only: { bytes: door.size, packages: door.packages, models_installed: door.hasModels, door_agent_runs: doorRun.status === 0, camera_says_what_to_install: cameraSays },
    with_optional: { bytes: full.size, packages: full.packages, models_installed: full.hasModels },
    native_addon_bytes_added: nativeAddon,
    compile_leftovers_bytes: compiledLeftovers,
  };
  log(`door-only agent (npm install --omit=optional): ${mib(door.size)} in node_modules, ${door.packages} packages, @footfall/models ${door.hasModels ? "INSTALLED" : "absent"}`);
  log(`with optional dependencies (camera): ${mib(full.size)}, ${full.packages} packages`);
  log(`(both include better-sqlite3's addon, ${mib(nativeAddon)}, which its install script, skipped here, downloads or compiles; compiled from source it leaves ${mib(compiledLeftovers)} more in its build folder)`);
  log(`door agent from the door-only install: ${doorRun.status === 0 ? "runs" : `FAILED (exit ${doorRun.status}): ${doorRun.stderr.slice(-400)}`}`);
  log(`camera agent from the door-only install: ${cameraSays ? "says to install @footfall/models" : `did NOT say what to install: ${(cameraRun.stderr + cameraRun.stdout).slice(-600)}`}`);
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  if (door.hasModels || doorRun.status !== 0 || !cameraSays) process.exitCode = 1;
} finally {
  if (process.env.DOOR_SIZE_KEEP) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
