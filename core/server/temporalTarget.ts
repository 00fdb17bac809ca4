import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TLSConfig } from '@temporalio/client';
import { WritError } from '../errors/writError';

/** The namespace the embedded dev server creates and Writ uses unless told otherwise. */
export const WRIT_DEFAULT_NAMESPACE = 'writ';

const TlsFilesSchema = z
  .strictObject({
    serverName: z.string().min(1).optional(),
    serverRootCaCertPath: z.string().min(1).optional(),
    clientCertPath: z.string().min(1).optional(),
    clientKeyPath: z.string().min(1).optional(),
  })
  // A certificate without its key (or the reverse) is always a mistake; say so at load time.
  .refine((tls) => (tls.clientCertPath === undefined) === (tls.clientKeyPath === undefined), {
    message: 'clientCertPath and clientKeyPath must be given together',
    path: ['clientCertPath'],
  });

const EmbeddedTargetSchema = z.strictObject({
  mode: z.literal('embedded'),
});

const ExternalTargetSchema = z
  .strictObject({
    mode: z.literal('external'),
    address: z.string().min(1),
    namespace: z.string().min(1),
    tls: z.union([z.boolean(), TlsFilesSchema]).optional(),
    apiKey: z.string().min(1).optional(),
    apiKeyEnv: z.string().min(1).optional(),
  })
  .refine((target) => target.apiKey === undefined || target.apiKeyEnv === undefined, {
    message: 'give apiKey or apiKeyEnv, not both',
    path: ['apiKey'],
  })
  // The SDK would honour tls:false and send the API key in clear text; refuse instead.
  .refine((target) => !(target.tls === false && (target.apiKey !== undefined || target.apiKeyEnv !== undefined)), {
    message: 'an API key is never sent without TLS; remove tls: false',
    path: ['tls'],
  });

/**
 * Where Writ's workers and clients connect. `embedded` means Writ starts the Temporal dev
 * server itself; `external` points at an existing cluster or Temporal Cloud (address,
 * namespace, TLS and/or API key). Moving between them is this one configuration change.
 * Objects are strict: an unknown key is a configuration error, never ignored.
 */
export const TemporalTargetSchema = z.discriminatedUnion('mode', [EmbeddedTargetSchema, ExternalTargetSchema]);

/** A validated Temporal target, as parsed by `TemporalTargetSchema`. */
export type TemporalTarget = z.infer<typeof TemporalTargetSchema>;

/**
 * The options both `Connection.connect` (client) and `NativeConnection.connect` (worker)
 * accept, so one value configures every connection Writ opens.
 */
export interface TemporalConnectionOptions {
  readonly address: string;
  readonly tls?: TLSConfig | boolean;
  readonly apiKey?: string;
}

/**
 * Turns a validated target into connection options. For `embedded`, `resolvedAddress` is the
 * address of the dev server that was started and is required; an `external` target names
 * its own address and ignores it. For `external`, certificate
 * files are read now (relative paths against the working directory) and the API key is
 * taken from `apiKeyEnv` when named; a missing or unreadable file or an unset variable is
 * `CONFIG_INVALID`, so a worker never starts half-configured.
 */
export function toConnectionOptions(target: TemporalTarget, resolvedAddress?: string): TemporalConnectionOptions {
  if (target.mode === 'embedded') {
    if (resolvedAddress === undefined || resolvedAddress === '') {
      throw new WritError('CONFIG_INVALID', 'the embedded Temporal target needs the address of the started dev server');
    }
    return { address: resolvedAddress };
  }
  const tls = target.tls === undefined ? undefined : readTls(target.tls);
  const apiKey = target.apiKeyEnv === undefined ? target.apiKey : readApiKeyEnv(target.apiKeyEnv);
  return {
    address: target.address,
    ...(tls === undefined ? {} : { tls }),
    ...(apiKey === undefined ? {} : { apiKey }),
  };
}

/**
 * The namespace a target designates: the external one as configured, or the namespace the
 * embedded dev server was started with.
 */
export function targetNamespace(target: TemporalTarget, embeddedNamespace = WRIT_DEFAULT_NAMESPACE): string {
  return target.mode === 'external' ? target.namespace : embeddedNamespace;
}

type TlsFiles = z.infer<typeof TlsFilesSchema>;

function readTls(tls: boolean | TlsFiles): TLSConfig | boolean {
  if (typeof tls === 'boolean') {
    return tls;
  }
  const config: TLSConfig = {};
  if (tls.serverName !== undefined) {
    config.serverNameOverride = tls.serverName;
  }
  if (tls.serverRootCaCertPath !== undefined) {
    config.serverRootCACertificate = readConfiguredFile(tls.serverRootCaCertPath, 'tls.serverRootCaCertPath');
  }
  if (tls.clientCertPath !== undefined && tls.clientKeyPath !== undefined) {
    config.clientCertPair = {
      crt: readConfiguredFile(tls.clientCertPath, 'tls.clientCertPath'),
      key: readConfiguredFile(tls.clientKeyPath, 'tls.clientKeyPath'),
    };
  }
  return config;
}

function readConfiguredFile(file: string, field: string): Buffer {
  const absolute = path.resolve(file);
  try {
    return fs.readFileSync(absolute);
  } catch (cause) {
    throw new WritError('CONFIG_INVALID', `cannot read ${field} file ${absolute}: ${(cause as Error).message}`, {
      issues: [{ path: field, message: `cannot read ${absolute}` }],
      cause,
    });
  }
}

function readApiKeyEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new WritError('CONFIG_INVALID', `apiKeyEnv names ${name}, but that environment variable is not set`, {
      issues: [{ path: 'apiKeyEnv', message: `${name} is not set` }],
    });
  }
  return value.trim();
}
