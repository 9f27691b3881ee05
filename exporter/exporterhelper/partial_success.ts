// What an OTLP exporter does with the partial success of a response, the same for every
// transport: rejected items are counted as failed (and not retried, as the OTLP specification
// says); a partial success that rejects nothing is only a warning.

import type { Logger } from "@denocol/component";
import type { OtlpRejection } from "@denocol/pdata";
import type { PartialSuccess } from "./types.ts";

/**
 * The {@linkcode PartialSuccess} a push resolves with for a response's rejection: `undefined`
 * for a full success, and for a rejection of zero items (logged as a warning with its message).
 *
 * @param rejection What the response said was rejected, if anything.
 * @param logger Where a message without rejected items is logged.
 */
export function partialSuccessOf(
  rejection: OtlpRejection | undefined,
  logger: Logger,
): PartialSuccess | undefined {
  if (rejection === undefined) return undefined;
  if (rejection.rejected === 0) {
    logger.warn("Partial success response with a message and no rejected items", {
      message: rejection.message,
    });
    return undefined;
  }
  return { rejectedItems: rejection.rejected, errorMessage: rejection.message };
}
