/**
 * The serial driver against a real pseudo-terminal pair from Debian's socat: the door source reads
 * one end through `serialport`, the test writes a counter's lines into the other. The test waits for
 * what the source has read (its tally file), never a fixed time; the watchdog runs on a fake clock.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, write, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger, type Logger } from "../../log.js";
import { DoorSource } from "./door.js";
import { checkDoorSettings, type DoorSettings } from "./settings.js";
import { testContext } from "./test-context.js";

const hasSocat = spawnSync("socat", ["-V"]).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let socat: ChildProcess;
let device: string;
let writer: number;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "door-serial-"));
  socat = spawn("socat", ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"], { stdio: ["ignore", "ignore", "pipe"] });
  const ptys: string[] = [];
  let err = "";
  socat.stderr!.on("data", (c: Buffer) => {
    err += c.toString();
    for (const m of err.matchAll(/PTY is (\S+)/g)) if (!ptys.includes(m[1]!)) ptys.push(m[1]!);
  });
  await until("socat's two pseudo-terminals", () => ptys.length === 2 && /starting data transfer loop/.test(err));
  device = ptys[0]!;
  writer = openSync(ptys[1]!, "w");
});

afterEach(() => {
  vi.useRealTimers();
  try {
    closeSync(writer);
  } catch {
    /* closed by the test */
  }
  socat.kill();
  rmSync(dir, { recursive: true, force: true });
});

const send = (...lines: string[]) => writeSync(writer, lines.map((l) => l + "\r\n").join(""));
/** The crossings the source has read and not reported yet, from its tally file (written on every change). */
function pending(): [number, number] {
  try {
    const t = JSON.parse(readFileSync(join(dir, "door-1.door.json"), "utf8")) as { pendingIn: number; pendingOut: number };
    return [t.pendingIn, t.pendingOut];
  } catch {
    return [0, 0];
  }
}
const read = (inOut: [number, number]) => until(`${inOut[0]} in and ${inOut[1]} out read`, () => pending().join() === inOut.join());

function settings(extra: Record<string, unknown> = {}): DoorSettings {
  const s = checkDoorSettings({ zone: "entrance", input: "serial", reportEverySeconds: 3600, serial: { path: device, baudRate: 115200, ...extra }, beams: { debounceMs: 5 } });
  expect(s.problems).toEqual([]);
  return s.value;
}

async function startDoor(s: DoorSettings, log?: Logger) {
  const t = testContext(s, { dataDir: dir, agent: "door-1", ...(log ? { log } : {}) });
  const source = new DoorSource();
  await source.start(t.ctx);
  return { ...t, source };
}

describe("the door source on a serial line (socat pty pair)", () => {
  // A missing tool fails loudly (with the command that installs it) instead of skipping.
  beforeAll(() => {
    if (!(hasSocat)) throw new Error("socat is missing: apt-get install socat");
  });

  it("counts IN and OUT lines with optional counts, ignoring other lines", async () => {
    const { source, emitted } = await startDoor(settings());
    send("IN", "hello", "OUT 2", "IN=3", "");
    await read([4, 2]);
    source.report();
    expect(emitted).toEqual([expect.objectContaining({ type: "count", zone: "entrance", in: 4, out: 2 })]);
    await source.stop();
  });

  it("says which lines no pattern fits, and refuses a garbled count without losing the report's other crossings", async () => {
    const lines: string[] = [];
    const { source, emitted, rejects } = await startDoor(settings(), createLogger({ level: "info", write: (l) => lines.push(l) }));
    // "1N 3": a counter of another format (or a wrong baud rate); "IN 99999999": noise on the line.
    send("IN 2", "1N 3", "IN 99999999", "\x1b[0m", "OUT");
    await read([2, 1]);
    source.report();
    expect(emitted).toEqual([expect.objectContaining({ type: "count", in: 2, out: 1 })]);
    const warns = lines.filter((l) => / WARN /.test(l));
    expect(warns).toEqual([
      expect.stringMatching(/a line from the counter matches none of serial\.patterns .* is not counted: check the patterns .*serial\.baudRate.* line="1N 3" unknown=1/),
      expect.stringMatching(/a reading of 99999999 in and 0 out would make more than 1,000,000 .* refused, the other crossings are kept.*serial\.patterns/),
      expect.stringMatching(/ line=\\x1b\[0m unknown=2$/),
    ]);
    // The agent's status says them (agentRejects.*): the Agents view shows them beside the server's rejects.
    expect(rejects).toEqual({ unreadable_line: 2, over_limit: 1 });
    await source.stop();
  });

  it("drops a line that never ends (past 4 KiB), says so once, and reads the lines after it", async () => {
    const lines: string[] = [];
    const { source, emitted, rejects } = await startDoor(settings(), createLogger({ level: "info", write: (l) => lines.push(l) }));
    // A counter sending without line endings (a wrong baud rate, or \r alone): 100 KiB, then two such lines more.
    // Written off the main thread: the pty holds a few KiB, and this process is the one reading the other end.
    await new Promise((done, fail) => write(writer, "x".repeat(100 * 1024) + "\n" + "y".repeat(5000) + "\nIN 2\r\n" + "z".repeat(5000) + "\r\nOUT\r\n", (err) => (err ? fail(err) : done(null))));
    await read([2, 1]);
    source.report();
    expect(emitted).toEqual([expect.objectContaining({ type: "count", in: 2, out: 1 })]);
    const warns = lines.filter((l) => / WARN /.test(l));
    expect(warns).toEqual([expect.stringMatching(/more than 4096 bytes without a line ending: dropped, .*said once per run.*serial\.baudRate.*maxBytes=4096 overlong=1$/)]);
    expect(rejects).toEqual({ unreadable_line: 3 });
    await source.stop();
  });

  it("reads custom patterns: cumulative totals, the first one being the baseline", async () => {
    const { source, emitted } = await startDoor(settings({ patterns: { totals: "^T IN=(?<in>\\d+) OUT=(?<out>\\d+)$" } }));
    send("T IN=500 OUT=480", "T IN=507 OUT=481");
    await read([7, 1]);
    source.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 7, out: 1 })]);
    await source.stop();
  });

  it("decodes raw beam edges with the dual-beam decoder", async () => {
    const { source, emitted } = await startDoor(settings({ patterns: { beam: "^(?<beam>[AB])(?<state>[01])$" } }));
    // The device's own pace: beam edges 25 ms apart (the decoder debounces 5 ms).
    for (const line of ["A1", "B1", "A0", "B0", "B1", "A1", "B0", "A0", "A1", "A0"]) {
      send(line);
      await sleep(25);
    }
    await read([1, 1]);
    source.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 1, out: 1 })]);
    await source.stop();
  });

  it("never loses nor doubles counts across restarts", async () => {
    const first = await startDoor(settings());
    send("IN 5", "OUT 1");
    await read([5, 1]);
    first.source.report(); // reported: 5 in, 1 out
    send("IN 2");
    await read([2, 0]);
    first.abort();
    await first.source.stop(); // 2 in pending, on disk

    const second = await startDoor(settings());
    second.source.report();
    second.source.report();
    second.abort();
    await second.source.stop();

    const third = await startDoor(settings());
    third.source.report();
    await third.source.stop();
    const all = [...first.emitted, ...second.emitted, ...third.emitted];
    expect(all.map((e) => (e.type === "count" ? [e.in, e.out] : null))).toEqual([
      [5, 1],
      [2, 0],
    ]);
  });

  it("fails (and is restarted by the runtime) when the device goes away", async () => {
    // Pseudo terminals do not always report the hang-up: the watchdog (every second on the fake
    // clock) finds the device gone or silent for longer than silenceMs.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { source, failures } = await startDoor(settings({ silenceMs: 1500 }));
    const gone = new Promise((r) => socat.once("exit", r));
    socat.kill("SIGKILL");
    await gone;
    vi.advanceTimersByTime(2000);
    expect(failures.length).toBeGreaterThan(0);
    expect(String(failures[0])).toMatch(/serial/);
    await source.stop();
  });

  it("fails to start with the reason when the device does not exist", async () => {
    const t = testContext(checkDoorSettings({ zone: "entrance", serial: { path: "/dev/does-not-exist" } }).value, { dataDir: dir });
    await expect(new DoorSource().start(t.ctx)).rejects.toThrow(/cannot open \/dev\/does-not-exist/);
  });
});
