import { createHmac, randomBytes } from "node:crypto";

/** The calendar day of `ts` in `timeZone`, as YYYY-MM-DD (salts rotate when it changes). */
export function dayKey(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ts));
}

/** Normalise a beacon id so that `AA:BB` and `aa-bb` are the same beacon. */
export function normaliseBeaconId(id: string): string {
  return id.trim().toLowerCase().replace(/[-:\s]/g, "");
}

/** A keyed hash of a beacon id: HMAC-SHA256 with the day's salt, hex, cut to `length` characters, with a prefix. */
export function visitorIdOf(beacon: string, salt: Buffer, prefix: string, length = 32): string {
  return prefix + createHmac("sha256", salt).update(normaliseBeaconId(beacon)).digest("hex").slice(0, length);
}

/** Where a daily salt comes from and goes to. */
export interface SaltStore {
  /** The stored salt, if any, and its day. */
  load(): { day: string; salt: Buffer } | null;
  /** Replace the stored salt (the previous day's is forgotten). */
  save(entry: { day: string; salt: Buffer }): void;
}

/**
 * Visitor ids that cannot be traced back to a beacon: a keyed hash of the beacon id with a salt
 * that changes every day (in `timeZone`). Without a `secret`, each day's salt is random and kept
 * only for that day (in the store, so a restart keeps the day's ids); once the day is over it is
 * replaced and nobody, the agent included, can link the ids of two days. With a `secret` shared by
 * several agents of one store, the day's salt is derived from it (HMAC(secret, day)), so those
 * agents give the same beacon the same id on the same day.
 */
export class DailyVisitorIds {
  private current: { day: string; salt: Buffer } | null = null;

  constructor(private readonly opts: { timeZone: string; prefix: string; secret?: string | undefined; store?: SaltStore | undefined; random?: (n: number) => Buffer }) {
    this.current = opts.secret ? null : (opts.store?.load() ?? null);
  }

  /** The salt of the day `ts` falls in (rotating it when the day changed). */
  saltAt(ts: number): Buffer {
    const day = dayKey(ts, this.opts.timeZone);
    if (this.current?.day === day) return this.current.salt;
    const salt = this.opts.secret ? createHmac("sha256", this.opts.secret).update(`footfall-beacon-salt:${day}`).digest() : (this.opts.random ?? randomBytes)(32);
    this.current = { day, salt };
    if (!this.opts.secret) this.opts.store?.save(this.current);
    return salt;
  }

  /** The visitor id of `beacon` for a visit that began at `ts`. */
  idAt(beacon: string, ts: number): string {
    return visitorIdOf(beacon, this.saltAt(ts), this.opts.prefix);
  }
}
