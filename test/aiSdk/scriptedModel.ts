import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult, ProviderV4 } from '@ai-sdk/provider';
import { MockLanguageModelV4, MockProviderV4 } from 'ai/test';

/** What the scripted model is told to do: the tool calls it makes on its first turn. */
export interface ModelScript {
  readonly calls: readonly { readonly tool: string; readonly input: unknown }[];
}

/** What the model saw of one tool result on its second turn, as it reports it in its text. */
export interface SeenToolResult {
  readonly toolName: string;
  readonly output: { readonly type: string; readonly value?: unknown };
}

const USAGE = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/**
 * The AI SDK's own mock language model, scripted as a test needs it: the user's prompt is
 * a `ModelScript` (JSON); the first turn calls those tools; once the prompt holds tool
 * results, the model answers with text that is exactly what it was shown of each result
 * (JSON of `SeenToolResult[]`), so a test can assert what the model read.
 */
export function scriptedProvider(): ProviderV4 {
  const model = new MockLanguageModelV4({ modelId: 'scripted', doGenerate: async (options) => turn(options) });
  // The mock declares its optional models as `T | undefined`, which strict optional
  // property types tell apart from ProviderV4's optional members; it is the same provider.
  return new MockProviderV4({ languageModels: { scripted: model } }) as ProviderV4;
}

function turn(options: LanguageModelV4CallOptions): LanguageModelV4GenerateResult {
  const results = options.prompt.flatMap((message) => (message.role === 'tool' ? message.content : []));
  if (results.length > 0) {
    const seen: SeenToolResult[] = results.flatMap((part) => (part.type === 'tool-result' ? [{ toolName: part.toolName, output: part.output as SeenToolResult['output'] }] : []));
    return { content: [{ type: 'text', text: JSON.stringify(seen) }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] };
  }
  const user = options.prompt.find((message) => message.role === 'user');
  const text = user?.content.find((part) => part.type === 'text');
  const script = JSON.parse(text?.type === 'text' ? text.text : '{"calls":[]}') as ModelScript;
  return {
    content: script.calls.map((call, index) => ({ type: 'tool-call', toolCallId: `call-${index + 1}`, toolName: call.tool, input: JSON.stringify(call.input) })),
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage: USAGE,
    warnings: [],
  };
}
