// The module `payloadConverterPath` names: Temporal requires it on the worker and the
// client, and bundles it into the workflow sandbox, so it imports no Node built-ins.
import { BinaryPayloadConverter, CompositePayloadConverter, UndefinedPayloadConverter } from '@temporalio/common';
import { StrictJsonPayloadConverter } from './strictJsonPayloadConverter';

/**
 * Writ's payload converter: Temporal's default (undefined, binary, JSON, in that order)
 * with JSON decoded by `StrictJsonPayloadConverter`. WritPlugin installs it on the worker,
 * in the workflow bundle and on the client, so the authorize activity, the enforcement
 * point, the workflow and the caller all read one value from one set of bytes.
 *
 * Strict for every JSON payload, not only governed arguments: a converter sees bytes and
 * an encoding, not which activity they belong to, and an undecodable duplicate or rounded
 * number is as wrong in a workflow's input as in an action's. No JavaScript encoder writes
 * such a payload (JSON.stringify emits unique keys, round-trip numbers and escapes lone
 * surrogates, which are refused), so only hand-made or foreign bytes are affected.
 */
export const payloadConverter = new CompositePayloadConverter(new UndefinedPayloadConverter(), new BinaryPayloadConverter(), new StrictJsonPayloadConverter());

/**
 * Marks every workflow bundle that decodes with this converter (WritPlugin checks a
 * prebuilt bundle for it, as STRICT_PAYLOADS_MARK): a bundle without it would read a
 * workflow's input and its activities' results with JSON.parse.
 */
export const WRIT_STRICT_PAYLOADS = 'writ:strict-payloads/1';
