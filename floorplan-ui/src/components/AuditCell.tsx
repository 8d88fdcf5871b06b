/** An agent's accuracy-audit badge in the Agents table (issue 18): accuracy, "data certified", when, and "audit due". */
import type { AgentAudit } from "../api/audits.js";
import { auditBadge } from "../model/audits.js";
import { formatDate, formatDateTimeZ } from "../model/format.js";

export function AuditCell({ audit, timeZone }: { audit: AgentAudit | undefined; timeZone: string | null }) {
  if (!audit) return <td className="muted">…</td>;
  if (!audit.auditable && !audit.last) {
    return (
      <td data-testid={`audit-${audit.agent}`} data-tone="simulated" className="muted" title="A simulated agent counts no real people: there is nothing to audit">
        simulated
      </td>
    );
  }
  const b = auditBadge(audit.last, audit.due);
  return (
    <td data-testid={`audit-${audit.agent}`} data-tone={b.tone} title={b.detail}>
      {b.tone === "none" ? (
        <span className="muted">not audited</span>
      ) : (
        <>
          <span className={`badge audit-${b.tone}`}>{b.tone === "certified" ? "✓ " : ""}{b.accuracy}</span>
          {b.tone === "certified" && <span className="small audit-word"> data certified</span>}
          {b.at !== null && timeZone && (
            <div className="small muted" title={formatDateTimeZ(b.at, timeZone)} data-testid={`audit-date-${audit.agent}`}>
              {formatDate(b.at, timeZone)}
            </div>
          )}
        </>
      )}
      {b.due && <div className="small audit-due" data-testid={`audit-due-${audit.agent}`}>audit due</div>}
    </td>
  );
}
