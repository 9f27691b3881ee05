import { create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import type { SignalDescriptor } from "./signal.ts";

/**
 * The items a server did not accept in an otherwise successful export (OTLP `partial_success`).
 */
export interface OtlpRejection {
  /** Number of rejected items, in the signal's unit (spans, data points, log records, samples). */
  rejected: number;
  /** The server's explanation; may be empty. */
  message: string;
}

/**
 * The fields of an export response's `partial_success` that count rejected items, such as
 * `rejectedSpans`.
 */
export type RejectedField<Res> = Res extends { partialSuccess?: infer P } ? {
    [K in keyof NonNullable<P>]: NonNullable<P>[K] extends bigint ? K : never;
  }[keyof NonNullable<P>]
  : never;

/**
 * How OTLP carries one signal, as a signal's definition gives it to `defineSignal`.
 *
 * @typeParam T the data
 * @typeParam Req the `Export*ServiceRequest` message
 * @typeParam Res the `Export*ServiceResponse` message
 */
export interface OtlpDefinition<T, Req extends Message, Res extends Message> {
  /** The OTLP/HTTP path, such as `/v1/traces`. */
  httpPath: string;
  /** The gRPC service with its single `Export` method. */
  service: DescService;
  /** The `Export*ServiceRequest` message type. */
  requestSchema: GenMessage<Req>;
  /** The `Export*ServiceResponse` message type. */
  responseSchema: GenMessage<Res>;
  /** The request carrying `data`, sharing its resource groups. */
  toRequest(data: T): Req;
  /** The data of a request, sharing its resource groups. */
  fromRequest(request: Req): T;
  /** The field of the response's `partial_success` counting rejected items, such as `rejectedSpans`. */
  rejectedField: RejectedField<Res> & string;
}

/** The OTLP part of a {@link SignalDescriptor}. */
export type OtlpExchange<T> = Pick<
  SignalDescriptor<T>,
  | "httpPath"
  | "service"
  | "requestSchema"
  | "responseSchema"
  | "toRequest"
  | "fromRequest"
  | "rejection"
  | "response"
>;

/** A response seen through its partial success, whichever signal's it is. */
interface AnyExportResponse {
  partialSuccess?: { errorMessage: string } & Partial<Record<string, unknown>>;
}

/**
 * The OTLP members of a signal's descriptor from its definition. Reading and writing the rejected
 * count go through the field name the definition gives, which its type checks against the
 * response message.
 */
export function otlpExchange<T, Req extends Message, Res extends Message>(
  definition: OtlpDefinition<T, Req, Res>,
): OtlpExchange<T> {
  const { requestSchema, responseSchema, rejectedField } = definition;
  return {
    httpPath: definition.httpPath,
    service: definition.service,
    requestSchema,
    responseSchema,
    toRequest: (data) => definition.toRequest(data),
    // The descriptor's callers hold requests decoded with `requestSchema`.
    fromRequest: (request) => definition.fromRequest(request as Req),
    rejection: (response) => {
      const partial = (response as AnyExportResponse).partialSuccess;
      if (partial === undefined) return undefined;
      const count = Number(partial[rejectedField] ?? 0n);
      if (count === 0 && partial.errorMessage === "") return undefined;
      return { rejected: count, message: partial.errorMessage };
    },
    response: (rejection) =>
      create(
        // Written by field name, which the definition's type checked against the response.
        responseSchema as DescMessage,
        rejection && {
          partialSuccess: {
            [rejectedField]: BigInt(rejection.rejected),
            errorMessage: rejection.message,
          },
        },
      ),
  };
}
