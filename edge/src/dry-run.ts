import type { AgentConfig } from "./config.js";
import { EventIds } from "./ids.js";
import { EventIntake, type IntakeStats } from "./intake.js";
import type { Layout } from "@footfall/core";
import { LayoutHub } from "./layout.js";
import type { Logger } from "./log.js";
import type { Source } from "./source.js";
import { SourceSupervisor } from "./supervisor.js";

/** What a {@link DryRun} needs. */
export interface DryRunOptions<S> {
  config: AgentConfig<S>;
  source: Source<S>;
  /** Receives one JSON line per valid event (stdout in the CLI). */
  write: (line: string) => void;
  log: Logger;
  now?: () => number;
  /** The store layout to hand the source (`--layout`), as the server's retained one would be. */
  layout?: Layout | undefined;
}

/**
 * A source without MQTT: every event gets its id, is validated like in the agent and is written as
 * one JSON line. No layout arrives from a server: sources get the `layout` given (`--layout`), else
 * use their configured or built-in one.
 */
export class DryRun<S> {
  private readonly intake: EventIntake;
  private readonly supervisor: SourceSupervisor<S>;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: DryRunOptions<S>) {
    const now = opts.now ?? Date.now;
    const ids = new EventIds(opts.config.agent, now);
    this.intake = new EventIntake(ids, (event) => opts.write(JSON.stringify(event) + "\n"), opts.log.child("source"), now);
    const layouts = new LayoutHub();
    if (opts.layout) layouts.set(opts.layout);
    this.supervisor = new SourceSupervisor({
      source: opts.source,
      settings: opts.config.settings,
      emit: (draft) => this.intake.accept(draft),
      layouts,
      layoutsExpected: false,
      log: opts.log.child(opts.config.kind),
      now,
      agent: opts.config.agent,
      dataDir: opts.config.dataDir,
      backoff: { minMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 },
    });
  }

  /** Start the source. */
  start(): void {
    const { config, layout, log } = this.opts;
    log.info({ kind: config.kind, agent: config.agent }, "dry run: events go to stdout as JSON lines, nothing is sent");
    if (layout) log.info({ zones: layout.zones.map((z) => z.id).join(",") }, "dry run with the store layout given by --layout");
    else if (config.kind === "camera" || config.kind === "beacon")
      log.info("dry run without the store's layout: zone enter and exit events need it (a running agent gets it from the server); pass --layout FILE, the layout as GET /api/v1/stores/<store>/layout answers it");
    this.supervisor.start();
  }

  /** Counters so far. */
  stats(): IntakeStats {
    return this.intake.stats();
  }

  /** Stop the source (safe to call twice). */
  stop(reason = "stopped"): Promise<void> {
    this.stopping ??= (async () => {
      await this.supervisor.stop();
      const s = this.intake.stats();
      this.opts.log.info({ events: s.accepted, rejected: s.rejected }, `dry run ${reason}`);
    })();
    return this.stopping;
  }
}
