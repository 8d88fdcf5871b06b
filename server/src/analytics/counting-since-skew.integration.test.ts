/**
 * An offline span began on the server's clock (the broker's will, stamped when the server heard it) and, before, ended on
 * the agent's (its online status's countingSince): a box whose clock is 10 minutes ahead stretched a 12-minute power cut
 * to 22, one 10 minutes behind shrank it to 2 (under SHORT_OUTAGE_MS: its hour counted 0 while the counter was off).
 * Now both ends are the server's: the status's arrival, less how long the agent says it has counted. A real edge agent
 * whose clock is skewed, the server's embedded broker (Aedes), a SQLite file and PostgreSQL.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Layout } from "@footfall/core";
import { Agent } from "../../../edge/src/agent.js";
import { validateConfig } from "../../../edge/src/config.js";
import { silentLogger } from "../../../edge/src/log.js";
import type { Source, SourceContext } from "../../../edge/src/source.js";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { TcpProxy } from "../../../test/support/proxy.js";
import { waitFor } from "../../../test/support/wait.js";

const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
/** Monday 30 November 2026, 09:00 UTC. */
const T0 = Date.UTC(2026, 10, 30, 9);
const pg = usePostgres();

class QuietSource implements Source {
  ctx: SourceContext | null = null;
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    ctx.onLayout((_layout: Layout) => {});
  }
  async stop(): Promise<void> {}
}

for (const [db, PORT] of [
  ["SQLite", 19843],
  ["PostgreSQL", 19844],
] as const) {
  describe(`an outage of a box whose clock is off ends on the server's clock (${db})`, () => {
    let now = T0;
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

    async function startAgent(credentials: { username: string; password: string }, skew: number): Promise<Agent<unknown>> {
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
      const source = new QuietSource();
      const agent = new Agent({ config: result.config, source, log: silentLogger, now: () => now + skew });
      agents.push(agent);
      agent.start();
      await waitFor("the agent connected, its source started", () => agent.metrics().connected && source.ctx !== null, { timeoutMs: 30_000 });
      return agent;
    }

    for (const skew of [10 * MIN, -10 * MIN]) {
      it(`a 12-minute power cut of a box ${skew > 0 ? "10 min ahead" : "10 min behind"} is 12 minutes`, async () => {
        now = T0;
        t = await startTestServer({
          now: () => now,
          maxAgeMs: 30 * DAY,
          config: { mqttPort: PORT, ...(db === "PostgreSQL" ? { databaseUrl: pg.database("footfall_counting_skew") } : {}) },
        });
        await t.putLayout("shop", smallLayout({ timezone: "UTC" }));
        const credentials = await t.server.services.storage.agents.add("shop", "door-1", "door", T0 - H);
        proxy = await TcpProxy.start(PORT);
        const spans = () => t!.server.services.storage.offlineSpans.list("shop", T0 - DAY, T0 + DAY);
        const first = await startAgent(credentials, skew);
        now = T0 + H + 15 * MIN;
        proxy.cut();
        await waitFor("the offline span", async () => (await spans()).some((s) => s.to === null), { timeoutMs: 30_000 });
        await first.stop();
        now = T0 + H + 27 * MIN;
        proxy.restore();
        await startAgent(credentials, skew);
        await waitFor("the span closed", async () => (await spans()).every((s) => s.to !== null), { timeoutMs: 30_000 });
        // Old server: to 10:37 (10 min ahead) or 10:17 (10 min behind), the agent's clock.
        expect(await spans()).toMatchObject([{ from: T0 + H + 15 * MIN, to: T0 + H + 27 * MIN }]);
      });
    }
  });
}
