/**
 * `writ-governance`: Writ for worker and client code. Declare governed actions, give one
 * `WritPlugin` to the Temporal Client, Worker and bundler, open keys, identity and policy
 * from `writ.config.json`, act as an operator, and audit histories as a library.
 * Workflow code imports `writ-governance/workflow` instead; tests, `writ-governance/testing`.
 *
 * @packageDocumentation
 */

// Declaring governed actions.
export { defineAction } from '../core/actions/defineAction';
export type { ActionDeclaration } from '../core/actions/defineAction';
export type { ActionContext, GovernedAction, GovernedActions, GovernedProxy, ResourceView } from '../core/actions/types';
export type { CedarEntity, CedarValueJson } from '../core/policy/policyEngine';

// Errors: every refusal carries a stable code.
export { WritError, isWritError, WRIT_ERROR_CODES } from '../core/errors/writError';
export type { WritErrorCode, WritIssue } from '../core/errors/writError';

// The plugin, and the client sugar over it.
export { WritPlugin, WRIT_PLUGIN_NAME } from '../core/plugin/writPlugin';
export type { WritGovernance, WritOperatorOptions, WritPluginOptions } from '../core/plugin/writPluginOptions';
export type { OperatorStatementKind } from '../core/operators/operatorStatementKinds';
export type { ArtifactWindowSettings, IdentityCheck } from '../activities/governanceDeps';
export type { Signer } from '../core/artifact/mintArtifact';
export type { KeyResolver } from '../core/artifact/verify/checkSignature';
export type { StatementVerifier } from '../core/operators/verifyStatement';
export { createWritClient } from '../core/client/createWritClient';

// Configuration and the trust material a worker runs with.
export { loadConfig, CONFIG_FILE } from '../core/config/writConfig';
export type { WritConfig } from '../core/config/writConfig';
export type { ConsoleConfig } from '../core/config/consoleConfig';
export type { PasskeyTrust } from '../core/passkeys/passkeyTrust';
export type { PasskeyAssertionUse, PasskeyBinding } from '../core/governance/passkeyRegistry';
export { openGovernance } from '../core/runtime/openGovernance';
export type { Governance } from '../core/runtime/openGovernance';
export type { EvidenceLog, LoggedEntry } from '../core/log/evidence/evidenceLog';
export type { EvidenceEntry } from '../core/log/entries/evidenceEntry';
export type { DirectoryEvidenceLogConfig, EvidenceLogConfig, PostgresEvidenceLogConfig } from '../core/log/evidence/evidenceLogConfig';
export type { ResolvedEvidenceLogConfig } from '../core/config/writConfig';
export type { WritRole } from '../core/config/writRole';
export { startWritWorker } from '../worker/startWritWorker';
export type { StartedWritWorker, StartWritWorkerOptions, WritWorkerDefinition } from '../worker/startWritWorker';

// Keys.
export { KeyStore } from '../core/keys/keyStore';
export type { KeyInfo, KeyRecord, KeyStoreOptions, PublicJwks, SigningKey } from '../core/keys/keyStore';
export type { KeyStatus } from '../core/keys/keyStoreManifest';
export type { KeyPurpose } from '../core/keys/keyPurpose';
export type { PublicSigningJwk } from '../core/keys/ed25519Jwk';
export { TrustedKeySet } from '../core/keys/trustedKeySet';
export { Pkcs11Signer } from '../core/keys/pkcs11/pkcs11Signer';
export type { Pkcs11SignerOptions } from '../core/keys/pkcs11/pkcs11Signer';
export type { Pkcs11SignerConfig, Pkcs11SignerSettings } from '../core/keys/pkcs11/pkcs11SignerConfig';
export type { LocalSignerConfig, SignerConfig } from '../core/keys/signerConfig';
export { TrustedKeysFile } from '../core/keys/trustedKeysFile';

// Identity.
export { IdentityVerifier } from '../core/identity/identityVerifier';
export type {
  IdentityAlgorithm,
  IdentityVerifierConfig,
  IdentityVerifierOptions,
  ResolvedIdentityVerifierConfig,
  VerifiedIdentity,
  VerifiedStatement,
} from '../core/identity/identityVerifier';
export { DevIdentityProvider, DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../core/identity/devIdentityProvider';
export type { BoundCredential, BoundCredentialRequest, DevIdentityProviderOptions, MintTokenRequest } from '../core/identity/devIdentityProvider';
// Sender-constrained identity: a token bound to a proof key (cnf.jkt), proven at every start.
export { generateProofKey, importProofKey, exportProofKey } from '../core/identity/proofKey';
export type { ProofKey, ProofKeyJwk, ProofPublicJwk } from '../core/identity/proofKey';
export { readBoundCredentialFile, writeBoundCredentialFile, BOUND_CREDENTIAL_FORMAT } from '../core/identity/boundCredentialFile';
export type { StartProofBinding, VerifiedStartProof } from '../core/identity/startProof';

// Policy.
export { PolicySource } from '../core/policy/policySource';
export { loadPolicySet } from '../core/policy/policySet';
export type { NamedPolicy, PolicySet } from '../core/policy/policySet';
export type { PolicyDecision, PolicyEngine, PolicyRequest } from '../core/policy/policyEngine';

// Fleet-wide governance state and operators.
export { openGovernanceStore } from '../core/governance/openGovernanceStore';
export { SqliteGovernanceStore } from '../core/governance/sqliteGovernanceStore';
export type {
  ArtifactExecution,
  GovernanceStore,
  GovernanceStoreBackend,
  KillSwitchChange,
  KillSwitchState,
  Revocation,
  StatementKind,
  StatementUse,
} from '../core/governance/governanceStore';
export type { ChainAdvance, ChainHead, HandoffClaim, HandoffOffer, HandoffOffered, RegisteredRun, RunIdentity, RunOrigin, RunRegistration } from '../core/governance/runRegistry';
export type { GovernanceStoreConfig, PostgresGovernanceStoreConfig, SqliteGovernanceStoreConfig } from '../core/governance/governanceStoreConfig';
export type { McpConfig, McpUpstreamConfig } from '../core/config/mcpConfig';
export { OperatorConsole } from '../core/operators/operatorConsole';
export type { Operator, PendingRun, StatementSigner } from '../core/operators/operatorConsole';
export type { ApprovalAnswer, ApprovalRequest, KillSwitchInForce, KillSwitchReceipt, OperatorActReceipt, PendingApproval } from '../core/protocol/operatorContract';

// Reading governed steps back from a history.
export { actionOutcome, approvalRequired, authorizationResult, governedStepsFromHistory } from '../core/history/governedSteps';
export type { ActivityEnd, GovernedStepRecord } from '../core/history/governedSteps';
export type { ActionOutcome, ApprovalRequired, AuthorizationMode, AuthorizeRequest, AuthorizeResult, LineageLink } from '../core/protocol/authorizeContract';

// The auditor as a library: the checks `writ audit verify` runs.
export { verifyHistories } from '../core/audit/verifyHistories';
export { verifyBundle, verifyLive } from '../core/audit/verifyBundle';
export type { VerifyBundleOptions, VerifyLiveOptions } from '../core/audit/verifyBundle';
export type { ReplaySource, VerifyOptions } from '../core/audit/verifyOptions';
export type { AuditRun } from '../core/audit/checks/runContext';
export type { GovernedBundle } from '../worker/bundleGovernedWorkflows';
export { buildBundle, exportBundle, writeBundle } from '../core/audit/evidence/exportBundle';
export type { BundleContents } from '../core/audit/evidence/exportBundle';
export { readBundle } from '../core/audit/evidence/readBundle';
export type { EvidenceBundle, EvidenceRun } from '../core/audit/evidence/evidenceBundle';
export type { IdentityEvidence } from '../core/audit/evidence/identityEvidence';
export type { PasskeyEvidence, PasskeyBindingEvidence } from '../core/audit/evidence/passkeyEvidence';
export { policySetEvidence } from '../core/audit/evidence/policySetEvidence';
export type { PolicySetEvidence } from '../core/audit/evidence/policySetEvidence';
export { AuditKeySet } from '../core/audit/keys/auditKeySet';
export type { EvidenceKey, EvidenceKeySet, KeyTimeJudgement, KeyValidity } from '../core/audit/keys/auditKeySet';
export { fetchRuns } from '../core/audit/live/fetchRuns';
export type { RunSelection } from '../core/audit/live/fetchRuns';
export { formatVerdict } from '../core/audit/format/formatVerdict';
export { AuditError, isAuditError, AUDIT_ERROR_CODES } from '../core/audit/auditError';
export type { AuditErrorCode } from '../core/audit/auditError';
// Audits that read the evidence log: proofs in bundles, and runs whose history is gone.
export { verifyFromLog } from '../core/audit/log/verifyFromLog';
export type { LogRunSelection, VerifyFromLogOptions } from '../core/audit/log/verifyFromLog';
export type { LogAuditCheckpoint, LogAuditVerdict, LoggedRunVerdict, LoggedStep } from '../core/audit/log/logVerdict';
export { formatLogVerdict } from '../core/audit/log/formatLogVerdict';
export type { EvidenceLogProofs } from '../core/audit/evidence/evidenceBundle';
export type { AuditLogSource, AuditLogTrust } from '../core/audit/log/auditLogTrust';
export { FINDING_CODES } from '../core/audit/types';
export type { AuditVerdict, AuditedStep, Finding, FindingCode, RunVerdict } from '../core/audit/types';

// Where Temporal is: Temporal's own client configuration (TEMPORAL_* variables, temporal.toml), else the embedded dev server.
export { loadTemporalTarget, toConnectionOptions, WRIT_DEFAULT_NAMESPACE } from '../core/server/temporalTarget';
export type { LoadTemporalTargetOptions, TemporalConnectionOptions, TemporalTarget } from '../core/server/temporalTarget';

// The embedded Temporal dev server.
export { startDevServer } from '../core/server/devServer';
export type { DevServer, DevServerOptions, SearchAttributeType } from '../core/server/devServer';

// SQLite files for side-effect stores, opened the way Writ opens its own.
export { immediateTransaction, openDatabase as openStoreDatabase } from '../core/storage/openDatabase';
export type { StoreDatabase, StoreRow, StoreSchema } from '../core/storage/openDatabase';
