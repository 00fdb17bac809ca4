import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { TemporalTargetSchema, targetNamespace, toConnectionOptions, type TemporalTarget } from '../../../core/server/temporalTarget';
import { isWritError } from '../../../core/errors/writError';
import { testTemporal } from '../../support/testServer';

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const external = { mode: 'external', address: 'temporal.example.internal:7233', namespace: 'prod' } as const;

describe('TemporalTargetSchema', () => {
  it('accepts the embedded target and a minimal external one', () => {
    expect(TemporalTargetSchema.parse({ mode: 'embedded' })).toEqual({ mode: 'embedded' });
    expect(TemporalTargetSchema.parse(external)).toEqual(external);
  });

  describe('when an object has an unknown key', () => {
    it.each([
      ['embedded', { mode: 'embedded', address: 'localhost:7233' }],
      ['external', { ...external, namespaces: 'typo' }],
      ['tls', { ...external, tls: { serverName: 'x', insecure: true } }],
    ])('rejects it in %s', (_where, input) => {
      const result = TemporalTargetSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.code)).toContain('unrecognized_keys');
    });
  });

  it('rejects an external target without a namespace', () => {
    expect(TemporalTargetSchema.safeParse({ mode: 'external', address: 'a:7233' }).success).toBe(false);
  });

  it('rejects an unknown mode', () => {
    expect(TemporalTargetSchema.safeParse({ mode: 'cloud' }).success).toBe(false);
  });

  it('rejects a client certificate without its key', () => {
    expect(TemporalTargetSchema.safeParse({ ...external, tls: { clientCertPath: 'c.pem' } }).success).toBe(false);
  });

  it('rejects an API key with TLS switched off, so it is never sent in clear text', () => {
    expect(TemporalTargetSchema.safeParse({ ...external, apiKey: 'k', tls: false }).success).toBe(false);
  });

  it('rejects apiKey and apiKeyEnv together', () => {
    expect(TemporalTargetSchema.safeParse({ ...external, apiKey: 'k', apiKeyEnv: 'K' }).success).toBe(false);
  });
});

describe('toConnectionOptions', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-target-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the embedded target the address of the started server', () => {
    expect(toConnectionOptions({ mode: 'embedded' }, '127.0.0.1:7777')).toEqual({ address: '127.0.0.1:7777' });
    expect(targetNamespace({ mode: 'embedded' })).toBe('writ');
  });

  describe('when the embedded target has no resolved address', () => {
    it('throws CONFIG_INVALID', () => {
      expect(isWritError(failureOf(() => toConnectionOptions({ mode: 'embedded' })), 'CONFIG_INVALID')).toBe(true);
    });
  });

  it('reads the TLS files of an external target', () => {
    const ca = path.join(dir, 'ca.pem');
    const crt = path.join(dir, 'client.pem');
    const key = path.join(dir, 'client.key');
    fs.writeFileSync(ca, 'CA');
    fs.writeFileSync(crt, 'CRT');
    fs.writeFileSync(key, 'KEY');
    const target = TemporalTargetSchema.parse({
      ...external,
      tls: { serverName: 'temporal', serverRootCaCertPath: ca, clientCertPath: crt, clientKeyPath: key },
    });

    const options = toConnectionOptions(target);

    expect(options.address).toBe(external.address);
    expect(targetNamespace(target)).toBe('prod');
    expect(options.tls).toEqual({
      serverNameOverride: 'temporal',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CRT'), key: Buffer.from('KEY') },
    });
  });

  describe('when a certificate file is missing', () => {
    it('throws CONFIG_INVALID naming the path', () => {
      const missing = path.join(dir, 'missing-ca.pem');
      const target = TemporalTargetSchema.parse({ ...external, tls: { serverRootCaCertPath: missing } });

      const error = failureOf(() => toConnectionOptions(target));

      expect(isWritError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toContain(missing);
    });
  });

  describe('when apiKeyEnv names an unset variable', () => {
    it('throws CONFIG_INVALID', () => {
      const target = TemporalTargetSchema.parse({ ...external, apiKeyEnv: 'WRIT_TEST_UNSET_API_KEY' });
      delete process.env['WRIT_TEST_UNSET_API_KEY'];

      expect(isWritError(failureOf(() => toConnectionOptions(target)), 'CONFIG_INVALID')).toBe(true);
    });
  });

  it('takes the API key from apiKeyEnv', () => {
    process.env['WRIT_TEST_API_KEY'] = 'secret-from-env';
    try {
      const target: TemporalTarget = TemporalTargetSchema.parse({ ...external, tls: true, apiKeyEnv: 'WRIT_TEST_API_KEY' });
      expect(toConnectionOptions(target)).toEqual({ address: external.address, tls: true, apiKey: 'secret-from-env' });
    } finally {
      delete process.env['WRIT_TEST_API_KEY'];
    }
  });

  it('produces options that both the client and the worker connection accept', async () => {
    const { address, namespace } = testTemporal();
    const options = toConnectionOptions(TemporalTargetSchema.parse({ mode: 'embedded' }), address);

    const client = await Connection.connect(options);
    const worker = await NativeConnection.connect(options);
    try {
      const described = await client.workflowService.describeNamespace({ namespace });
      expect(described.namespaceInfo?.name).toBe(namespace);
    } finally {
      await worker.close();
      await client.close();
    }
  });
});
