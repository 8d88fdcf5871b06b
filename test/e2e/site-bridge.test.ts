/**
 * A store's own Mosquitto bridged to the central one (deploy/site/mosquitto.conf), through a WAN
 * outage, with real processes: Debian's mosquitto twice (the central broker with the shipped
 * configuration, the site broker with the site configuration), `footfall serve` on the central one
 * (FOOTFALL_MQTT_URL), the chain simulator as the store's agent on the site broker, and a TCP proxy
 * between the two brokers that cuts the link. While it is cut the agent keeps publishing to its site
 * broker; once it is back the bridge forwards the backlog, the server's receipts come back through
 * it, and the simulator's ledger is counted against the server's database: nothing lost, nothing
 * doubled.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { Ledger } from "../../edge/src/chain/ledger.js";
import { chainStores } from "../../edge/src/chain/stores.js";
import { bridgeAcl, bridgeUsername } from "../../server/src/broker-files.js";
import {
  addAgent,
  addToken,
  brokerConfig,
  Child,
  connectMqtt,
  EDGE_CLI,
  FootfallApi,
  freePort,
  Mosquitto,
  REPO_ROOT,
  requireBuilt,
  requireTool,
  ServerProcess,
  sleep,
  TcpProxy,
  tempDir,
  waitFor,
} from "../support/index.js";

const SITE_CONF = readFileSync(join(REPO_ROOT, "deploy/site/mosquitto.conf"), "utf8");
const CENTRAL_CONF = readFileSync(join(REPO_ROOT, "deploy/mosquitto/mosquitto.conf"), "utf8");
const EXAMPLE_STORE = "store-0001";
const CHAIN = { seed: 21, prefix: "site" };
const STORE = chainStores({ count: 1, ...CHAIN })[0]!;

/** The central ACL lines for a site's bridge, as deploy/site/mosquitto.conf documents them, for `store`. */
function documentedBridgeAcl(store: string): string {
  const lines = SITE_CONF.split("\n")
    .filter((l) => /^#\s{3}(user|topic) /.test(l))
    .map((l) => l.replace(/^#\s+/, "").replaceAll(EXAMPLE_STORE, store));
  return lines.join("\n") + "\n";
}

const dir = tempDir("footfall-site-");
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  dir.remove();
});

describe("a store-site Mosquitto bridged to the central one", () => {
  it("documents the central ACL its bridge needs (what `footfall broker-config --bridge` writes): write the store's events, status and audits, read its receipts and layout", () => {
    expect(bridgeAcl(bridgeUsername("shop-9"), ["shop-9"]).join("\n") + "\n").toBe(documentedBridgeAcl("shop-9"));
    expect(documentedBridgeAcl("shop-9")).toBe(
      [
        "user site-shop-9",
        "topic write footfall/v1/shop-9/agents/+/events",
        "topic write footfall/v1/shop-9/agents/+/status",
        "topic write footfall/v1/shop-9/agents/+/audits",
        "topic read footfall/v1/shop-9/agents/+/receipts",
        "topic read footfall/v1/shop-9/layout",
        "",
      ].join("\n"),
    );
    // The bridge forwards exactly those topics, persistently, and queues an outage's worth.
    expect(SITE_CONF).toMatch(/^topic footfall\/v1\/store-0001\/agents\/\+\/events out 1$/m);
    expect(SITE_CONF).toMatch(/^topic footfall\/v1\/store-0001\/agents\/\+\/audits out 1$/m);
    expect(SITE_CONF).toMatch(/^topic footfall\/v1\/store-0001\/agents\/\+\/receipts in 1$/m);
    expect(SITE_CONF).toMatch(/^topic footfall\/v1\/store-0001\/layout in 1$/m);
    expect(SITE_CONF).toMatch(/^cleansession false$/m);
    expect(Number(/^max_queued_messages (\d+)$/m.exec(SITE_CONF)?.[1])).toBeGreaterThanOrEqual(1_000_000);
  });

  it("carries the agent's events through a WAN outage: published to the site broker while the link is cut, ingested once it is back, none lost or doubled", async () => {
    requireTool("mosquitto");
    const serverDir = join(dir.path, "server");
    const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
    const creds = await addAgent(serverDir, STORE.store, STORE.agent, "sim");
    // Central broker: `footfall broker-config`'s users and ACL, with the site bridge's user (`--bridge`).
    const brokerDir = join(serverDir, "mosquitto");
    const files = await brokerConfig(serverDir, brokerDir, serverUser, ["--bridge", STORE.store]);
    const bridge = { username: `site-${STORE.store}`, password: files.passwords![`site-${STORE.store}`]! };
    expect(readFileSync(files.acl, "utf8")).toContain(bridgeAcl(bridge.username, [STORE.store]).join("\n"));
    // Run again (as after every `footfall agent add`): the bridge's user and password are kept, no new password is made.
    const again = await brokerConfig(serverDir, brokerDir, serverUser);
    expect(again.passwords).toBeUndefined();
    expect(readFileSync(files.passwd, "utf8")).toMatch(new RegExp(`^${bridge.username}:`, "m"));
    expect(readFileSync(files.acl, "utf8")).toContain(bridgeAcl(bridge.username, [STORE.store]).join("\n"));
    const centralPort = await freePort();
    const central = await Mosquitto.withConf(
      (persistence) =>
        CENTRAL_CONF.replace(/^listener 1883$/m, `listener ${centralPort} 127.0.0.1`)
          .replace(/^password_file .*$/m, `password_file ${files.passwd}`)
          .replace(/^acl_file .*$/m, `acl_file ${files.acl}`)
          .replace(/^persistence_location .*$/m, `persistence_location ${persistence}/`)
          .replace(/^log_dest stdout$/m, "log_dest stderr") + `\nuser ${userInfo().username}\n`,
      centralPort,
    );
    cleanup.push(() => central.dispose());
    const server = await ServerProcess.start({
      dataDir: serverDir,
      mqttUrl: central.url,
      mqttUsername: serverUser.username,
      mqttPassword: serverUser.password,
    });
    cleanup.push(() => server.dispose());
    const api = new FootfallApi(server.httpUrl, await addToken(serverDir, "admin"));
    await api.putLayout(STORE.store, { ...STORE.layout, validFrom: 0 });

    // The WAN: a proxy between the site's bridge and the central broker.
    const wan = await TcpProxy.start(centralPort);
    cleanup.push(() => wan.close());
    const sitePort = await freePort();
    const site = await Mosquitto.withConf(
      (persistence) =>
        SITE_CONF.replace(/^listener 1883$/m, `listener ${sitePort} 127.0.0.1`)
          .replace(/^password_file .*$/m, `password_file ${files.passwd}`)
          .replace(/^acl_file .*$/m, `acl_file ${files.acl}`)
          .replace(/^persistence_location .*$/m, `persistence_location ${persistence}/`)
          .replace(/^address .*$/m, `address 127.0.0.1:${wan.port}`)
          .replace(/^remote_username .*$/m, `remote_username ${bridge.username}`)
          .replace(/^remote_password .*$/m, `remote_password ${bridge.password}`)
          .replaceAll(EXAMPLE_STORE, STORE.store)
          .replace(/^log_dest stdout$/m, "log_dest stderr") + `\nuser ${userInfo().username}\n`,
      sitePort,
    );
    cleanup.push(() => site.dispose());

    // The store's agent, on its site broker only.
    const credsFile = join(dir.path, "agents.jsonl");
    writeFileSync(credsFile, JSON.stringify(creds) + "\n");
    const ledgerFile = join(dir.path, "ledger.json");
    const sim = new Child(
      "footfall-edge chain",
      process.execPath,
      [
        requireBuilt(EDGE_CLI),
        "chain",
        ...["--stores", "1", "--seed", String(CHAIN.seed), "--prefix", CHAIN.prefix],
        ...["--credentials", credsFile, "--mqtt-url", site.url, "--ledger", ledgerFile],
        // A busy noon, some 50-100 events a second; on stop, up to a minute for the last receipts.
        ...["--start-hour", "12", "--speed", "120", "--arrivals-factor", "8", "--drain", "60"],
      ],
      { cwd: REPO_ROOT, env: { ...process.env, FOOTFALL_LOG_LEVEL: "info" } },
    );
    cleanup.push(() => sim.stop("SIGKILL"));
    const accepted = async () => (await api.agents(STORE.store)).agents.find((a) => a.agent === STORE.agent)?.events ?? 0;
    const diagnose = () =>
      `\n--- agent ---\n${sim.output().slice(-3000)}\n--- site broker ---\n${site.output().slice(-2000)}\n--- server ---\n${server.output().slice(-2000)}`;
    const stream = async (more: number, what: string) => {
      const from = await accepted();
      await waitFor(`${what}: ${more} more events accepted (from ${from})`, async () => (await accepted()) >= from + more, {
        timeoutMs: 40_000,
        intervalMs: 200,
      }).catch((e: Error) => {
        throw new Error(e.message + diagnose());
      });
    };
    await stream(300, "events through the bridge");

    // The retained layout (a v1.1 server's, with receipts: true) reached the site through the bridge.
    const reader = await connectMqtt(
      { url: site.url, username: creds.username, password: creds.password },
      { clientId: `layout-reader-${randomBytes(3).toString("hex")}`, clean: true },
    );
    const layout = await new Promise<Record<string, unknown>>((resolve) => {
      reader.on("message", (_t, payload) => resolve(JSON.parse(payload.toString()) as Record<string, unknown>));
      void reader.subscribeAsync(topics.layout(STORE.store), { qos: 1 });
    });
    await reader.endAsync(true);
    expect(layout).toMatchObject({ store: STORE.store, receipts: true });

    // The outage: the link is cut; the agent goes on publishing to its site broker.
    wan.cut();
    await sleep(1500); // what was in flight lands
    const atCut = await accepted();
    const outageMs = 8000;
    await sleep(outageMs);
    const afterOutage = await accepted();
    expect(afterOutage, "nothing reaches the server while the link is down").toBe(atCut);
    wan.restore();
    await stream(300, "the backlog and the stream after the link came back");

    await sim.stop("SIGTERM", 90_000);
    expect(sim.exit?.code, diagnose()).toBe(0);
    expect(sim.output(), "the agent never noticed the outage: its site broker stayed up").not.toMatch(/disconnected from the broker/);
    expect(sim.output()).toMatch(/stopped .*waiting=0/);

    const ledger = Ledger.load(ledgerFile);
    const db = new Database(join(serverDir, "footfall.db"), { readonly: true, fileMustExist: true });
    let stored: string[];
    try {
      stored = (db.prepare("SELECT id FROM events WHERE store = ?").all(STORE.store) as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
    const audit = ledger.audit(STORE.store, stored);
    const info = (await api.agents(STORE.store)).agents.find((a) => a.agent === STORE.agent)!;
    console.log(
      `site bridge through a ${outageMs / 1000} s WAN outage: ${JSON.stringify({ sent: audit.sent, stored: audit.stored, lost: audit.lost, doubled: audit.doubled, duplicatesDropped: info.duplicates, acceptedBeforeCut: atCut })}`,
    );
    expect(audit.sent).toBeGreaterThan(afterOutage);
    expect(audit.lostIds, `lost ${audit.lost} of ${audit.sent}`).toEqual([]);
    expect(audit.doubled).toBe(0);
    expect(audit.foreign).toBe(0);
    // The server accepted each id once (copies sent again were dropped by id, not counted twice).
    expect(info.events).toBe(audit.stored);
    expect(info.rejects).toBe(0);
  }, 180_000);
});
