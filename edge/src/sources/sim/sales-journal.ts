import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirs } from "@footfall/core/node";
import type { Logger } from "../../log.js";
import { errorMessage } from "../../log.js";
import type { SaleUpload } from "./sales-upload.js";

/** A kept line that is a transaction (the file is ours, but a disk or a person may have changed it). */
function isSale(v: unknown): v is SaleUpload {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.transaction === "string" &&
    s.transaction.length > 0 &&
    typeof s.zone === "string" &&
    Number.isFinite(s.ts) &&
    Number.isFinite(s.amount) &&
    Number.isFinite(s.items)
  );
}

/**
 * The till transactions the sales import has not taken yet, in a JSON-lines file, so that neither a
 * stop nor a crash loses them: each one is appended as it is made (the ones made in one step of the
 * simulator in one write, at the end of that step), and after an upload settles some the file is
 * rewritten with what still waits (a temporary file, fsync, rename: a crash leaves the old or the new
 * list, never half of one). A crash (kill -9) loses at most the transactions of the step under way;
 * sending some twice is harmless, as the import is idempotent by transaction id.
 *
 * Never throws: a file that cannot be read is moved aside and a new one started; one that cannot be
 * written is logged (once) and written whole again at the next chance, the transactions waiting in
 * memory meanwhile.
 */
export class SalesJournal {
  private buffer: string[] = [];
  private scheduled = false;
  /** Lines in the file (what `current` held at the last rewrite, plus the appends since). */
  private lines = 0;
  /** The file is behind `current` (a write failed): it is written whole at the next write. */
  private dirty = false;
  private failing = false;

  /** `current`: every transaction waiting (the uploader's list), which a rewrite writes. */
  constructor(
    readonly path: string,
    private readonly log: Logger,
    private readonly current: () => readonly SaleUpload[],
  ) {}

  /** Lines the file holds, about (appends since the last rewrite included): a file far longer than what waits is rewritten. */
  get size(): number {
    return this.lines;
  }

  /**
   * The transactions kept, oldest first: at most `max` (the newest), each transaction once. Lines that
   * are not transactions are skipped and the file moved aside (`<path>.corrupt-<time>`) before the good
   * ones are written back; a last line cut short by a crash is simply dropped; a file that cannot be
   * read at all is moved aside (`<path>.unreadable-<time>`).
   */
  load(max: number, now: number = Date.now()): SaleUpload[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      const aside = `${this.path}.unreadable-${now}`;
      try {
        renameSync(this.path, aside);
        this.log.error(
          { file: this.path, movedTo: aside, error: errorMessage(err) },
          "cannot read the kept till transactions: moved the file aside, starting a new one",
        );
      } catch (moveErr) {
        this.dirty = true;
        this.log.error(
          { file: this.path, error: errorMessage(err), moveError: errorMessage(moveErr) },
          "cannot read the kept till transactions, nor move the file aside: going on without them",
        );
      }
      return [];
    }
    const rows = text.split("\n");
    // A file ends with a newline: a last piece without one was being written at a crash.
    const tail = rows.pop() ?? "";
    const seen = new Set<string>();
    const sales: SaleUpload[] = [];
    let bad = 0;
    const take = (row: string): boolean => {
      let v: unknown;
      try {
        v = JSON.parse(row);
      } catch {
        return false;
      }
      if (!isSale(v)) return false;
      if (!seen.has(v.transaction)) {
        seen.add(v.transaction);
        sales.push({ transaction: v.transaction, ts: v.ts, zone: v.zone, amount: v.amount, items: v.items, ...(Number.isFinite(v.arrived) ? { arrived: v.arrived } : {}) });
      }
      return true;
    };
    for (const row of rows) if (row.trim() !== "" && !take(row)) bad++;
    const torn = tail.trim() !== "" && !take(tail);
    const over = Math.max(0, sales.length - max);
    if (over > 0) sales.splice(0, over);
    if (bad > 0) {
      const aside = `${this.path}.corrupt-${now}`;
      try {
        renameSync(this.path, aside);
        this.log.warn(
          { file: this.path, movedTo: aside, badLines: bad, kept: sales.length },
          "the kept till transactions had lines that are not transactions: moved the file aside, keeping the good ones",
        );
      } catch (err) {
        this.log.warn(
          { file: this.path, badLines: bad, kept: sales.length, error: errorMessage(err) },
          "the kept till transactions had lines that are not transactions: keeping the good ones",
        );
      }
    }
    if (torn) this.log.info({ file: this.path }, "dropped a till transaction half-written when the simulator was killed");
    if (over > 0) this.log.warn({ file: this.path, dropped: over, max }, "more till transactions kept than are held: dropping the oldest");
    this.lines = rows.length + (tail === "" ? 0 : 1);
    if (bad > 0 || torn || over > 0 || sales.length !== this.lines) this.rewrite(sales);
    return sales;
  }

  /** Keep one more transaction: written with the others of this step once it ends (a microtask). */
  append(sale: SaleUpload): void {
    this.buffer.push(JSON.stringify(sale));
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.sync());
  }

  /** Write what `append` holds now (the end of a step; a stop). */
  sync(): void {
    this.scheduled = false;
    if (this.dirty) return this.rewrite(this.current());
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    try {
      makeDirs(dirname(this.path));
      appendFileSync(this.path, lines.join("\n") + "\n", { mode: 0o600 });
      this.lines += lines.length;
      this.wrote();
    } catch (err) {
      this.failed(err);
    }
  }

  /** Replace the file's list with `sales` (what still waits). */
  rewrite(sales: readonly SaleUpload[]): void {
    this.buffer = [];
    const tmp = `${this.path}.tmp`;
    try {
      makeDirs(dirname(this.path));
      const fd = openSync(tmp, "w", 0o600);
      try {
        // In pieces: 200,000 transactions are some 20 MB of text.
        for (let i = 0; i < sales.length; i += 10_000) {
          writeSync(
            fd,
            sales
              .slice(i, i + 10_000)
              .map((s) => JSON.stringify(s) + "\n")
              .join(""),
          );
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      this.lines = sales.length;
      this.dirty = false;
      this.wrote();
    } catch (err) {
      this.failed(err);
    }
  }

  private wrote(): void {
    if (!this.failing) return;
    this.failing = false;
    this.log.info({ file: this.path }, "writing the kept till transactions again");
  }

  private failed(err: unknown): void {
    this.dirty = true;
    if (this.failing) return;
    this.failing = true;
    this.log.error(
      { file: this.path, error: errorMessage(err) },
      "cannot write the kept till transactions: they wait in memory only until it can (a stop or a crash now loses them)",
    );
  }

  /** Whether the file holds every transaction waiting (nothing failed to be written since). */
  get intact(): boolean {
    return !this.dirty && this.buffer.length === 0;
  }
}
