/**
 * What the in-process outage tests share (server/src/analytics short-outage, counting-since, counting-since-skew):
 * a server in this process on the test's clock (a SQLite file, or PostgreSQL), the small layout as store "shop" in
 * UTC, agent "door-1" (kind door) added, a TCP proxy to its embedded broker (Aedes) that the test cuts for a power
 * cut or a link down, and real edge agents (`Agent`) on the proxy with a door counter the test drives.
 */
import { afterEach } from "vitest";
import type { Layout } from "@footfall/core";
import { Agent } from "../../edge/src/agent.js";
import { validateConfig } from "../../edge/src/config.js";
import { silentLogger } from "../../edge/src/log.js";
import type { EventDraft, Source, SourceContext } from "../../edge/src/source.js";
import { smallLayout } from "./fixtures.js";
import { startTestServer, type TestServer } from "./in-process.js";
import { TcpProxy } from "./proxy.js";
import { waitFor } from "./wait.js";

const H = 3_600_000;
const DAY = 24 * H;

/** A door counter the test drives: `cross` sends a count (zone "entrance"). */
export class DoorSource implements Source {
  ctx: SourceContext | null = null;
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    ctx.onLayout((_layout: Layout) => {});
  }
  async stop(): Promise<void> {}
  cross(ts: number, nIn: number, nOut: number): void {
    const draft: EventDraft = { type: "count", ts, zone: "entrance", in: nIn, out: nOut };
    this.ctx!.emit(draft);
  }
}

/** An agent's MQTT login (`agents.add` answers it). */
export interface MqttLogin {
  username: string;
  password: string;
}

export interface DoorAgentsOptions {
  /** The embedded broker's MQTT port (the proxy forwards to it). */
  mqttPort: number;
  /** The server's clock, and the agents' unless `startAgent` is given another. */
  now: () => number;
  /** The test's start (epoch ms): door-1 is added an hour before it, `spans()` lists a day either side of it. */
  t0: number;
  /** A PostgreSQL database's URL (e.g. `() => pg.database("footfall_x")`), asked at each `setUp`; SQLite without. */
  databaseUrl?: () => string;
}

export interface DoorAgents {
  /** The server of the current test (after `setUp`). */
  readonly t: TestServer;
  /** The proxy to its broker (after `setUp`): `cut()` the link, `restore()` it. */
  readonly proxy: TcpProxy;
  /** Starts the server, puts the layout, adds door-1 and starts the proxy; answers door-1's MQTT credentials. */
  setUp(): Promise<MqttLogin>;
  /**
   * A new edge agent door-1 on the proxy (reconnecting within 100-300 ms, 2 s to shut down) with a `DoorSource`, on
   * `opts.now` (default the test's clock); `opts.edit` changes the agent before it starts. Resolves once it is connected
   * and its source started. Stopped after the test.
   */
  startAgent(
    credentials: MqttLogin,
    opts?: { now?: () => number; edit?: (agent: Agent<unknown>) => void },
  ): Promise<{ agent: Agent<unknown>; source: DoorSource }>;
  /** The store's offline spans from a day before `t0` to a day after. */
  spans(): ReturnType<TestServer["server"]["services"]["storage"]["offlineSpans"]["list"]>;
}

/** Registers the block's afterEach (agents stopped, proxy and server closed) and returns the rig its tests set up. */
export function useDoorAgents(opts: DoorAgentsOptions): DoorAgents {
  let t: TestServer | null = null;
  let proxy: TcpProxy | null = null;
  const agents: Agent<unknown>[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => {});
    await proxy?.close();
    await t?.close();
    t = null;
    proxy = null;
  });
  return {
    get t() {
      if (!t) throw new Error("useDoorAgents: setUp() first");
      return t;
    },
    get proxy() {
      if (!proxy) throw new Error("useDoorAgents: setUp() first");
      return proxy;
    },
    async setUp() {
      const databaseUrl = opts.databaseUrl?.();
      t = await startTestServer({
        now: opts.now,
        maxAgeMs: 30 * DAY,
        config: { mqttPort: opts.mqttPort, ...(databaseUrl !== undefined ? { databaseUrl } : {}) },
      });
      await t.putLayout("shop", smallLayout({ timezone: "UTC" }));
      const credentials = await t.server.services.storage.agents.add("shop", "door-1", "door", opts.t0 - H);
      proxy = await TcpProxy.start(opts.mqttPort);
      return credentials;
    },
    async startAgent(credentials, agentOpts = {}) {
      const result = validateConfig(
        {
          store: "shop",
          agent: "door-1",
          mqtt: { url: proxy!.url, username: credentials.username, password: credentials.password, reconnectMinMs: 100, reconnectMaxMs: 300 },
          shutdownTimeoutMs: 2000,
        },
        "door",
        {},
        (s) => ({ value: s, problems: [] }),
      );
      if (!result.ok) throw new Error(result.problems.join("\n"));
      const source = new DoorSource();
      const agent = new Agent({ config: result.config, source, log: silentLogger, now: agentOpts.now ?? opts.now });
      agentOpts.edit?.(agent);
      agents.push(agent);
      agent.start();
      await waitFor("the agent connected, its source started", () => agent.metrics().connected && source.ctx !== null, { timeoutMs: 30_000 });
      return { agent, source };
    },
    spans() {
      return t!.server.services.storage.offlineSpans.list("shop", opts.t0 - DAY, opts.t0 + DAY);
    },
  };
}
