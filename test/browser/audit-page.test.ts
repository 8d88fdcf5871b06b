/**
 * The installer's audit page in Debian's chromium: the agent's page (edge/src/audit) with a short
 * fixture clip recorded by a real ffmpeg. A person opens it with the token, steps through the
 * frames with the arrow keys, counts two people in and one out with I and O (taking back a slip
 * with Backspace), marks the system's crossings right or wrong and submits; the figures stored on
 * the agent are the ones counted, and the clip is gone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../edge/src/log.js";
import { ClipStore } from "../../edge/src/audit/clips.js";
import { AuditServer } from "../../edge/src/audit/server.js";
import { requireTool } from "../support/index.js";
import { launchBrowser, shot, type Browser } from "./helpers/browser.js";

const TOKEN = "browser-audit-token-0123456789";
let dir: string;
let clips: ClipStore;
let server: AuditServer;
let browser: Browser;
let clipId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "footfall-audit-page-"));
  clips = new ClipStore({ dir: join(dir, "audits"), ffmpeg: requireTool("ffmpeg"), keepMs: 86_400_000, log: silentLogger, now: () => Date.now() });
  // 30 frames of 64x48, each a different grey; the system counted in at frames 5 and 12, out at 20.
  const started = clips.start(3, 10);
  if (!started.ok) throw new Error(started.error);
  for (let k = 0; k < 30; k++)
    clips.addFrame(
      { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(k * 8) },
      Date.now(),
      k === 5 || k === 12 ? ["in"] : k === 20 ? ["out"] : [],
      [],
    );
  clipId = (await started.done).id;
  server = new AuditServer({
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    agent: "cam-door",
    clips,
    maxSeconds: 600,
    record: (s) => clips.start(s, 10),
    log: silentLogger,
    now: () => Date.now(),
  });
  await server.start();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the audit page", () => {
  it("shows nothing without the token", async () => {
    const page = await browser.page();
    const res = await page.goto(`http://127.0.0.1:${server.port}/`);
    expect(res?.status()).toBe(401);
    expect(await page.content()).not.toContain(clipId);
    await page.close();
  });

  it("counts a fixture clip frame by frame with two keys and stores the audit", async () => {
    const page = await browser.page({ width: 1100, height: 900 });
    await page.goto(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    expect(page.url()).toBe(`http://127.0.0.1:${server.port}/`); // the token left the address bar
    await page.getByTestId(`audit-${clipId}`).click();
    const frameNo = page.getByTestId("frame-no");
    await expect.poll(() => frameNo.textContent()).toBe("0");
    expect(await page.locator("#frame").evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(64);
    expect(await page.getByTestId("system-in").textContent()).toBe("2");
    expect(await page.getByTestId("system-out").textContent()).toBe("1");

    for (let k = 0; k < 5; k++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => frameNo.textContent()).toBe("5");
    await page.keyboard.press("i");
    await page.keyboard.press("Shift+ArrowRight");
    await expect.poll(() => frameNo.textContent()).toBe("15");
    await page.keyboard.press("i");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => frameNo.textContent()).toBe("24");
    await page.keyboard.press("o");
    await page.keyboard.press("o"); // a slip
    await page.keyboard.press("Backspace");
    expect(await page.getByTestId("hand-in").textContent()).toBe("2");
    expect(await page.getByTestId("hand-out").textContent()).toBe("1");

    await page.getByTestId("right-0").click();
    await page.getByTestId("right-1").click();
    await page.getByTestId("wrong-2").click();
    expect(await page.getByTestId("mark-2").textContent()).toBe("wrong");
    await page.getByTestId("auditor").fill("Inès (installer)");
    await shot(page, "audit-page");
    await page.getByTestId("submit").click();
    await expect.poll(() => page.getByTestId("outcome").textContent()).toMatch(/Accuracy in 100\.0 %, out 100\.0 %: data certified/);

    const stored = readFileSync(server.resultsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      agent: "cam-door",
      auditor: "Inès (installer)",
      hand: { in: 2, out: 1 },
      system: { in: 2, out: 1 },
      certified: true,
      marked: 3,
    });
    expect(stored[0]!.precision).toBeCloseTo(2 / 3);
    expect(existsSync(join(clips.dir, clipId))).toBe(false);
    await page.close();
  }, 60_000);
});
