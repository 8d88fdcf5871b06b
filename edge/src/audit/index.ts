export { ClipStore, isClipId, frameFile, type ClipManifest, type ClipFrame, type ClipEvent, type ClipStoreOptions } from "./clips.js";
export { AuditServer, type AuditServerOptions } from "./server.js";
export { auditResult, directionAccuracy, CERTIFY_AT, type AuditInput, type AuditResult, type Counts, type Mark } from "./result.js";
export { AUDIT_PAGE } from "./page.js";
