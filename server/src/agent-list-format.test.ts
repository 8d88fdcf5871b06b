import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clockOffWarns, encodeClockSamples, formatClockOffset, WEEKDAYS, type OpeningHours } from "@footfall/core";
import {
  agentJsonLines,
  agentList,
  agentListOpened,
  agentTable,
  AGENT_LIST_STATUSES,
  agentStateCounts,
  clockOffCount,
  emptyListMessage,
  localMinute,
  problemsText,
  storesWithoutAgents,
} from "./agent-list-format.js";
import { problemsOf } from "./agent-info.js";
import type { AgentRow } from "./storage/types.js";

const NOW = Date.UTC(2026, 11, 5, 3, 0); // 03:00 UTC, 04:00 in Berlin
const row = (store: string, agent: string, over: Partial<AgentRow> = {}): AgentRow => ({
  store,
  agent,
  kind: "camera",
  username: `${store}.${agent}`,
  state: "never-seen",
  version: null,
  statusTs: null,
  lastEventTs: null,
  lastReceivedAt: null,
  events: 0,
  duplicates: 0,
  rejects: 0,
  revokedAt: null,
  statusMetrics: null,
  clockSamples: null,
  ...over,
});

describe("footfall agent list: the table", () => {
  it("shows each agent's status, when last heard from (local time and how long ago), its clock flagged past the threshold, and its revocation", () => {
    const rows = [
      // Online, heard 20 s ago, its clock 2 min ahead (its newest confirmed sample).
      row("0412", "door-1", {
        kind: "door",
        state: "online",
        lastReceivedAt: NOW - 40_000,
        clockSamples: encodeClockSamples([
          { at: NOW - 50_000, offsetMs: 110_000 },
          { at: NOW - 20_000, offsetMs: 120_400 },
        ]),
      }),
      // Offline since its last will: its last status stamp is when it connected (3 h ago); the server last heard it 14 min ago.
      row("0412", "cam-1", {
        state: "offline",
        statusTs: NOW - 3 * 3_600_000,
        lastReceivedAt: NOW - 14 * 60_000,
        clockSamples: encodeClockSamples([{ at: NOW - 14 * 60_000 - 5_000, offsetMs: -400 }]),
      }),
      row("0411", "cam-1", { state: "offline", revokedAt: NOW - 86_400_000 }),
      row("0412", "beacon-1", { kind: "beacon" }),
    ];
    const entries = agentList(rows, {}, 30_000, NOW);
    expect(entries.map((e) => `${e.store}/${e.agent}`)).toEqual(["0411/cam-1", "0412/beacon-1", "0412/cam-1", "0412/door-1"]);
    expect(agentTable(entries, { now: NOW, timeZone: "Europe/Berlin", warnMs: 30_000 })).toBe(
      [
        "STORE  AGENT     KIND    STATUS      NEEDS ATTENTION  LAST SEEN (Europe/Berlin)      CLOCK          REVOKED (Europe/Berlin)",
        "0411   cam-1     camera  revoked     -                never                          -              2026-12-04 04:00",
        "0412   beacon-1  beacon  never-seen  never seen       never                          -              -",
        "0412   cam-1     camera  offline     offline          2026-12-05 03:46 (14 min ago)  in step        -",
        "0412   door-1    door    online      clock off        2026-12-05 03:59 (20 s ago)    2 min ahead !  -",
        "",
        "! clock off by more than 30 s (FOOTFALL_CLOCK_WARN_MS) on 1 agent: its events' times are skewed (more than 5 min ahead, the server rejects them); check NTP on the agent's machine: timedatectl (NTP synchronized: yes), chronyc tracking",
        "",
      ].join("\n"),
    );
  });

  it("says under the table what an agent refused itself, in the Agents view's words, with what to check; the JSON line carries it", () => {
    const metrics = JSON.stringify({ queued: 0, "agentRejects.unreadable_line": 12, "agentRejects.refused_push": 1, "agentRejects.outbox_full": 0 });
    const entries = agentList([row("0412", "door-1", { kind: "door", state: "online", lastReceivedAt: NOW - 10_000, statusMetrics: metrics }), row("0412", "door-2", { kind: "door", state: "online", lastReceivedAt: NOW - 10_000 })], {}, 30_000, NOW);
    const table = agentTable(entries, { now: NOW, timeZone: "UTC", warnMs: 30_000 }).split("\n");
    expect(table.slice(3)).toEqual([
      "",
      "0412/door-1: 12 lines refused by the agent (unreadable). Lines from the counter that match none of serial.patterns, or run past 4 KiB without a line ending: check the patterns against what the counter sends, and serial.baudRate.",
      "0412/door-1: 1 push refused by the agent (refused). HTTP pushes answered 400 or 401: check the sensor's secret (http.secret) and what it sends against http.mapping.",
      "",
    ]);
    expect(JSON.parse(agentJsonLines(entries).split("\n")[0]!)).toMatchObject({ agent: "door-1", agentRejects: { unreadable_line: 12, refused_push: 1 } });
    expect(entries[1]!.agentRejects).toBeNull();
  });

  it("flags an online agent the server has not heard from for 3 status intervals 'silent', as the Agents view, and says what to check", () => {
    const every5min = JSON.stringify({ queued: 0, statusEveryS: 300 });
    const rows = [
      // The default 30 s statuses: silent after 90 s.
      row("s", "a", { state: "online", lastReceivedAt: NOW - 90_001 }),
      row("s", "b", { state: "online", lastReceivedAt: NOW - 90_000 }),
      // A live status (its clock sample) is hearing from it too.
      row("s", "c", { state: "online", lastReceivedAt: NOW - 3_600_000, clockSamples: encodeClockSamples([{ at: NOW - 30_000, offsetMs: 100 }]) }),
      // An agent that said it sends a status every 5 min: 10 min of quiet is 2 of its intervals.
      row("s", "d", { state: "online", lastReceivedAt: NOW - 600_000, statusMetrics: every5min }),
      row("s", "e", { state: "online", lastReceivedAt: NOW - 900_001, statusMetrics: every5min }),
    ];
    const entries = agentList(rows, {}, 30_000, NOW);
    expect(Object.fromEntries(entries.map((e) => [e.agent, e.problems]))).toEqual({ a: ["silent"], b: [], c: [], d: [], e: ["silent"] });
    const table = agentTable(entries, { now: NOW, timeZone: "UTC", warnMs: 30_000 });
    expect(table.split("\n")[1]).toMatch(/^s\s+a\s+camera\s+online\s+silent\s+2026-12-05 02:58 \(1 min ago\)/);
    expect(table).toMatch(/\nsilent: 2 agents say online but the server has not heard from them for 3 status intervals \(over 90 s .*GET \/api\/v1\/health\)\n$/);
    expect(table).not.toMatch(/^!/m);
  });

  it("does not flag an agent switched off after its store closed until the store opens (its hours, as the Agents API), and flags one down since before closing", () => {
    // NOW is 04:00 in Berlin; the store opens 08:00-21:00 there.
    const hours: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"], exceptions: [] };
    const H = 3_600_000;
    const rows = [
      // Its box switched off at 21:15 (its will; last heard at 21:14:50), or silent since then (no will).
      row("s", "night", { state: "offline", statusTs: NOW - 6 * H - 45 * 60_000, lastReceivedAt: NOW - 6 * H - 45 * 60_000 - 10_000 }),
      row("s", "quiet", { state: "online", statusTs: NOW - 6 * H - 45 * 60_000, lastReceivedAt: NOW - 6 * H - 45 * 60_000 }),
      // Down at 20:30, while open: a real outage.
      row("s", "broke", { state: "offline", statusTs: NOW - 7 * H - 30 * 60_000, lastReceivedAt: NOW - 7 * H - 30 * 60_000 }),
    ];
    const opening = { hours, timeZone: "Europe/Berlin" };
    const problems = (now: number, openingOf?: () => typeof opening) => Object.fromEntries(agentList(rows, {}, 30_000, now, openingOf).map((e) => [e.agent, e.problems]));
    expect(problems(NOW, () => opening)).toEqual({ night: [], quiet: [], broke: ["offline"] });
    // 08:00:30, still down: the store is open, and they are given the agent-offline rule's threshold (10 min by default) to come back.
    expect(problems(NOW + 4 * H + 30_000, () => opening)).toEqual({ night: [], quiet: [], broke: ["offline"] });
    // 08:10:01, still down: both need attention.
    expect(problems(NOW + 4 * H + 10 * 60_000 + 1_000, () => opening)).toEqual({ night: ["offline"], quiet: ["silent"], broke: ["offline"] });
    // Without hours (or not given), as before.
    expect(problems(NOW)).toEqual({ night: ["offline"], quiet: ["silent"], broke: ["offline"] });
    expect(problemsOf(rows[0]!, 30_000, NOW, opening)).toEqual([]);
  });

  it("writes a minute in the given zone, across a DST change", () => {
    expect(localMinute(Date.UTC(2026, 2, 29, 0, 59), "Europe/Berlin")).toBe("2026-03-29 01:59");
    expect(localMinute(Date.UTC(2026, 2, 29, 1, 0), "Europe/Berlin")).toBe("2026-03-29 03:00");
    expect(localMinute(Date.UTC(2026, 0, 1, 0, 0), "UTC")).toBe("2026-01-01 00:00");
  });
});

const ids = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,5}$/);
const arbRow = fc
  .record({
    store: ids,
    agent: ids,
    state: fc.constantFrom("online", "offline", "never-seen"),
    revoked: fc.boolean(),
    lastReceivedAgo: fc.option(fc.nat(3 * 86_400_000)),
    samples: fc.array(fc.record({ ago: fc.nat(3 * 86_400_000), offsetMs: fc.integer({ min: -7_200_000, max: 7_200_000 }) }), { maxLength: 4 }),
  })
  .map((r) =>
    row(r.store, r.agent, {
      state: r.state,
      revokedAt: r.revoked ? NOW - 1000 : null,
      lastReceivedAt: r.lastReceivedAgo === null ? null : NOW - r.lastReceivedAgo,
      clockSamples: r.samples.length ? encodeClockSamples(r.samples.map((s) => ({ at: NOW - s.ago, offsetMs: s.offsetMs })).sort((a, b) => a.at - b.at)) : null,
    }),
  );
const arbRows = fc.uniqueArray(arbRow, { selector: (r) => `${r.store}/${r.agent}`, maxLength: 25 });

describe("footfall agent list: the stores' hours it reads", () => {
  const H = 3_600_000;
  const hours: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"], exceptions: [] };
  const opening = { hours, timeZone: "Europe/Berlin" };

  it("reads the hours of the stores with an agent down only, and lists what it lists with every store's", async () => {
    const rows = [
      // s: switched off after closing (no attention with its hours); up: heard a minute ago; gone: its only agent revoked.
      row("s", "night", { state: "offline", statusTs: NOW - 6 * H - 45 * 60_000, lastReceivedAt: NOW - 6 * H - 45 * 60_000 - 10_000 }),
      row("up", "cam-1", { state: "online", statusTs: NOW - 60_000, lastReceivedAt: NOW - 60_000 }),
      row("gone", "cam-1", { state: "offline", statusTs: NOW - 9 * H, lastReceivedAt: NOW - 9 * H, revokedAt: NOW - 8 * H }),
      row("new", "cam-1"),
    ];
    const read: string[] = [];
    const entries = await agentListOpened(rows, {}, 30_000, NOW, async (s) => (read.push(s), opening));
    expect(entries).toEqual(agentList(rows, {}, 30_000, NOW, () => opening));
    expect(entries.find((e) => e.agent === "night")?.problems).toEqual([]);
    // Old CLI: the hours (and with them the layouts) of every store, 1-2 reads each at every list.
    expect(read).toEqual(["s"]);
    read.length = 0;
    expect(await agentListOpened(rows.slice(1), {}, 30_000, NOW, async (s) => (read.push(s), opening))).toEqual(agentList(rows.slice(1), {}, 30_000, NOW));
    expect(read).toEqual([]);
  });

  it("lists what agentList lists with every store's hours, for any agents at any time", async () => {
    await fc.assert(
      fc.asyncProperty(arbRows, fc.integer({ min: 0, max: 24 * 60 }), fc.boolean(), async (rows, minutes, some) => {
        const now = NOW + minutes * 60_000;
        const openingOf = (s: string) => (some && s.length % 2 === 0 ? null : opening);
        expect(await agentListOpened(rows, {}, 30_000, now, async (s) => openingOf(s))).toEqual(agentList(rows, {}, 30_000, now, openingOf));
      }),
    );
  });
});

describe("footfall agent list and footfall_agents{state} agree", () => {
  const H = 3_600_000;
  const hours: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"], exceptions: [] };
  const opening = { hours, timeZone: "Europe/Berlin" };

  it("says 'closed' of a box switched off at night, as the gauge counts it: --status offline lists the gauge's offline, --status closed its closed", async () => {
    // NOW is 04:00 in Berlin; the store opens 08:00-21:00. night: its box off at 21:15; broke: down at 20:30, while open.
    const rows = [
      row("s", "night", { state: "offline", statusTs: NOW - 6 * H - 45 * 60_000, lastReceivedAt: NOW - 6 * H - 45 * 60_000 - 10_000 }),
      row("s", "broke", { state: "offline", statusTs: NOW - 7 * H - 30 * 60_000, lastReceivedAt: NOW - 7 * H - 30 * 60_000 }),
      row("t", "cam-1", { state: "online", statusTs: NOW - 60_000, lastReceivedAt: NOW - 60_000 }),
    ];
    const gauge = agentStateCounts(rows, NOW, () => opening);
    expect(gauge).toMatchObject({ online: 1, offline: 1, closed: 1 });
    const listed = async (statuses: string[]) => (await agentListOpened(rows, { statuses }, 30_000, NOW, async () => opening)).map((e) => `${e.store}/${e.agent}`);
    // Old CLI: --status offline listed s/night too (2 where the gauge said 1), and --status closed was refused.
    expect(await listed(["offline"])).toEqual(["s/broke"]);
    expect(await listed(["closed"])).toEqual(["s/night"]);
    const table = agentTable(await agentListOpened(rows, {}, 30_000, NOW, async () => opening), { now: NOW, timeZone: "UTC", warnMs: 30_000 });
    expect(table.split("\n")[2]).toMatch(/^s\s+night\s+camera\s+closed\s/);
    // Once the store has been open for the grace (10 min without a rule), the box is offline on both.
    const later = NOW + 4 * H + 10 * 60_000 + 1_000;
    expect((await agentListOpened(rows, { statuses: ["offline"] }, 30_000, later, async () => opening)).map((e) => e.agent)).toEqual(["broke", "night"]);
    expect(agentStateCounts(rows, later, () => opening)).toMatchObject({ offline: 2, closed: 0 });
  });

  it("counts per status what agent list lists with that status, for any agents, hours and time", async () => {
    await fc.assert(
      fc.asyncProperty(arbRows, fc.integer({ min: 0, max: 24 * 60 }), fc.boolean(), async (rows, minutes, some) => {
        const now = NOW + minutes * 60_000;
        const openingOf = (s: string) => (some && s.length % 2 === 0 ? null : opening);
        const gauge = agentStateCounts(rows, now, openingOf);
        for (const status of AGENT_LIST_STATUSES) {
          expect((await agentListOpened(rows, { statuses: [status] }, 30_000, now, async (s) => openingOf(s))).length).toBe(gauge[status]);
        }
      }),
    );
  });
});

describe("footfall agent list: properties", () => {
  it("lists exactly the agents asked for, by store then agent (byte order), one table line and one JSON line each", () => {
    fc.assert(
      fc.property(arbRows, fc.subarray<string>([...AGENT_LIST_STATUSES]), fc.option(ids), (rows, statuses, store) => {
        const filter = { statuses, stores: store === null ? [] : [store] };
        const entries = agentList(rows, filter, 30_000, NOW);
        const wanted = rows.filter(
          (r) => (store === null || r.store === store) && (statuses.length === 0 || statuses.includes(r.revokedAt !== null ? "revoked" : r.state)),
        );
        expect(entries.map((e) => `${e.store}\u0000${e.agent}`)).toEqual(wanted.map((r) => `${r.store}\u0000${r.agent}`).sort());
        const lines = agentJsonLines(entries).split("\n").filter(Boolean);
        expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(entries);
        if (entries.length) {
          const table = agentTable(entries, { now: NOW, timeZone: "UTC", warnMs: 30_000 }).split("\n\n")[0]!.trimEnd().split("\n");
          expect(table.length).toBe(entries.length + 1);
          // Each line names its store and agent first.
          entries.forEach((e, i) => expect(table[i + 1]!.split(/\s+/).slice(0, 2)).toEqual([e.store, e.agent]));
        } else expect(emptyListMessage(rows, filter)).toMatch(/^(no agents|none of the)/);
      }),
    );
  });

  it("flags a clock as core does, in core's words, last seen is the newest live arrival (event or status), and it needs attention for what the API says", () => {
    fc.assert(
      fc.property(arbRows, fc.integer({ min: 1_000, max: 600_000 }), (rows, warnMs) => {
        for (const e of agentList(rows, {}, warnMs, NOW)) {
          const r = rows.find((x) => x.store === e.store && x.agent === e.agent)!;
          expect(e.clockWarn).toBe(clockOffWarns(e.clockOffsetMs, warnMs));
          const cell = agentTable([e], { now: NOW, timeZone: "UTC", warnMs }).split("\n")[1]!;
          if (e.clockOffsetMs !== null) expect(cell).toContain(`${formatClockOffset(e.clockOffsetMs)}${e.clockWarn ? " !" : " "}`);
          const times = [r.lastReceivedAt, e.clockMeasuredAt].filter((t): t is number => t !== null);
          expect(e.lastSeenAt).toBe(times.length ? Math.max(...times) : null);
          expect(e.problems).toEqual(problemsOf(r, warnMs, NOW));
          expect(cell.split(/\s{2,}/)[4]).toBe(problemsText(e.problems));
        }
      }),
    );
  });
});

describe("footfall agent list: an empty list says why and what to do", () => {
  it("with no agents, in a store without any (naming those with some), and with none of a status", () => {
    expect(emptyListMessage([], {})).toBe(
      "no agents yet: add one with `footfall agent add <agent> --store <store> --kind camera`, or a chain's from a file with `footfall agent import <file>`",
    );
    const rows = [row("0411", "cam-1", { state: "online" }), row("0412", "cam-1", { state: "online" }), row("0412", "door-1", { state: "online" })];
    expect(emptyListMessage(rows, { stores: ["0413"] })).toBe(
      'no agents in store "0413" (the stores with agents are 0411, 0412): add one with `footfall agent add <agent> --store 0413 --kind camera`',
    );
    expect(emptyListMessage(rows, { stores: ["0412"], statuses: ["offline", "never-seen"] })).toBe(
      "none of the 2 agents of store 0412 is offline or never-seen",
    );
    expect(emptyListMessage(rows, { statuses: ["revoked"] })).toBe("none of the 3 agents is revoked");
  });
  it("names the stores asked for that have no agent, when others asked for have some", () => {
    const rows = [row("0411", "cam-1"), row("0412", "cam-1")];
    expect(storesWithoutAgents(rows, ["0412", "0499", "0412", "0413"])).toEqual(["0499", "0413"]);
    expect(storesWithoutAgents(rows, [])).toEqual([]);
  });
});

describe("footfall_agents_clock_off's count", () => {
  it("counts the online agents flagged, not an offline or revoked one", () => {
    const ahead = encodeClockSamples([{ at: NOW, offsetMs: 120_000 }]);
    const rows = [
      row("s", "a", { state: "online", clockSamples: ahead }),
      row("s", "b", { state: "offline", clockSamples: ahead }),
      row("s", "c", { state: "online", clockSamples: ahead, revokedAt: NOW }),
      row("s", "d", { state: "online", clockSamples: encodeClockSamples([{ at: NOW, offsetMs: 200 }]) }),
    ];
    expect(clockOffCount(rows, 30_000)).toBe(1);
    expect(clockOffCount(rows, 120_000)).toBe(0);
  });
});
