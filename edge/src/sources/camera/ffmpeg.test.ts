import { describe, expect, it } from "vitest";
import { ffmpegArgs, ffmpegVersion, inputList, listTakesOptions, LIST_PROTOCOLS, loginRefused, missingInput, writeInputList } from "./ffmpeg.js";
import { inputKind } from "./settings.js";

const base = { fps: 10, width: undefined, height: undefined, realtime: true, loop: false };

describe("ffmpegArgs", () => {
  it("reads a file at its own speed by default and decodes to raw RGB at the configured rate", () => {
    const args = ffmpegArgs({ ...base, input: "/videos/shop.mp4" });
    expect(args.slice(args.indexOf("-re"), args.indexOf("-re") + 1)).toEqual(["-re"]);
    expect(args.join(" ")).toContain("-i /videos/shop.mp4 -an -sn -vf fps=10 -pix_fmt rgb24 -f rawvideo pipe:1");
  });
  it("loops a file and scales frames on request", () => {
    const args = ffmpegArgs({ ...base, input: "a.avi", realtime: false, loop: true, width: 640, height: 480 });
    expect(args).not.toContain("-re");
    expect(args.join(" ")).toContain("-stream_loop -1");
    expect(args).toContain("fps=10,scale=640:480");
  });
  it("uses TCP for RTSP and the v4l2 demuxer for devices", () => {
    expect(ffmpegArgs({ ...base, input: "rtsp://cam/1" }).join(" ")).toContain("-rtsp_transport tcp -i rtsp://cam/1");
    expect(ffmpegArgs({ ...base, input: "/dev/video0" }).join(" ")).toContain("-f v4l2 -i /dev/video0");
    expect(ffmpegArgs({ ...base, input: "rtsp://cam/1" })).not.toContain("-re");
  });
  it("reads a stream URL from its input list, not from the command line; a file or a device as ever", () => {
    const args = ffmpegArgs({ ...base, input: "rtsp://admin:secret@cam/1" }, "/tmp/footfall-camera-x/input.ffconcat");
    expect(args.join(" ")).toContain(`-f concat -safe 0 -protocol_whitelist ${LIST_PROTOCOLS} -i /tmp/footfall-camera-x/input.ffconcat -an -sn`);
    expect(args.join(" ")).not.toContain("secret");
    expect(args).not.toContain("-rtsp_transport");
    expect(ffmpegArgs({ ...base, input: "/dev/video0" }, "/tmp/l").join(" ")).toContain("-f v4l2 -i /dev/video0");
    expect(ffmpegArgs({ ...base, input: "a.avi" }, "/tmp/l").join(" ")).toContain("-i a.avi");
  });
  it("writes the list with the URL quoted and RTSP over TCP, and refuses a URL over two lines", () => {
    expect(inputList("rtsp://admin:it's@cam/1")).toBe("ffconcat version 1.0\nfile 'rtsp://admin:it'\\''s@cam/1'\noption rtsp_transport tcp\n");
    expect(inputList("http://cam/video.mjpg")).toBe("ffconcat version 1.0\nfile 'http://cam/video.mjpg'\n");
    expect(() => inputList("http://u:pw@cam/a\noption x y")).toThrow(
      "http://u:***@cam/a?option x y: settings.input holds a line break; write the camera's URL on one line",
    );
  });
  it("tells inputs apart", () => {
    expect(inputKind("rtsp://10.0.0.2/stream")).toBe("stream");
    expect(inputKind("https://cam/mjpeg")).toBe("stream");
    expect(inputKind("/dev/video2")).toBe("v4l2");
    expect(inputKind("./clip.mp4")).toBe("file");
  });
});

import { masked } from "./camera.js";
describe("masked", () => {
  it("drops a detection whose foot point is inside a mask box", () => {
    const rock: [number, number, number, number] = [150, 240, 200, 290];
    expect(masked([160, 249, 192, 276], [rock])).toBe(true);
    expect(masked([300, 200, 330, 276], [rock])).toBe(false);
    expect(masked([160, 249, 192, 276], [])).toBe(false);
  });
});

describe("missingInput", () => {
  it("says a missing file or device plainly, with what to check, and leaves URLs to ffmpeg", () => {
    const none = () => false;
    expect(missingInput("/videos/shop.mp4", none)).toMatch(/^\/videos\/shop\.mp4 does not exist: check settings\.input/);
    expect(missingInput("/dev/video2", none)).toMatch(/^\/dev\/video2 does not exist: is the camera plugged in\?/);
    expect(missingInput("rtsp://cam/1", none)).toBeNull();
    expect(missingInput("/videos/shop.mp4", () => true)).toBeNull();
  });
});

describe("writeInputList", () => {
  it("removes the lists this user's agents that no longer run left (SIGKILL), keeps a running agent's and anything else", async () => {
    const { mkdtemp, mkdir, readdir, rm, writeFile } = await import("node:fs/promises");
    const { spawnSync } = await import("node:child_process");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const base = await mkdtemp(join(tmpdir(), "ff-lists-"));
    try {
      // A pid that ran and has ended: an agent killed with SIGKILL, its list left with the camera's password.
      const dead = spawnSync(process.execPath, ["-e", ""]).pid; // Node itself: the unit project starts no other process
      await mkdir(join(base, `footfall-camera-${dead}-aB3xYz`), { mode: 0o700 });
      await writeFile(join(base, `footfall-camera-${dead}-aB3xYz`, "input.ffconcat"), "file 'rtsp://admin:secret@cam/1'\n");
      await mkdir(join(base, `footfall-camera-${process.ppid}-Qw7rTy`)); // an agent that runs (the test runner's parent)
      await mkdir(join(base, "footfall-camera-audit-zZ9")); // not an input list
      await writeFile(join(base, `footfall-camera-${dead}-notadir`), "");
      const list = await writeInputList("rtsp://admin:secret@cam/1", base);
      const left = (await readdir(base)).sort();
      expect(left).not.toContain(`footfall-camera-${dead}-aB3xYz`);
      expect(left).toContain(`footfall-camera-${process.ppid}-Qw7rTy`);
      expect(left).toContain("footfall-camera-audit-zZ9");
      expect(left).toContain(`footfall-camera-${dead}-notadir`);
      expect(list.path.startsWith(join(base, `footfall-camera-${process.pid}-`))).toBe(true);
      // Its own is never taken for a stale one, by itself or by the next stream of this agent.
      const second = await writeInputList("http://cam/a", base);
      expect((await readdir(base)).filter((n) => n.startsWith(`footfall-camera-${process.pid}-`))).toHaveLength(2);
      await list.dispose();
      await second.dispose();
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("an older ffmpeg and the input list's options", () => {
  it("reads ffmpeg's version from its first line; a git build counts as recent", () => {
    expect(ffmpegVersion("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\nbuilt with gcc 12")).toEqual([5, 1]);
    expect(ffmpegVersion("ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021 the FFmpeg developers")).toEqual([4, 4]);
    expect(ffmpegVersion("ffmpeg version n4.3.1 Copyright (c) 2000-2020")).toEqual([4, 3]);
    expect(ffmpegVersion("ffmpeg version N-109000-g1234abcd Copyright (c) 2000-2022")).toBeNull();
    expect(ffmpegVersion("")).toBeNull();
    expect([[4, 4], [4, 9], [5, 0], [7, 1], null].map((v) => listTakesOptions(v as [number, number] | null))).toEqual([false, false, true, true, true]);
  });

  it("leaves RTSP over TCP out of the list for an ffmpeg that would refuse it, and keeps the URL in it", () => {
    const url = "rtsp://admin:secret@10.0.0.5/stream1";
    expect(inputList(url)).toContain("option rtsp_transport tcp");
    expect(inputList(url, { tcp: false })).toBe(`ffconcat version 1.0\nfile '${url}'\n`);
  });

  it("says a refused login in words, and nothing for other errors", () => {
    expect(loginRefused("[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized")).toContain("check the user name and password in settings.input");
    expect(loginRefused("Server returned 401 Unauthorized (authorization failed)")).toContain("the camera refused the login");
    expect(loginRefused("Connection refused")).toBeNull();
  });
});
