// The per-signal piece both transports share: how a signal's request is decoded, counted and
// handed to its pipeline. The HTTP handler and the gRPC services are written against this, so
// they know nothing about which signals exist.

import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { ClientInfo, ConsumeContext } from "@denocol/consumer";
import type { OtlpRejection } from "@denocol/pdata";

/**
 * One signal as a transport sees it.
 *
 * @typeParam T The signal's data type (`Traces`, `Metrics`, `Logs`, `Profiles`).
 */
export interface SignalEndpoint<T> {
  /** Signal name, for messages and telemetry: `traces`, `metrics`, `logs`, `profiles`. */
  readonly signal: string;
  /** The generated `Export*ServiceResponse` message. */
  readonly responseSchema: DescMessage;
  /** The `Export*ServiceResponse` for an outcome: empty on full success. */
  response(rejection: OtlpRejection | undefined): Message;
  /** Decodes a binary `Export*ServiceRequest`; throws on malformed input. */
  decodeProto(bytes: Uint8Array): T;
  /** Decodes an OTLP/JSON `Export*ServiceRequest`; throws on malformed input. */
  decodeJson(bytes: Uint8Array): T;
  /** Number of items (spans, data points, log records, profiles samples) in `data`. */
  count(data: T): number;
  /**
   * Hands `data` to the pipeline. Rejects with the pipeline's error; resolves with a partial
   * success when part of the data was refused.
   */
  consume(data: T, context: ConsumeContext): Promise<OtlpRejection | undefined>;
}

/**
 * Validates the credentials in request headers (HTTP headers or gRPC metadata; keys lower-case)
 * and resolves with what the authenticator learned about the client, or rejects.
 */
export type AuthenticateFn = (
  headers: ReadonlyMap<string, readonly string[]>,
) => Promise<unknown>;

/** Builds the client information given to the pipeline with each request. */
export function clientInfo(
  address: string | undefined,
  headers: ReadonlyMap<string, readonly string[]>,
  includeMetadata: boolean,
  auth: unknown,
): ClientInfo {
  const info: ClientInfo = {
    metadata: includeMetadata ? headers : new Map(),
    ...(address === undefined ? {} : { address }),
    ...(auth === undefined ? {} : { auth }),
  };
  return info;
}
