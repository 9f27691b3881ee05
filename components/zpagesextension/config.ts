// Configuration of the `zpages` extension, with the Go collector's keys and defaults
// (`confighttp` server keys squashed in, and `expvar`).

import {
  defaultHttpServerConfig,
  type HttpServerConfig,
  validateHttpServerConfig,
} from "@denocol/config";

/** The component type. */
export const TYPE = "zpages";

/** `expvar`: a JSON dump of the runtime's variables at `/debug/expvarz`. */
export interface ExpvarConfig {
  /** Whether `/debug/expvarz` is served; default false. */
  enabled: boolean;
}

/** Configuration of the `zpages` extension. */
export interface ZPagesConfig extends HttpServerConfig {
  /** The runtime variables page. */
  expvar: ExpvarConfig;
}

/** Go's default: `localhost:55679`, expvar off. */
export function createDefaultConfig(): ZPagesConfig {
  return { ...defaultHttpServerConfig("localhost:55679"), expvar: { enabled: false } };
}

/**
 * Checks a configuration: an endpoint is required (as Go says), and the server section.
 *
 * @throws {TypeError} naming the key.
 */
export function validateConfig(config: ZPagesConfig, path = `extensions::${TYPE}`): void {
  validateHttpServerConfig(config, path);
}
