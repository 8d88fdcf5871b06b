import type { AgentConfig } from "./config.js";
import { EventIds } from "./ids.js";
import { EventIntake, type IntakeStats } from "./intake.js";
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
}

/**
 * A source without MQTT: every event gets its id, is validated like in the agent and is written as
 * one JSON line. No layout ever arrives, so sources use their configured or built-in one.
 */
export class DryRun<S> {
  private readonly intake: EventIntake;
  private readonly supervisor: SourceSupervisor<S>;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: DryRunOptions<S>) {
    const now = opts.now ?? Date.now;
    const ids = new EventIds(opts.config.agent, now);
    this.intake = new EventIntake(ids, (event) => opts.write(JSON.stringify(event) + "\n"), opts.log.child("source"), now);
    this.supervisor = new SourceSupervisor({
      source: opts.source,
      settings: opts.config.settings,
      emit: (draft) => this.intake.accept(draft),
      layouts: new LayoutHub(),
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
    this.opts.log.info({ kind: this.opts.config.kind, agent: this.opts.config.agent }, "dry run: events go to stdout as JSON lines, nothing is sent");
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
