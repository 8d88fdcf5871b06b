import type { Logger } from "./log.js";

/** What a {@link RepeatedFailure} says when its spell of failures ends. */
export interface SpellEnd {
  /** Failures counted in the spell (the first one included). */
  failures: number;
  /** How long it lasted, in whole seconds. */
  seconds: number;
  /** The distinct keys (agents, stores) that failed in it (0 when failures have none). */
  keys: number;
}

/**
 * A failure that repeats while its cause lasts (every agent's login retry, a check each second, while the database does
 * not answer) said once when it starts and once when it ends, with how many there were and how long it lasted, instead
 * of a line each time: 40 agents retrying every few seconds flooded the log around the one line that says what to do.
 */
export class RepeatedFailure {
  private spell: { since: number; failures: number; keys: Set<string> } | null = null;

  constructor(
    private readonly o: {
      log: Logger;
      /** The line that starts a spell (warn), from its first failure. */
      start: (err: string) => string;
      /** The line that ends it (info); none when left out. */
      end?: (s: SpellEnd) => string;
      /** The end line's field for {@link SpellEnd.keys} (e.g. "agents"); left out of it when not given. */
      keysField?: string;
      now?: () => number;
    },
  ) {}

  /** Whether a spell is under way. */
  get failing(): boolean {
    return this.spell !== null;
  }

  /** A failure (of `key`, when it has one): said when it starts a spell, counted otherwise. */
  fail(err: string, fields: Record<string, unknown> = {}, key?: string): void {
    if (this.spell) {
      this.spell.failures++;
      if (key !== undefined) this.spell.keys.add(key);
      return;
    }
    this.spell = { since: (this.o.now ?? Date.now)(), failures: 1, keys: new Set(key === undefined ? [] : [key]) };
    this.o.log.warn({ ...fields, err }, this.o.start(err));
  }

  /** A success: ends a spell (said once, when it has an end line). */
  ok(): void {
    const s = this.spell;
    if (!s) return;
    this.spell = null;
    const end: SpellEnd = { failures: s.failures, seconds: Math.round(((this.o.now ?? Date.now)() - s.since) / 1000), keys: s.keys.size };
    if (this.o.end) this.o.log.info({ failures: end.failures, seconds: end.seconds, ...(this.o.keysField ? { [this.o.keysField]: end.keys } : {}) }, this.o.end(end));
  }
}
