/** What a consumer does to the data it is given, so a fan-out knows whether to copy it. */
export interface Capabilities {
  /** Whether the consumer changes the data in place; a fan-out then gives it its own copy. */
  mutatesData: boolean;
}

/** Who sent the data, as seen by the receiver that accepted it. */
export interface ClientInfo {
  /** Remote address, such as `127.0.0.1:53422`, if known. */
  address?: string;
  /**
   * Request metadata (HTTP headers or gRPC metadata), keys in lower case. The batch processor's
   * `metadata_keys` reads it; build it with {@linkcode clientMetadata}.
   */
  metadata: ReadonlyMap<string, readonly string[]>;
  /** Whatever an authenticator extension attached, if one ran. */
  auth?: unknown;
}

/** Request-scoped information that travels with data through a pipeline. */
export interface ConsumeContext {
  /** The client that sent the data, set by receivers that know it. */
  client?: ClientInfo;
  /** Aborted when the caller stops waiting (client gone, collector shutting down). */
  signal?: AbortSignal;
}

/**
 * Something that accepts telemetry of type `T`: a processor, an exporter, a connector or a
 * fan-out. A rejected promise tells the caller the data was not accepted; see
 * {@linkcode PermanentError} and {@linkcode RetryableError}.
 */
export interface Consumer<T> {
  /** How the consumer treats the data it is given. */
  capabilities(): Capabilities;
  /** Accepts `data`; resolves once the consumer has taken responsibility for it. */
  consume(data: T, context?: ConsumeContext): Promise<void>;
}

/** The function behind a consumer built with {@linkcode newConsumer}. */
export type ConsumeFunc<T> = (data: T, context: ConsumeContext) => void | Promise<void>;

/** Options of {@linkcode newConsumer} and the signal constructors. */
export interface ConsumerOptions {
  /** Capabilities to report; default `{ mutatesData: false }`. */
  capabilities?: Capabilities;
}

/**
 * A consumer backed by `consume`. A synchronous throw becomes a rejection, and a missing context
 * is passed as `{}`.
 */
export function newConsumer<T>(
  consume: ConsumeFunc<T>,
  options: ConsumerOptions = {},
): Consumer<T> {
  const capabilities: Capabilities = { mutatesData: options.capabilities?.mutatesData ?? false };
  return {
    capabilities: () => ({ ...capabilities }),
    consume: async (data: T, context: ConsumeContext = {}) => {
      await consume(data, context);
    },
  };
}

/**
 * Builds {@linkcode ClientInfo} metadata from headers or entries, lower-casing keys and
 * collecting repeated keys.
 */
export function clientMetadata(
  source:
    | Headers
    | Iterable<readonly [string, string]>
    | Readonly<Record<string, string | readonly string[]>>,
): ReadonlyMap<string, readonly string[]> {
  const metadata = new Map<string, string[]>();
  const add = (key: string, value: string) => {
    const lower = key.toLowerCase();
    const values = metadata.get(lower);
    if (values === undefined) metadata.set(lower, [value]);
    else values.push(value);
  };
  if (source instanceof Headers) {
    source.forEach((value, key) => add(key, value));
  } else if (Symbol.iterator in source) {
    for (const [key, value] of source as Iterable<readonly [string, string]>) add(key, value);
  } else {
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === "string") add(key, value);
      else for (const v of value) add(key, v);
    }
  }
  return metadata;
}
