import type { Source, SourceContext } from "../source.js";

/**
 * A source whose events pass only while `open()` says so; {@link halt} ends its work for good (the
 * chain simulator's stores once they stop making events).
 */
export class GatedSource<S> implements Source<S> {
  private halted = false;
  constructor(
    private readonly inner: Source<S>,
    private readonly open: () => boolean,
  ) {}
  async start(ctx: SourceContext<S>): Promise<void> {
    const gated: SourceContext<S> = Object.create(ctx) as SourceContext<S>;
    gated.emit = (event) => {
      if (this.open()) ctx.emit(event);
    };
    await this.inner.start(gated);
    // Halted while it was starting (its layout wait): its work, begun since, ends too.
    if (this.halted) await this.inner.stop();
  }
  /** The inner source's last events at a graceful stop (through the gate: none once halted or paused). */
  async closing(): Promise<void> {
    if (!this.halted) await this.inner.closing?.();
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  /** Ends the inner source's work now (the simulation's timer), the gate closed; `stop` may follow. */
  halt(): void {
    this.halted = true;
    void this.inner.stop();
  }
}
