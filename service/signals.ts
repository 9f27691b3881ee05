/**
 * The one table of the signals a pipeline can carry, the experimental profiles included;
 * profiles pipelines are refused unless the `service.profilesSupport` feature gate is enabled.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */

import * as pdata from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";

/**
 * Every signal a pipeline can carry, by name: the stable signals of `@denocol/pdata`, then the
 * profiles of `@denocol/pdata-experimental`. Validation, the pipeline graph and the `components`
 * listing all work from this table.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const SIGNALS: typeof pdata.SIGNALS & { readonly profiles: typeof profiles } = pdata
  .signalTable({ ...pdata.SIGNALS, profiles });

/**
 * The name of a signal a pipeline can carry, profiles included.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type SignalName = keyof typeof SIGNALS;

/**
 * The data type of each signal a pipeline can carry, by name, profiles included.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type SignalData = { [S in SignalName]: pdata.DataOf<(typeof SIGNALS)[S]> };

/**
 * Whether `name` is the name of a signal in {@linkcode SIGNALS}, profiles included.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function isSignalName(name: string): name is SignalName {
  return Object.hasOwn(SIGNALS, name);
}

/**
 * The names of {@linkcode SIGNALS}, stable signals first, then profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const SIGNAL_NAMES: readonly SignalName[] = Object.keys(SIGNALS).filter(isSignalName);
