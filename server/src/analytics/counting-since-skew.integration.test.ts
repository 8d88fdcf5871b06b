/**
 * An offline span began on the server's clock (the broker's will, stamped when the server heard it) and, before, ended on
 * the agent's (its online status's countingSince): a box whose clock is 10 minutes ahead stretched a 12-minute power cut
 * to 22, one 10 minutes behind shrank it to 2 (under SHORT_OUTAGE_MS: its hour counted 0 while the counter was off).
 * Now both ends are the server's: the status's arrival, less how long the agent says it has counted. A real edge agent
 * whose clock is skewed, the server's embedded broker (Aedes), a SQLite file and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { useDoorAgents, type MqttLogin } from "../../../test/support/door-agent.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";

const MIN = 60_000;
const H = 3_600_000;
/** Monday 30 November 2026, 09:00 UTC. */
const T0 = Date.UTC(2026, 10, 30, 9);
const pg = usePostgres();

for (const [db, PORT] of [
  ["SQLite", 19843],
  ["PostgreSQL", 19844],
] as const) {
  describe(`an outage of a box whose clock is off ends on the server's clock (${db})`, () => {
    let now = T0;
    const rig = useDoorAgents({
      mqttPort: PORT,
      now: () => now,
      t0: T0,
      ...(db === "PostgreSQL" ? { databaseUrl: () => pg.database("footfall_counting_skew") } : {}),
    });
    // A box whose clock is `skew` off the server's; its door counter counts nobody.
    const startAgent = async (credentials: MqttLogin, skew: number) =>
      (await rig.startAgent(credentials, { now: () => now + skew })).agent;

    for (const skew of [10 * MIN, -10 * MIN]) {
      it(`a 12-minute power cut of a box ${skew > 0 ? "10 min ahead" : "10 min behind"} is 12 minutes`, async () => {
        now = T0;
        const credentials = await rig.setUp();
        const proxy = rig.proxy;
        const spans = rig.spans;
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
