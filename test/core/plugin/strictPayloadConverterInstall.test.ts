// WritPlugin installs Writ's strict payload converter on clients, bundles, workers and
// replay workers, keeps the rest of a data converter, and refuses another payload converter.
import type { PayloadCodec } from '@temporalio/common';
import { WritPlugin, defineAction, type WritGovernance } from 'writ-governance';
import { z } from 'zod';
import { STRICT_PAYLOAD_CONVERTER_PATH, STRICT_PAYLOADS_MARK } from '../../../core/payload/strictPayloadConverterPath';
import { WRIT_STRICT_PAYLOADS, payloadConverter } from '../../../core/payload/strictPayloadConverter';
import { WORKFLOW_INTERCEPTORS_MARK } from '../../../worker/workflowSide';
import { isWritError } from '../../../core/errors/writError';

const actions = {
  noop: defineAction({ input: z.strictObject({}), resource: () => ({ resource: { uid: { type: 'Writ::Thing', id: 'x' }, attrs: {}, parents: [] }, context: {} }), execute: async () => 'ok' }),
};
const unused = () => {
  throw new Error('not used when configuring');
};
// Configuring never uses the trust material: these only need the right shape.
const governance: WritGovernance = {
  signer: unused,
  receiptSigner: unused,
  trustedKeys: { get: unused, purposeOf: unused } as never,
  identity: { verify: unused, verifyStatement: unused } as never,
  policies: { current: unused } as never,
  store: { requireStanding: unused } as never,
  evidenceLog: { append: unused, close: unused } as never,
};
const codec: PayloadCodec = { encode: async (p) => p, decode: async (p) => p };
const ELSEWHERE = '/somewhere/else/payloadConverter.js';

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return isWritError(error) ? error.code : `not a WritError: ${String(error)}`;
  }
  return undefined;
}

describe('the converter path', () => {
  it('names the module whose payloadConverter Temporal loads, and the mark it carries', () => {
    expect((require(STRICT_PAYLOAD_CONVERTER_PATH) as { payloadConverter: unknown }).payloadConverter).toBe(payloadConverter);
    expect(STRICT_PAYLOADS_MARK).toBe(WRIT_STRICT_PAYLOADS);
  });
});

describe('when the plugin configures a client', () => {
  it('installs the converter and keeps payload codecs', () => {
    const configured = new WritPlugin({ identityToken: 'token' }).configureClient({ dataConverter: { payloadCodecs: [codec] } });
    expect(configured.dataConverter).toEqual({ payloadCodecs: [codec], payloadConverterPath: STRICT_PAYLOAD_CONVERTER_PATH });
    expect(new WritPlugin().configureClient({}).dataConverter?.payloadConverterPath).toBe(STRICT_PAYLOAD_CONVERTER_PATH);
  });

  it('refuses another payload converter (CONFIG_INVALID)', async () => {
    expect(await codeOf(() => new WritPlugin().configureClient({ dataConverter: { payloadConverterPath: ELSEWHERE } }))).toBe('CONFIG_INVALID');
  });
});

describe('when the plugin configures the bundler', () => {
  it('bundles the converter into the workflow sandbox', () => {
    expect(new WritPlugin().configureBundler({ workflowsPath: '/w.ts' }).payloadConverterPath).toBe(STRICT_PAYLOAD_CONVERTER_PATH);
    expect(new WritPlugin().configureBundler({ workflowsPath: '/w.ts', payloadConverterPath: STRICT_PAYLOAD_CONVERTER_PATH }).payloadConverterPath).toBe(STRICT_PAYLOAD_CONVERTER_PATH);
  });

  it('refuses another payload converter (CONFIG_INVALID)', async () => {
    expect(await codeOf(() => new WritPlugin().configureBundler({ workflowsPath: '/w.ts', payloadConverterPath: ELSEWHERE }))).toBe('CONFIG_INVALID');
  });
});

describe('when the plugin configures a replay worker', () => {
  it('installs the converter, and refuses another (CONFIG_INVALID)', async () => {
    expect(new WritPlugin().configureReplayWorker({}).dataConverter?.payloadConverterPath).toBe(STRICT_PAYLOAD_CONVERTER_PATH);
    expect(await codeOf(() => new WritPlugin().configureReplayWorker({ dataConverter: { payloadConverterPath: ELSEWHERE } }))).toBe('CONFIG_INVALID');
  });
});

describe('when the plugin configures a worker', () => {
  const bundle = (code: string) => ({ taskQueue: 'q', workflowBundle: { code } });

  it('installs the converter for its activities and keeps payload codecs and the failure converter', async () => {
    const configured = await new WritPlugin({ actions, governance }).configureWorker({
      ...bundle(`${WORKFLOW_INTERCEPTORS_MARK} ${STRICT_PAYLOADS_MARK}`),
      dataConverter: { payloadCodecs: [codec], failureConverterPath: '/f.js' },
    });
    expect(configured.dataConverter).toEqual({ payloadCodecs: [codec], failureConverterPath: '/f.js', payloadConverterPath: STRICT_PAYLOAD_CONVERTER_PATH });
  });

  it('refuses another payload converter (CONFIG_INVALID)', async () => {
    const plugin = new WritPlugin({ actions, governance });
    expect(await codeOf(() => plugin.configureWorker({ ...bundle(`${WORKFLOW_INTERCEPTORS_MARK} ${STRICT_PAYLOADS_MARK}`), dataConverter: { payloadConverterPath: ELSEWHERE } }))).toBe('CONFIG_INVALID');
  });

  it('refuses a prebuilt bundle that decodes with another converter (CONFIG_INVALID)', async () => {
    expect(await codeOf(() => new WritPlugin({ actions, governance }).configureWorker(bundle(WORKFLOW_INTERCEPTORS_MARK)))).toBe('CONFIG_INVALID');
  });
});
