import { Component, type ReactNode } from "react";
import { viewFailure } from "../model/viewError.js";
import { Icon } from "./Icon.js";

/**
 * A view that throws (its chunk is gone after an upgrade, or it failed while drawing) shows what
 * happened and a Reload button, in place of the view, instead of leaving the whole page blank.
 * Keyed by view and store where it is used, so going to another view starts afresh.
 */
export class ViewBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error === null) return this.props.children;
    const { title, detail } = viewFailure(this.state.error);
    return (
      <div className="state" role="alert" data-testid="view-failed">
        <div className="art" aria-hidden style={{ background: "#fee2e2", color: "#b91c1c" }}><Icon name="alert" /></div>
        <h2>{title}</h2>
        <div style={{ maxWidth: 460 }}>{detail}</div>
        <button className="btn primary" onClick={() => window.location.reload()}>Reload the page</button>
      </div>
    );
  }
}
