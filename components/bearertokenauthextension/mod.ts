/**
 * The `bearertokenauth` extension: a server authenticator that accepts a request only when its
 * `Authorization` header (or the configured header) carries one of the configured tokens,
 * compared in constant time. Receivers such as `otlp` use it through
 * `auth: { authenticator: bearertokenauth }` and refuse other requests with 401 /
 * `Unauthenticated` before reading their body.
 *
 * ```yaml
 * extensions:
 *   bearertokenauth:
 *     token: "s3cr3t"         # or tokens: [...], or filename: /path/with/one/token/per/line
 * receivers:
 *   otlp:
 *     protocols:
 *       http:
 *         auth: { authenticator: bearertokenauth }
 * ```
 *
 * As a client authenticator (an exporter's `auth: { authenticator: bearertokenauth }`), it adds
 * the header with the token (the first of `tokens`, or the file's first line) to every request.
 *
 * Keys and defaults follow the Go collector's `bearertokenauthextension`: `header`
 * (`Authorization`), `scheme` (`Bearer`), `token`, `tokens`, `filename`. A token file is read at
 * start and re-read when it changes.
 *
 * @module
 */

import { type Host, newComponent, type Settings } from "@denocol/component";
import {
  type ClientAuthenticator,
  type Factory,
  newFactory,
  type ServerAuthenticator,
} from "@denocol/extension";
import { withValidateConfig } from "@denocol/component";

/** The component type. */
export const TYPE = "bearertokenauth";

/** Configuration of the `bearertokenauth` extension. */
export interface Config {
  /** Header carrying the token; default `Authorization`. */
  header: string;
  /** Scheme in front of the token (`Bearer <token>`); empty for the bare token. */
  scheme: string;
  /** The one accepted token; `null` when `tokens` or `filename` is used. */
  token: string | null;
  /** Several accepted tokens. */
  tokens: string[];
  /** File with one accepted token per line, watched for changes; `null` for none. */
  filename: string | null;
}

/** Thrown (as a rejection) when a request is not authenticated. */
export class UnauthenticatedError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was missing or wrong (never the token itself).
   */
  constructor(message: string) {
    super(message);
    this.name = "UnauthenticatedError";
  }
}

/** The default configuration: `Authorization: Bearer <token>`, no token yet. */
export function createDefaultConfig(): Config {
  return { header: "Authorization", scheme: "Bearer", token: null, tokens: [], filename: null };
}

/** Checks a configuration; the message names the key and what was expected. */
export function validateConfig(config: Config): void {
  const hasToken = config.token !== null && config.token !== "";
  if (!hasToken && config.tokens.length === 0 && (config.filename ?? "") === "") {
    throw new Error(
      "bearertokenauth: token: no bearer token provided; set token, tokens or filename",
    );
  }
  if (hasToken && config.tokens.length > 0) {
    throw new Error("bearertokenauth: tokens: either tokens or token should be provided, not both");
  }
  if (config.header.trim() === "") {
    throw new Error("bearertokenauth: header: expected a header name, got an empty string");
  }
}

const encoder = new TextEncoder();

/** Compares without returning early, so the time taken says nothing about the expected value. */
function constantTimeEquals(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return difference === 0;
}

function readTokens(text: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

/**
 * Creates the authenticator. With `filename`, the file is read at start (a missing file fails
 * the start) and re-read when it changes.
 */
export function createBearerTokenAuth(
  settings: Settings,
  config: Config,
): ServerAuthenticator & ClientAuthenticator {
  const header = config.header.toLowerCase();
  const withScheme = (
    token: string,
  ) => (config.scheme === "" ? token : `${config.scheme} ${token}`);
  let accepted: string[] = config.token !== null && config.token !== ""
    ? [withScheme(config.token)]
    : config.tokens.map(withScheme);
  let watcher: Deno.FsWatcher | undefined;
  const filename = config.filename;
  if (filename !== null && filename !== "" && (config.token !== null || config.tokens.length > 0)) {
    settings.telemetry.logger.warn("a filename is specified; the configured token(s) are ignored");
  }

  const reload = async () => {
    accepted = readTokens(await Deno.readTextFile(filename!)).map(withScheme);
  };

  const lifecycle = newComponent({
    start: async (_host: Host) => {
      if (filename === null || filename === "") return;
      try {
        await reload();
      } catch (error) {
        throw new Error(
          `bearertokenauth: filename: cannot read ${JSON.stringify(filename)}: ${
            error instanceof Error ? error.message : String(error)
          }`,
          { cause: error },
        );
      }
      watcher = Deno.watchFs(filename);
      const events = watcher;
      (async () => {
        for await (const _event of events) {
          try {
            await reload();
          } catch (error) {
            settings.telemetry.logger.error("cannot re-read the bearer token file", {
              filename,
              error: error instanceof Error ? error.message : String(error),
            });
          }
        }
      })();
    },
    shutdown: () => {
      watcher?.close();
      watcher = undefined;
    },
  });

  return {
    start: (host) => lifecycle.start(host),
    shutdown: () => lifecycle.shutdown(),
    authenticate(headers) {
      const values = headers.get(header) ?? headers.get(config.header);
      if (values === undefined || values.length === 0 || values[0] === "") {
        return Promise.reject(
          new UnauthenticatedError(`missing or empty authorization header: ${config.header}`),
        );
      }
      const presented = values[0];
      let ok = false;
      for (const expected of accepted) ok = constantTimeEquals(expected, presented) || ok;
      if (!ok) {
        return Promise.reject(new UnauthenticatedError("scheme or token does not match"));
      }
      return Promise.resolve({ authenticator: TYPE, attributes: {} });
    },
    clientHeaders() {
      // As a client it presents the first token (the file's first line, when read from one).
      const value = accepted[0];
      if (value === undefined) {
        return Promise.reject(new Error("bearertokenauth: no token to send"));
      }
      return Promise.resolve({ [header]: value });
    },
  };
}

/** The `bearertokenauth` extension factory. */
export const factory: Factory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  createBearerTokenAuth,
  "beta",
  withValidateConfig(validateConfig),
);
