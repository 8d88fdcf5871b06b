/**
 * The durable outbox end to end: a real `footfall-edge sim` child process streams to a real
 * `footfall serve`. The broker goes away while the agent queues on disk, the agent is killed with
 * SIGKILL with events waiting, started again on the same data folder, and the broker restarts once
 * more in the middle of the stream. Twice: with the server's embedded broker (the broker restarts
 * with the server) and with Debian's mosquitto as the broker (restarted on its own while the server
 * stays up). The server must end with every event the agent generated, exactly once.
 *
 * What "generated" means: event ids are `${agent}:${bootId}:${seq}` with seq counting from 0 in
 * each boot, and the outbox commits every event (and the last id written) before the source goes
 * on; so after each boot the outbox file says the last id of that boot, and the generated set is
 * seq 0..last of every boot. The server dedupes by id, so an accepted count equal to the generated
 * count means each one arrived once.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { readOutboxFile } from "../../edge/src/outbox-sqlite.js";
import { addAgent, addToken, brokerConfig, Child, EDGE_CLI, FootfallApi, Mosquitto, REPO_ROOT, requireBuilt, ServerProcess, sleep, tempDir, waitFor } from "../support/index.js";

const AGENT = "sim-1";

const lastSeq = (id: string | null): { boot: string; seq: number } => {
  const m = /^[^:]+:([0-9a-z]+):(\d+)$/.exec(id ?? "");
  if (!m) throw new Error(`not an event id: ${id}`);
  return { boot: m[1]!, seq: Number(m[2]) };
};

interface Rig {
  server: ServerProcess;
  mosquitto: Mosquitto | null;
  api: FootfallApi;
  store: string;
  /** Take the broker away, and bring it back. */
  brokerDown(): Promise<void>;
  brokerUp(): Promise<void>;
  dispose(): Promise<void>;
}

async function embeddedRig(store: string, dataDir: string): Promise<Rig & { creds: { username: string; password: string } }> {
  const server = await ServerProcess.start({ dataDir });
  const [admin, creds] = await Promise.all([addToken(dataDir, "admin"), addAgent(dataDir, store, AGENT, "sim")]);
  return {
    server,
    mosquitto: null,
    api: new FootfallApi(server.httpUrl, admin),
    store,
    creds,
    brokerDown: () => server.stop(),
    brokerUp: () => server.restart(),
    dispose: () => server.dispose(),
  };
}

async function mosquittoRig(store: string, dataDir: string): Promise<Rig & { creds: { username: string; password: string } }> {
  const creds = await addAgent(dataDir, store, AGENT, "sim");
  const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
  const files = await brokerConfig(dataDir, join(dataDir, "mosquitto"), serverUser);
  const mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
  const server = await ServerProcess.start({ dataDir, mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password });
  return {
    server,
    mosquitto,
    api: new FootfallApi(server.httpUrl, await addToken(dataDir, "admin")),
    store,
    creds,
    brokerDown: () => mosquitto.stop(),
    brokerUp: () => mosquitto.restart(),
    dispose: async () => {
      await server.dispose();
      await mosquitto.dispose();
    },
  };
}

const brokers = [
  { name: "the embedded broker (restarting with the server)", rig: embeddedRig },
  // Mosquitto.start fails with the command that installs mosquitto when it is missing (never a skip).
  { name: "Debian's mosquitto (restarting on its own)", rig: mosquittoRig },
];

describe.each(brokers)("the durable outbox across kill -9 of the agent and restarts of $name", ({ rig: makeRig }) => {
  const dirs: Array<{ remove(): void }> = [];
  afterAll(() => {
    for (const d of dirs) d.remove();
  });

  it(
    "delivers every generated event to the server exactly once",
    async () => {
      const serverDir = tempDir("footfall-server-");
      const agentDir = tempDir("footfall-edge-agent-");
      dirs.push(serverDir, agentDir);
      const rig = await makeRig("outbox-crash", serverDir.path);
      try {
        const { api, store } = rig;
        const demo = JSON.parse(readFileSync(join(REPO_ROOT, "edge/examples/demo-layout.json"), "utf8")) as LayoutInput;
        await api.putLayout(store, { ...demo, store, validFrom: 0 });
        const outboxFile = join(agentDir.path, `${AGENT}.outbox.sqlite`);
        const configFile = join(agentDir.path, "sim.json");
        writeFileSync(
          configFile,
          JSON.stringify({
            store,
            agent: AGENT,
            dataDir: agentDir.path,
            mqtt: { url: rig.mosquitto?.url ?? rig.server.mqttUrl, username: rig.creds.username, password: rig.creds.password, reconnectMinMs: 100, reconnectMaxMs: 500 },
            batch: { flushAtEvents: 50, flushEveryMs: 50, maxInflight: 4 },
            statusEveryS: 1,
            // ~10 arrivals per real second, each a handful of events: a steady stream of ~50-100 events/s.
            settings: { speed: 60, arrivalsPerHour: 600, hourlyCurve: Array(24).fill(1), tickMs: 20, layoutWaitMs: 3000, positions: { enabled: true, everySeconds: 5 } },
          }),
        );
        const startAgent = (): Child => {
          const base = { ...process.env };
          for (const k of Object.keys(base)) if (k.startsWith("FOOTFALL_")) delete base[k];
          return new Child("footfall-edge sim", process.execPath, [requireBuilt(EDGE_CLI), "sim", "--config", configFile], { cwd: REPO_ROOT, env: base });
        };
        const stored = async () => (await api.agents(store)).agents.find((a) => a.agent === AGENT);

        // Boot 1 streams; then the broker goes away, the agent queues on disk, and is killed while events wait unsent.
        const first = startAgent();
        await waitFor("the first events accepted", async () => ((await stored())?.events ?? 0) > 200, { timeoutMs: 20_000 }).catch((e: Error) => {
          throw new Error(`${e.message}\n${first.output()}`);
        });
        await rig.brokerDown();
        await sleep(1500);
        await first.kill9();
        const afterKill = readOutboxFile(outboxFile);
        const boot1 = lastSeq(afterKill.lastId);
        expect(afterKill.queued, "events waiting on disk after kill -9").toBeGreaterThan(20);

        // Boot 2 on the same data folder, the broker still away; then it comes back: the leftovers go first.
        const second = startAgent();
        await sleep(1000);
        await rig.brokerUp();
        await waitFor("boot 2 streaming", async () => ((await stored())?.events ?? 0) > boot1.seq + 100, { timeoutMs: 20_000 }).catch((e: Error) => {
          throw new Error(`${e.message}\n${second.output()}`);
        });
        // The broker restarts once more in the middle of the stream.
        await rig.brokerDown();
        await sleep(500);
        await rig.brokerUp();
        await sleep(2000);
        await second.stop("SIGTERM", 15_000);
        expect(second.exit?.code, second.output()).toBe(0);
        const atEnd = readOutboxFile(outboxFile);
        const boot2 = lastSeq(atEnd.lastId);
        expect(boot2.boot).not.toBe(boot1.boot);
        expect(atEnd.dropped).toBe(0);
        expect(atEnd.queued, "nothing left unacknowledged after a graceful stop").toBe(0);

        const generated = boot1.seq + 1 + boot2.seq + 1;
        const info = await waitFor(
          `${generated} events accepted`,
          async () => {
            const a = await stored();
            return a && a.events >= generated ? a : false;
          },
          { timeoutMs: 20_000 },
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}: the server has ${(await stored())?.events}\n${second.output()}`);
        });
        expect(info.events).toBe(generated);
        expect(info.rejects).toBe(0);
        console.log(`outbox crash test: boot 1 generated ${boot1.seq + 1} (${afterKill.queued} waiting on disk at kill -9), boot 2 ${boot2.seq + 1}; server accepted ${info.events}, duplicates dropped ${info.duplicates}`);
      } finally {
        await rig.dispose();
      }
    },
    120_000,
  );
});
