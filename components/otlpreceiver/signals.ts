// A signal's pdata descriptor (`traces`…, `profiles` from the twin) as a transport
// endpoint: its codecs plus a next consumer, counted by the receiver's ObsReport.

import type { Consumer } from "@denocol/consumer";
import type { SignalDescriptor } from "@denocol/pdata";
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
  otlp: SignalDescriptor<T>,
  next: Consumer<T>,
  observer: SignalObserver,
  validate?: (data: T) => void,
): SignalEndpoint<T> {
  const checked = (data: T): T => {
    validate?.(data);
    return data;
  };
  return {
    signal: otlp.name,
    grpcPath: `/${otlp.service.typeName}/Export`,
    responseSchema: otlp.responseSchema,
    response: (rejection) => otlp.response(rejection),
    // Kept encoded: a request no component reads leaves as the bytes it came in.
    decodeProto: (bytes, options, cost) => checked(otlp.fromProto(bytes, options, cost)),
    decodeJson: (bytes) => checked(otlp.decodeJson(bytes)),
    count: (data) => otlp.count(data),
    consume: async (data, context) => {
      await observer.observe(otlp.name, otlp.count(data), () => next.consume(data, context));
      return undefined;
    },
  };
}
