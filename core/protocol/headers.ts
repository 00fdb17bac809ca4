// Header names Writ uses on the Temporal wire. Workflow code imports this file, so it
// must stay free of runtime dependencies.

/** The authorization artifact (compact JWS) an action activity is scheduled with. */
export const ARTIFACT_HEADER = 'writ-artifact';
/** The initiator's identity token, set on workflow start by the client interceptor. */
export const IDENTITY_HEADER = 'writ-identity';
/** The parent's lineage head (last artifact digest), set on a child workflow's start. */
export const LINEAGE_HEADER = 'writ-lineage';
/**
 * The id of the identity hand-off a child or continued run takes up at its identity check
 * (set by the parent's or predecessor's workflow interceptor): such a run carries no token.
 */
export const HANDOFF_HEADER = 'writ-handoff';
/**
 * A proof of possession of the key the identity token is bound to (its `cnf.jkt`), made
 * for this one start (its workflow id, workflow type and token): set on workflow start by
 * the client interceptor beside IDENTITY_HEADER when the client holds a proof key.
 */
export const START_PROOF_HEADER = 'writ-start-proof';
