/**
 * The packet size meter follows MQTT packet boundaries through any split of the byte stream and
 * refuses exactly the first packet whose header announces more than the limit, before its body.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PacketSizeMeter } from "./packet-guard.js";

/** An MQTT fixed header: type byte, then the remaining length in 7-bit groups. */
function header(type: number, remaining: number): number[] {
  const out = [type];
  let n = remaining;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const packet = (type: number, body: number) => Uint8Array.from([...header(type, body), ...new Array<number>(body).fill(0x61)]);
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** `bytes` cut at the given points. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

describe("PacketSizeMeter", () => {
  const limits = { beforeAuth: 1000, afterAuth: 5000 };

  it("refuses the first packet over the limit, wherever the stream is cut, and nothing before it", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1200 }), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 10 }), (bodies, cuts) => {
        const meter = new PacketSizeMeter({ beforeAuth: 1_000_000, afterAuth: 1000 });
        meter.authenticated = true;
        const packets = bodies.map((b) => packet(0x30, b));
        const firstOver = packets.findIndex((p) => p.length > 1000);
        const stream = concat(packets);
        let seen = 0;
        let refusal: string | null = null;
        for (const chunk of split(stream, cuts)) {
          refusal = meter.feed(chunk);
          if (refusal) break;
          seen += chunk.length;
        }
        if (firstOver < 0) expect(refusal).toBeNull();
        else {
          expect(refusal).toMatch(/announced/);
          // Refused no later than the chunk holding the oversized packet's length bytes.
          const headerEnd = concat(packets.slice(0, firstOver)).length + header(0x30, bodies[firstOver]!).length;
          expect(seen).toBeLessThan(headerEnd);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a CONNECT announcing 150 MB from its first five bytes", () => {
    const meter = new PacketSizeMeter(limits);
    expect(meter.feed(Uint8Array.from(header(0x10, 150 * 1024 * 1024)))).toMatch(/announced .*before authentication/);
  });

  it("refuses more than the pre-authentication budget in all, however it is cut into packets", () => {
    const meter = new PacketSizeMeter(limits);
    expect(meter.feed(packet(0x10, 600))).toBeNull();
    expect(meter.feed(packet(0x30, 600))).toMatch(/before authentication/);
  });

  it("allows larger packets once authenticated", () => {
    const meter = new PacketSizeMeter(limits);
    expect(meter.feed(packet(0x10, 100))).toBeNull();
    meter.authenticated = true;
    expect(meter.feed(packet(0x30, 4000))).toBeNull();
    expect(meter.feed(packet(0x30, 4000))).toBeNull();
    expect(meter.feed(Uint8Array.from(header(0x30, 6000)))).toMatch(/announced/);
  });

  it("refuses a remaining length longer than four bytes", () => {
    const meter = new PacketSizeMeter({ beforeAuth: 1e9, afterAuth: 1e9 });
    expect(meter.feed(Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toMatch(/malformed/);
  });
});

describe("GuardedSocket", () => {
  it("writes what was written while corked to the socket in one write, bytes and order unchanged", async () => {
    const { createServer, connect } = await import("node:net");
    const { GuardedSocket } = await import("./packet-guard.js");
    const accepted = new Promise<import("node:net").Socket>((resolve) => {
      const server = createServer((s) => {
        server.close();
        resolve(s);
      }).listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        const client = connect(port, "127.0.0.1");
        const got: Buffer[] = [];
        client.on("data", (d: Buffer) => got.push(d));
        received = new Promise((done) => client.on("data", () => Buffer.concat(got).length >= 3 * 4 && (client.end(), done(Buffer.concat(got)))));
      });
    });
    let received: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
    const socket = await accepted;
    const guarded = new GuardedSocket(socket, { beforeAuth: 1000, afterAuth: 1000 }, () => {});
    let socketWrites = 0;
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    socket.write = ((chunk: Buffer) => (socketWrites++, write(chunk))) as typeof socket.write;
    // Three PUBACKs as mqtt-packet writes them: cork, write, uncork on the next tick.
    const pubacks = [1, 2, 3].map((id) => Buffer.from([0x40, 0x02, 0x00, id]));
    for (const p of pubacks) {
      guarded.cork();
      guarded.write(p);
      process.nextTick(() => guarded.uncork());
    }
    expect(await received).toEqual(Buffer.concat(pubacks));
    expect(socketWrites).toBe(1);
    guarded.destroy();
  });
});
