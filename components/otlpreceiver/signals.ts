// A signal of pdata's OTLP table (`OTLP_TRACES`…, `OTLP_PROFILES` from the twin) as a transport
// endpoint: its codecs plus a next consumer, counted by the receiver's ObsReport.

import type { Consumer } from "@denocol/consumer";
import type { OtlpSignal } from "@denocol/pdata";
import type { SignalEndpoint } from "./endpoint.ts";

/** Counts items into the receiver's accepted/refused counters around a push. */
export interface SignalObserver {
  /** Runs `push`, recording `count` items as accepted or refused by its outcome. */
  observe(signal: string, count: number, push: () => Promise<void>): Promise<void>;
}

/**
 * Joins a signal's OTLP description with its next consumer. `validate` runs after decoding, for
 * checks the codec does not make (a failure answers as malformed data).
 */
export function signalEndpoint<T>(
  otlp: OtlpSignal<T>,
  next: Consumer<T>,
  observer: SignalObserver,
  validate?: (data: T) => void,
): SignalEndpoint<T> {
  const { helpers } = otlp;
  const checked = (data: T): T => {
    validate?.(data);
    return data;
  };
  return {
    signal: otlp.signal,
    grpcPath: `/${otlp.service.typeName}/Export`,
    responseSchema: otlp.responseSchema,
    response: (rejection) => otlp.response(rejection),
    decodeProto: (bytes, options, cost) => checked(helpers.decodeProto(bytes, options, cost)),
    decodeJson: (bytes) => checked(helpers.decodeJson(bytes)),
    count: (data) => helpers.count(data),
    consume: async (data, context) => {
      await observer.observe(otlp.signal, helpers.count(data), () => next.consume(data, context));
      return undefined;
    },
  };
}
