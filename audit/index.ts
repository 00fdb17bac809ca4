// Writ's auditor as a library: the same checks `writ audit verify` runs, for other tools
// to embed. Replay plus a history checker; nothing trusted but the keys and policy sets.
export { verifyHistories } from './verifyHistories';
export { verifyBundle, verifyLive } from './verifyBundle';
export type { VerifyBundleOptions, VerifyLiveOptions } from './verifyBundle';
export type { VerifyOptions, ReplaySource } from './verifyOptions';
export { readBundle, parseBundle } from './evidence/readBundle';
export { buildBundle, exportBundle, writeBundle } from './evidence/exportBundle';
export type { BundleContents } from './evidence/exportBundle';
export { EVIDENCE_FORMAT, EvidenceBundleSchema } from './evidence/evidenceBundle';
export type { EvidenceBundle, EvidenceRun } from './evidence/evidenceBundle';
export { policySetEvidence, policySetDigest } from './evidence/policySetEvidence';
export type { PolicySetEvidence } from './evidence/policySetEvidence';
export { AuditKeySet, keyRecordsToEvidence } from './keys/auditKeySet';
export type { EvidenceKeySet, KeyValidity } from './keys/auditKeySet';
export { fetchRuns } from './live/fetchRuns';
export type { RunSelection } from './live/fetchRuns';
export { exampleWorkflowBundle } from './replay/replayRuns';
export type { AuditRun, AuditSettings } from './checks/runContext';
export { OPERATOR_EVENT_PREFIX } from './checks/checkOperatorEvents';
export type { OperatorEventVerifier, OperatorEventCheck } from './checks/checkOperatorEvents';
export type { OperatorEventRecord } from './history/runRecord';
export { formatFinding, formatVerdict } from './format/formatVerdict';
export { AuditError, isAuditError, AUDIT_ERROR_CODES } from './auditError';
export type { AuditErrorCode } from './auditError';
export { FINDING_CODES } from './types';
export type { AuditVerdict, AuditedStep, Finding, FindingCode, RunVerdict } from './types';
