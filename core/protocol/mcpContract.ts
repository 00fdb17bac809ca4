// The contract between `writ mcp` (the gateway an agent talks to) and the session workflow
// it runs for each agent session: one update per tool call. Workflow code imports this
// file (types and constants only).

/** Workflow type of an agent's MCP session: a governed run, one governed step per tool call. */
export const MCP_SESSION_WORKFLOW_TYPE = 'writMcpSession';
/** Update that runs one tool call as a governed step of the session. */
export const MCP_CALL_UPDATE = 'writ.mcp.call';
/** Signal that the agent's session has ended: the run completes once its calls have answered. */
export const MCP_END_SIGNAL = 'writ.mcp.end';

/**
 * Signal that the agent cancelled a call (MCP `notifications/cancelled`), naming the call
 * by the id of its `writ.mcp.call` update: a call that has not scheduled its action is
 * withdrawn (CALL_CANCELLED) and never runs; an action already running runs to its end.
 */
export const MCP_CANCEL_SIGNAL = 'writ.mcp.cancel';

/** What `writ.mcp.cancel` carries. */
export interface McpCancelRequest {
  /** The update id the gateway gave the call. */
  readonly callId: string;
}

/**
 * The governed action an upstream MCP server's tool is (`mcp:<server>:<tool>`): its
 * activity type and Cedar action id. The server is letters, digits and hyphens; the tool
 * letters, digits, underscores and hyphens.
 */
export const MCP_UPSTREAM_ACTION_NAME = /^mcp:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9_-]{1,64}$/;

/** One `tools/call`: the governed action named as the tool, with the agent's arguments. */
export interface McpCallRequest {
  /** The governed action's name: the tool's own for a declared action, `mcp:<server>:<tool>` for an upstream's. */
  readonly tool: string;
  /** The agent's arguments: the action's input, validated by its schema when authorized. */
  readonly arguments: Record<string, unknown>;
}

/** A tool call's answer: the action's result, or Writ's refusal with its stable code. */
export type McpCallOutcome =
  | {
      /** The action ran. */
      readonly outcome: 'result';
      /** What the action's `execute` returned. */
      readonly result: unknown;
    }
  | {
      /** Writ refused the call (its code says at which check; nothing ran unless the code is one raised after the action, such as SIGNER_UNAVAILABLE for its receipt). */
      readonly outcome: 'refused';
      /** The stable code (`POLICY_DENIED`, `INPUT_INVALID`, `APPROVAL_TIMEOUT`, ...). */
      readonly code: string;
      /** The refusal's reason, in words. */
      readonly message: string;
      /** What the refusal recorded (policy version, determining policies, input issues), as plain JSON. */
      readonly facts: Record<string, unknown>;
    };

/** A tool call's default longest wait for approvers, in seconds. */
export const DEFAULT_APPROVAL_WAIT_SECONDS = 300;

/** What a session run is started with (recorded in its history). */
export interface McpSessionSettings {
  /** The longest a tool call waits for approvers, in seconds, however long the policy would wait. */
  readonly approvalWaitSeconds: number;
}

/** What a session run returns when it ends. */
export interface McpSessionSummary {
  /** Tool calls the session answered. */
  readonly calls: number;
}
