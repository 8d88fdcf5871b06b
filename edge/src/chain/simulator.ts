import { join } from "node:path";
import { Agent } from "../agent.js";
import { validateConfig } from "../config.js";
import { levelFilter, type Logger } from "../log.js";
import { checkSimSettings, type SimSettings } from "../sources/sim/settings.js";
import { SimSource } from "../sources/sim.js";
import { Ledger } from "./ledger.js";
import type { ChainStore } from "./stores.js";
import type { Source } from "../source.js";
import { GatedSource } from "./gated-source.js";

/** MQTT credentials of one store's agent (what `footfall agent add` prints). */
export interface AgentCredentials {
  store: string;
  agent: string;
  username: string;
  password: string;
}

/** The least an agent of the chain is given to stop, whatever is left of the bound: its offline status and disconnect (ms). */
const STOP_GOODBYE_MS = 500;

export interface ChainSimulatorOptions {
  stores: readonly ChainStore[];
  /** The broker every agent connects to (the central one, or a site broker). */
  mqttUrl: string;
  /** Credentials per store; a store without any connects anonymously (an open test broker). */
  credentials?: ReadonlyMap<string, AgentCredentials>;
  /** Simulated seconds per real second (default 60): the rate of events. */
  speed?: number;
  /** Multiplies every store's arrivals (a load test's knob; default 1). */
  arrivalsFactor?: number;
  /** Start the simulated day at this local hour in every store (default: each store's real time of day). */
  startHour?: number;
  /** Start each store's simulated day at its next opening hour when it is closed at the start (see the sim's `startOpen`). */
  startOpen?: boolean;
  /** Each store opens and closes by the wall clock at any speed (see the sim's `followClock`). */
  followClock?: boolean;
  /** Hours of history sent at start (default 0). */
  backfillHours?: number;
  /** Per store, an instant the back-fill starts at when later than `backfillHours` ago (the newest event the server holds + 1). */
  backfillFrom?: ReadonlyMap<string, number>;
  /**
   * Per store, the people a killed run of its agent left inside (the sim's `leftInside`: `footfall demo`
   * reads them from the store's stored events): that store's agent sends their exits and count out first.
   */
  leftInside?: ReadonlyMap<string, NonNullable<SimSettings["leftInside"]>>;
  /**
   * Send each store's till transactions to the server's sales import, `url` being the server's
   * base (`http://host:8080`: a store's go to `/api/v1/stores/<store>/sales`) and `token` an admin
   * token for every store. Without it, nobody buys anything the server hears of. With `keepDir`, the
   * transactions a store's import has not taken wait in `<keepDir>/<store>.sales.jsonl`, so a stop or
   * a crash loses none (sent first at the next start); without it a stop loses them.
   */
  sales?: { url: string; token: string; keepDir?: string };
  /** Real ms between simulation steps of a store (default 250). */
  tickMs?: number;
  /** How often each agent sends what is waiting, its `batch.flushEveryMs` (default 500): fewer, larger messages when longer. */
  flushEveryMs?: number;
  /**
   * Agents logging in at once, at most (default 20): the next agent starts when one of them has connected, or its
   * attempt has failed. A broker checks logins one at a time (Mosquitto hashes each password, a few ms each), so
   * agents started at a fixed pace faster than that waited past their connect timeout, tried again and made it
   * hash again: a thousand agents took 40-90 s to log in (see {@link ChainSimulator.start}).
   */
  maxConnecting?: number;
  /** Receipts mode of every agent (default "auto", like a real agent). */
  receipts?: "auto" | "on" | "off";
  /** Events held per agent while the broker or server is away (default 200,000). */
  outboxMaxEvents?: number;
  /** On stop, how long each agent waits for its queued events to be settled before it disconnects (default 10 s). */
  drainMs?: number;
  /** Level of the agents' own log lines (default "warn": a thousand agents' info lines are noise). */
  agentLogLevel?: "debug" | "info" | "warn" | "error";
  log: Logger;
  /** Where the ids of what was sent are kept (default: a new one). */
  ledger?: Ledger;
}

/** Totals over every store's agent. */
export interface ChainStats {
  stores: number;
  connected: number;
  /** Events queued for sending since start (= the ledger's count). */
  queued: number;
  /** Events settled (by the server's receipts, or PUBACK against an older server) and gone from the outboxes. */
  settled: number;
  /** Events waiting in the outboxes: not sent yet, or sent and not settled. */
  waiting: number;
  /** Times an agent sent all its unsettled events again (after a reconnection or a receipt timeout). */
  resends: number;
  /** Events the outboxes refused because they were full (never sent, and not in the ledger). */
  refused: number;
  /** Events the server rejected for good (settled by a receipt, and not stored). */
  rejected: number;
}

/**
 * The agents of many stores in one process: one {@link Agent} per store (its own MQTT connection,
 * client id, credentials, durable-in-memory outbox, receipts and retained status, exactly like a
 * `footfall-edge sim` process) running the `sim` source with the store's own layout, hours and
 * crowd. Every event an outbox takes is written to the {@link Ledger}, so a fault test can count
 * what the server lost or doubled.
 */
export class ChainSimulator {
  readonly ledger: Ledger;
  private readonly agents: Array<{ store: string; agent: Agent<SimSettings>; source: GatedSource<SimSettings> }> = [];
  /** The agents' configurations, whose `shutdownTimeoutMs` {@link stop} may shorten. */
  private readonly configs: Array<{ shutdownTimeoutMs: number }> = [];
  private stopped = false;
  private producing = true;

  constructor(private readonly opts: ChainSimulatorOptions) {
    this.ledger = opts.ledger ?? new Ledger();
    const missing = opts.credentials ? opts.stores.filter((s) => !opts.credentials!.has(s.store)).map((s) => s.store) : [];
    if (missing.length > 0) {
      throw new Error(
        `no credentials for ${missing.length} store${missing.length === 1 ? "" : "s"} (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}): add their agents with \`footfall agent add sim-1 --store <store> --kind sim\` and list them in the credentials file`,
      );
    }
    for (const store of opts.stores) {
      const source = new GatedSource(new SimSource(), () => this.producing);
      this.agents.push({ store: store.store, agent: this.makeAgent(store, source), source });
    }
  }

  private makeAgent(s: ChainStore, source: Source<SimSettings>): Agent<SimSettings> {
    const o = this.opts;
    const creds = o.credentials?.get(s.store);
    const settings = {
      ...s.settings,
      arrivalsPerHour: Math.min(100_000, s.settings.arrivalsPerHour * (o.arrivalsFactor ?? 1)),
      layout: s.layout,
      layoutWaitMs: 2000,
      speed: o.speed ?? 60,
      backfillHours: o.backfillHours ?? 0,
      ...(o.backfillFrom?.has(s.store) ? { backfillFrom: o.backfillFrom.get(s.store)! } : {}),
      ...(o.leftInside?.has(s.store) ? { leftInside: o.leftInside.get(s.store)! } : {}),
      tickMs: o.tickMs ?? 250,
      ...(o.startHour !== undefined ? { startHour: o.startHour } : {}),
      startOpen: o.startOpen ?? false,
      followClock: o.followClock ?? false,
      ...(o.sales
        ? {
            sales: {
              url: `${o.sales.url.replace(/\/+$/, "")}/api/v1/stores/${encodeURIComponent(s.store)}/sales`,
              token: o.sales.token,
              ...(o.sales.keepDir ? { stateFile: join(o.sales.keepDir, `${s.store}.sales.jsonl`) } : {}),
            },
          }
        : {}),
    };
    const raw = {
      store: s.store,
      agent: creds?.agent ?? s.agent,
      mqtt: { url: o.mqttUrl, ...(creds ? { username: creds.username, password: creds.password } : {}), reconnectMinMs: 500, reconnectMaxMs: 10_000 },
      batch: { flushEveryMs: o.flushEveryMs ?? 500 },
      outbox: { maxEvents: o.outboxMaxEvents ?? 200_000 },
      receipts: o.receipts ?? "auto",
      logLevel: o.agentLogLevel ?? "warn",
      shutdownTimeoutMs: o.drainMs ?? 10_000,
      settings,
    };
    const checked = validateConfig(raw, "sim", {}, checkSimSettings);
    if (!checked.ok) throw new Error(`the simulated agent of ${s.store} has a bad configuration (a bug): ${checked.problems.join("; ")}`);
    const level = checked.config.logLevel;
    this.configs.push(checked.config);
    const quiet: Logger = levelFilter(o.log.child(s.store), level);
    return new Agent<SimSettings>({
      config: checked.config,
      source,
      log: quiet,
      onQueued: (event) => this.ledger.record(s.store, event.id),
      // With --backfill-from (footfall demo), the next start makes what the server has not stored again.
      ...(o.backfillFrom ? { unsettledAtStop: "not lost: the next start back-fills on from the newest event the server holds (--backfill-from)" } : {}),
    });
  }

  /**
   * Starts the agents, at most `maxConnecting` logging in at once: each one that connects (or whose attempt
   * fails: it goes on trying with its own backoff) lets the next one start. Resolves once every agent is
   * started (not connected).
   *
   * Before, 50 agents started every 100 ms whatever the broker managed. Debian's Mosquitto 2.0 (one thread)
   * checks each login with PBKDF2-SHA512 (10,000 iterations, 4-8 ms) and reads one packet per connection per
   * turn of its loop, so with hundreds of CONNECTs waiting each turn took seconds: CONNACKs came after the
   * agents' 10 s connect timeout (they connected again, and the broker hashed again), and the one connection
   * that publishes a server's receipts got one packet through per turn: in bench:chain no receipt settled
   * anything until every agent was connected, 40-90 s, and the agents' receipt timeout sent everything again.
   */
  start(): Promise<void> {
    const limit = Math.max(1, this.opts.maxConnecting ?? 20);
    return new Promise((resolve) => {
      let next = 0;
      let connecting = 0;
      const pump = (): void => {
        while (!this.stopped && connecting < limit && next < this.agents.length) {
          const agent = this.agents[next++]!.agent;
          agent.start();
          const client = agent.mqtt;
          if (!client || client.connected) continue;
          connecting++;
          let done = false;
          const release = (): void => {
            if (done) return;
            done = true;
            client.off("connect", release);
            client.off("close", release);
            connecting--;
            pump();
          };
          client.on("connect", release);
          client.on("close", release);
        }
        if (this.stopped || next >= this.agents.length) resolve();
      };
      pump();
    });
  }

  /**
   * The stores stop making events for good while the agents stay connected and keep sending what is
   * queued: a test pauses, waits until nothing is waiting, then audits. Their simulations stop too:
   * simulating a thousand stores whose events go nowhere took a third of the process's CPU while
   * bench:chain's simulators waited for their last receipts, CPU the servers lacked for the backlog.
   */
  pause(): void {
    this.producing = false;
    for (const { source } of this.agents) source.halt();
  }

  /** Each store's agent now: connected, events waiting, sent and not yet settled, settled. */
  storeStats(): Array<{ store: string; connected: boolean; waiting: number; unsettled: number; settled: number }> {
    return this.agents.map(({ store, agent }) => {
      const m = agent.metrics();
      return { store, connected: m.connected, waiting: m.queued, unsettled: m.unsettled, settled: m.sentEvents };
    });
  }

  /** Per store, the ids of the events its agent has not had settled (still in its outbox; after {@link stop}: left there when it stopped). */
  unsettled(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const { store, agent } of this.agents) {
      const ids = agent.unsettledIds();
      if (ids.length) out.set(store, ids);
    }
    return out;
  }

  /** Totals over every agent now. */
  stats(): ChainStats {
    const t: ChainStats = { stores: this.agents.length, connected: 0, queued: this.ledger.count(), settled: 0, waiting: 0, resends: 0, refused: 0, rejected: 0 };
    for (const { agent } of this.agents) {
      const m = agent.metrics();
      if (m.connected) t.connected++;
      t.settled += m.sentEvents;
      t.waiting += m.queued;
      t.resends += m.resends;
      t.refused += m.refused;
      t.rejected += m.rejected;
    }
    return t;
  }

  /** Events waiting in every outbox now: {@link stats}' `waiting`. */
  waiting(): number {
    let n = 0;
    for (const { agent } of this.agents) n += agent.queued();
    return n;
  }

  /**
   * Pauses the stores ({@link pause}) and waits, the agents connected (they reconnect and send
   * again as usual), until no event waits in any outbox: every one sent was settled. Resolves true
   * then, false after `timeoutMs` with events still waiting ({@link unsettled} lists them).
   * `progress` is called about every `everyMs` while it waits.
   */
  async settle(timeoutMs: number, progress?: (stats: ChainStats) => void, everyMs = 10_000): Promise<boolean> {
    // The stores' last events first: their shoppers walk out (the simulator's `closing`), so the
    // server keeps no visit open, and no one in a door count, of a store that stops.
    await Promise.all(this.agents.map(({ source }) => source.closing()));
    this.pause();
    const start = performance.now();
    let told = start;
    for (;;) {
      // Checked every 200 ms: the outboxes' sizes only (every agent's whole metrics, 5 times a second, were a tenth of the process's CPU).
      if (this.waiting() === 0) return true;
      const now = performance.now();
      if (now - start >= timeoutMs) return false;
      if (progress && now - told >= everyMs) {
        told = now;
        progress(this.stats());
      }
      await new Promise((r) => setTimeout(r, Math.min(200, Math.max(1, timeoutMs - (now - start)))));
    }
  }

  /**
   * Stops every source, waits up to `drainMs` (or `withinMs`, when shorter) for what is queued to be
   * settled, then disconnects each agent with its offline status. The ledger keeps what was sent.
   */
  async stop(withinMs?: number): Promise<void> {
    this.stopped = true;
    // `withinMs`: what is left of one bound for the whole stop (the settling before took the rest). The
    // agents read their wait when they stop; the offline status and the goodbye keep half a second.
    if (withinMs !== undefined) for (const c of this.configs) c.shutdownTimeoutMs = Math.min(c.shutdownTimeoutMs, Math.max(STOP_GOODBYE_MS, Math.round(withinMs)));
    await Promise.all(this.agents.map(({ agent }) => agent.stop("chain simulator stopped")));
  }
}

