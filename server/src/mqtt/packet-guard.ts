/**
 * A packet size limit in front of the embedded broker. Aedes (mqtt-packet) buffers a packet whole
 * before looking at it, whatever length its header announces, and before authentication: three
 * CONNECTs announcing 150 MB each took the server from 111 to 557 MiB. This guard reads only the
 * MQTT fixed headers as bytes pass and closes the socket as soon as a header announces more than the
 * limit, so an oversized packet costs at most one socket read of memory.
 */
import { Duplex } from "node:stream";
import type { Socket } from "node:net";

export interface PacketLimits {
  /** Largest packet, and most bytes in all, before the connection is authenticated (the CONNECT, its will included). */
  beforeAuth: number;
  /** Largest packet once authenticated. */
  afterAuth: number;
}

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

/**
 * Follows MQTT packet boundaries through a byte stream by their fixed headers (type byte, then the
 * remaining length in 1-4 bytes of 7 bits) without keeping any of the bytes. Pure: tested alone.
 */
export class PacketSizeMeter {
  /** Set once the connection is authenticated: later packets get the larger limit. */
  authenticated = false;
  private state = HEADER;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private bytesBeforeAuth = 0;

  constructor(private readonly limits: PacketLimits) {}

  /** Feeds the next bytes; returns why the connection must close, or null. */
  feed(chunk: Uint8Array): string | null {
    if (!this.authenticated) {
      this.bytesBeforeAuth += chunk.length;
      if (this.bytesBeforeAuth > this.limits.beforeAuth) return `${this.bytesBeforeAuth} bytes before authentication (limit ${this.limits.beforeAuth})`;
    }
    let i = 0;
    while (i < chunk.length) {
      if (this.state === BODY) {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.state = HEADER;
      } else if (this.state === HEADER) {
        i++;
        this.state = LENGTH;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        const b = chunk[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 0x80) {
          if (this.lengthBytes >= 4) return "malformed packet: remaining length longer than 4 bytes";
          continue;
        }
        const size = 1 + this.lengthBytes + this.length;
        const limit = this.authenticated ? this.limits.afterAuth : this.limits.beforeAuth;
        if (size > limit) return `a packet of ${size} bytes announced (limit ${limit}${this.authenticated ? "" : " before authentication"})`;
        this.bodyLeft = this.length;
        this.state = this.bodyLeft > 0 ? BODY : HEADER;
      }
    }
    return null;
  }
}

/**
 * The socket as Aedes sees it: bytes pass through unchanged, and the socket is destroyed (with
 * `onRefused` told why) the moment the meter refuses what arrived. Backpressure is kept both ways.
 */
export class GuardedSocket extends Duplex {
  readonly meter: PacketSizeMeter;

  constructor(
    readonly socket: Socket,
    limits: PacketLimits,
    onRefused: (why: string, conn: GuardedSocket) => void,
  ) {
    super({ readableHighWaterMark: socket.readableHighWaterMark, writableHighWaterMark: socket.writableHighWaterMark, allowHalfOpen: false });
    this.meter = new PacketSizeMeter(limits);
    socket.on("data", (chunk: Buffer) => {
      if (this.destroyed) return;
      const refused = this.meter.feed(chunk);
      if (refused) {
        socket.destroy();
        this.destroy();
        onRefused(refused, this);
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (err) => this.destroy(err));
    socket.on("close", () => this.destroy());
    socket.on("drain", () => this.emit("socketDrain"));
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.socket.write(chunk)) callback();
    else this.once("socketDrain", () => callback());
  }

  /**
   * The packets Aedes wrote while the stream was corked (mqtt-packet corks for a tick; a group
   * commit acknowledges its messages in one loop) go to the socket in one write: one system call
   * for a commit's PUBACKs instead of one each (~5 % of the server's CPU at 1 event a message).
   */
  override _writev(chunks: { chunk: Buffer }[], callback: (err?: Error | null) => void): void {
    const data = chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk));
    if (this.socket.write(data)) callback();
    else this.once("socketDrain", () => callback());
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end(() => callback());
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.socket.destroy();
    callback(err);
  }
}
