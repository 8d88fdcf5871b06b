import { describe, expect, it } from "vitest";
import { LineSplitter, MAX_LINE_BYTES } from "./serial.js";

describe("LineSplitter", () => {
  it("holds at most MAX_LINE_BYTES of a line that never ends, however much comes", () => {
    const got: string[] = [];
    let overlong = 0;
    const s = new LineSplitter((l) => got.push(l), () => overlong++);
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      s.push(Buffer.alloc(1024, 0x41));
      most = Math.max(most, s.buffered);
    }
    expect(most).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(overlong).toBe(1);
    s.push(Buffer.from("AAA\nIN 3\n"));
    expect(got).toEqual(["IN 3"]);
  });

  it("reads lines split across chunks, and a line of exactly the limit", () => {
    const got: string[] = [];
    let overlong = 0;
    const s = new LineSplitter((l) => got.push(l), () => overlong++, 8);
    s.push(Buffer.from("IN"));
    s.push(Buffer.from(" 2\r\n12345678\nOUT"));
    s.push(Buffer.from("\n123456789\nÉ"));
    s.push(Buffer.from("\n"));
    expect(got).toEqual(["IN 2\r", "12345678", "OUT", "É"]);
    expect(overlong).toBe(1);
  });
});
