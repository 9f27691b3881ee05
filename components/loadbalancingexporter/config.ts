import { parseConfigDuration, parseEndpoint } from "@denocol/config";
import type { SignalStability } from "@denocol/exporter-experimental";
import {
  defaultQueueConfig,
  defaultRetryConfig,
  type HelperConfig,
  validateHelperConfig,
} from "@denocol/exporter/exporterhelper";
import {
  createDefaultConfig as createOtlpDefaultConfig,
  type OtlpGrpcConfig,
  validateConfig as validateOtlpConfig,
} from "@denocol/otlpexporter";

/** The component type, the start of the exporter's IDs (`loadbalancing`, `loadbalancing/x`). */
export const TYPE = "loadbalancing";

/**
 * How mature the exporter is for each signal: traces and logs beta and metrics development, as
 * the Go exporter's metadata gives them; profiles (which Go does not balance) development.
 */
export const STABILITY: SignalStability = {
  beta: ["traces", "logs"],
  development: ["metrics", "profiles"],
};

/** What decides the backend of an item: `routing_key`. */
export type RoutingKey =
  | "traceID"
  | "service"
  | "resource"
  | "metric"
  | "streamID";

/**
 * The routing keys each signal takes, the first being its default (an empty `routing_key`), as
 * in the Go exporter; profiles, which Go does not balance, by service or resource.
 */
export const ROUTING_KEYS: Readonly<Record<string, readonly RoutingKey[]>> = {
  traces: ["traceID", "service"],
  metrics: ["service", "resource", "metric", "streamID"],
  logs: ["traceID", "service"],
  profiles: ["service", "resource"],
};

const ALL_ROUTING_KEYS: readonly RoutingKey[] = [
  "traceID",
  "service",
  "resource",
  "metric",
  "streamID",
];

/** `resolver.static`: a fixed list of backends. */
export interface StaticResolverConfig {
  /** `host:port` of each backend; a host without a port gets 4317. */
  hostnames: string[];
}

/** `resolver.dns`: the backends are the addresses a DNS name resolves to. */
export interface DnsResolverConfig {
  /** The name to resolve (A and AAAA records), such as a Kubernetes headless Service. */
  hostname: string;
  /** The port of every backend; default 4317. */
  port?: string | number | null;
  /** How often to resolve again; default `5s`. */
  interval?: string | number | null;
  /** How long one resolution may take; default `1s`. */
  timeout?: string | number | null;
}

/** `resolver`: exactly one of `static` and `dns`. */
export interface ResolverConfig {
  /** A fixed list of backends. */
  static: StaticResolverConfig | null;
  /** Backends from a DNS name. */
  dns: DnsResolverConfig | null;
  /** Go's Kubernetes API resolver: refused (use `dns` with a headless Service). */
  k8s: unknown;
  /** Go's AWS Cloud Map resolver: refused. */
  aws_cloud_map: unknown;
}

/**
 * Configuration of the `loadbalancing` exporter, with the Go exporter's keys. The exporter
 * helper keys at the top (`timeout`, `retry_on_failure`, `sending_queue`) wrap the routing and
 * are off by default; each backend gets the helper of `protocol.otlp`, with its own queue.
 */
export interface LoadBalancingConfig extends HelperConfig {
  /** The settings of the otlp exporter each backend gets (its `endpoint` is ignored). */
  protocol: { otlp: OtlpGrpcConfig };
  /** Where the backends come from. */
  resolver: ResolverConfig;
  /** What decides an item's backend; `""` for the signal's default. */
  routing_key: string;
  /** Go's `routing_attributes` (with `routing_key: attributes`): refused. */
  routing_attributes: unknown;
}

/** The default configuration: no resolver (one must be configured), routing by default key. */
export function createDefaultConfig(): LoadBalancingConfig {
  return {
    timeout: "0s",
    retry_on_failure: { ...defaultRetryConfig(), enabled: false },
    sending_queue: { ...defaultQueueConfig(), enabled: false },
    protocol: { otlp: createOtlpDefaultConfig() },
    resolver: { static: null, dns: null, k8s: null, aws_cloud_map: null },
    routing_key: "",
    routing_attributes: null,
  };
}

/** The port a backend gets when its endpoint or the DNS resolver names none. */
export const DEFAULT_PORT = 4317;

/** The resolved `resolver.dns` section. */
export interface DnsSettings {
  /** The name to resolve. */
  hostname: string;
  /** The port of every backend. */
  port: number;
  /** Milliseconds between resolutions. */
  intervalMs: number;
  /** Milliseconds one resolution may take. */
  timeoutMs: number;
}

/** The resolver a configuration names. */
export type ResolverSettings =
  | { kind: "static"; hostnames: string[] }
  | { kind: "dns"; dns: DnsSettings };

/** A backend endpoint with its port: `host` becomes `host:4317`, as in the Go exporter. */
export function endpointWithPort(endpoint: string): string {
  if (endpoint.startsWith("[")) {
    return endpoint.endsWith("]") ? `${endpoint}:${DEFAULT_PORT}` : endpoint;
  }
  return endpoint.includes(":") ? endpoint : `${endpoint}:${DEFAULT_PORT}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkKeys(
  section: Record<string, unknown>,
  known: readonly string[],
  path: string,
) {
  for (const key of Object.keys(section)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${path}::${key}: unknown key ${JSON.stringify(key)}; valid keys: ${known.join(", ")}`,
      );
    }
  }
}

function resolveStatic(section: unknown, path: string): string[] {
  if (!isMap(section)) {
    throw new TypeError(
      `${path}: expected a map with hostnames, got ${JSON.stringify(section)}`,
    );
  }
  checkKeys(section, ["hostnames"], path);
  const hostnames = section.hostnames;
  if (!Array.isArray(hostnames) || hostnames.length === 0) {
    throw new TypeError(
      `${path}::hostnames: expected a non-empty list of backends (host:port), got ${
        JSON.stringify(hostnames ?? null)
      }`,
    );
  }
  return hostnames.map((hostname, index) => {
    const at = `${path}::hostnames::${index}`;
    if (typeof hostname !== "string" || hostname.trim() === "") {
      throw new TypeError(
        `${at}: expected host:port of a backend, got ${JSON.stringify(hostname)}`,
      );
    }
    const { hostname: host } = parseEndpoint(
      endpointWithPort(hostname.trim()),
      at,
    );
    if (host === "") {
      throw new TypeError(
        `${at}: expected host:port with a host, got "${hostname}"`,
      );
    }
    return hostname.trim();
  });
}

function resolvePort(value: unknown, path: string): number {
  if (value === null || value === undefined || value === "") {
    return DEFAULT_PORT;
  }
  const port = typeof value === "string" && /^\d+$/.test(value.trim())
    ? Number(value.trim())
    : value;
  if (
    typeof port !== "number" || !Number.isInteger(port) || port < 1 ||
    port > 65535
  ) {
    throw new TypeError(
      `${path}: expected a port from 1 to 65535, got ${JSON.stringify(value)}`,
    );
  }
  return port;
}

function resolveDns(section: unknown, path: string): DnsSettings {
  if (!isMap(section)) {
    throw new TypeError(
      `${path}: expected a map with hostname, got ${JSON.stringify(section)}`,
    );
  }
  checkKeys(section, ["hostname", "port", "interval", "timeout"], path);
  const hostname = section.hostname;
  if (typeof hostname !== "string" || hostname.trim() === "") {
    throw new TypeError(
      `${path}::hostname: expected the DNS name of the backends, got ${
        JSON.stringify(hostname ?? null)
      }`,
    );
  }
  const duration = (key: string, fallback: string) => {
    const value = section[key] ?? fallback;
    const ms = parseConfigDuration(
      value === "" ? fallback : value,
      `${path}::${key}`,
    );
    if (ms <= 0) {
      throw new TypeError(
        `${path}::${key}: expected a duration greater than 0`,
      );
    }
    return ms;
  };
  return {
    hostname: hostname.trim(),
    port: resolvePort(section.port, `${path}::port`),
    intervalMs: duration("interval", "5s"),
    timeoutMs: duration("timeout", "1s"),
  };
}

/**
 * The resolver `config.resolver` names, checked.
 *
 * @param path Config path of the exporter, such as `exporters::loadbalancing`.
 * @throws {TypeError} naming the key when none or more than one resolver is given, or a value
 *   is invalid.
 */
export function resolveResolver(
  config: LoadBalancingConfig,
  path: string,
): ResolverSettings {
  const at = `${path}::resolver`;
  const resolver = config.resolver as unknown;
  if (!isMap(resolver)) {
    throw new TypeError(
      `${at}: expected a map with static or dns, got ${JSON.stringify(resolver)}`,
    );
  }
  for (const unsupported of ["k8s", "aws_cloud_map"]) {
    if (resolver[unsupported] !== null && resolver[unsupported] !== undefined) {
      throw new TypeError(
        `${at}::${unsupported}: this resolver is not supported by denocol; use dns (a ` +
          `Kubernetes headless Service resolves to its ready pods) or static`,
      );
    }
  }
  const given = (["static", "dns"] as const).filter((key) =>
    resolver[key] !== null && resolver[key] !== undefined
  );
  if (given.length === 0) {
    throw new TypeError(
      `${at}: expected one resolver, static (hostnames) or dns (hostname)`,
    );
  }
  if (given.length > 1) {
    throw new TypeError(
      `${at}: expected only one resolver, got both static and dns`,
    );
  }
  return given[0] === "static"
    ? {
      kind: "static",
      hostnames: resolveStatic(resolver.static, `${at}::static`),
    }
    : { kind: "dns", dns: resolveDns(resolver.dns, `${at}::dns`) };
}

/**
 * The routing key for `signal`: `routing_key`, or the signal's default when it is empty.
 *
 * @param path Config path of the exporter.
 * @throws {TypeError} naming `routing_key` when the signal cannot be routed by it.
 */
export function resolveRoutingKey(
  config: LoadBalancingConfig,
  signal: string,
  path: string,
): RoutingKey {
  const keys = ROUTING_KEYS[signal];
  const value = config.routing_key ?? "";
  if (value === "") return keys[0];
  if (!keys.includes(value as RoutingKey)) {
    throw new TypeError(
      `${path}::routing_key: ${JSON.stringify(value)} cannot route ${signal}; expected one of ${
        keys.join(", ")
      }`,
    );
  }
  return value as RoutingKey;
}

/**
 * The otlp exporter settings of one backend: `protocol.otlp` with `endpoint` set to it.
 */
export function backendConfig(
  config: LoadBalancingConfig,
  endpoint: string,
): OtlpGrpcConfig {
  return { ...config.protocol.otlp, endpoint: endpointWithPort(endpoint) };
}

/**
 * Checks the configuration: the top-level helper keys, `protocol.otlp` as the otlp exporter
 * checks it (its endpoint aside), the resolver and `routing_key`. Whether `routing_key` suits a
 * signal is checked when the exporter of that signal is created.
 *
 * @param path Config path of the exporter, named in errors.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateConfig(
  config: LoadBalancingConfig,
  path = `exporters::${TYPE}`,
): void {
  try {
    checkConfig(config, path);
  } catch (error) {
    throw withConfigPath(error, path);
  }
}

/**
 * `error` with `configPath`, the path of the offending key below the exporter's configuration
 * (read from the message, which starts with `<path>::key::…:`), by which the service points the
 * error at the key's line in the YAML file.
 */
function withConfigPath(error: unknown, path: string): unknown {
  if (!(error instanceof Error) || !error.message.startsWith(`${path}::`)) return error;
  const end = error.message.indexOf(": ", path.length);
  if (end < 0) return error;
  const configPath = error.message.slice(path.length + 2, end).split("::").map((segment) =>
    /^\d+$/.test(segment) ? Number(segment) : segment
  );
  return Object.assign(error, { configPath });
}

function checkConfig(config: LoadBalancingConfig, path: string): void {
  validateHelperConfig(config, path);
  const protocol = config.protocol as unknown;
  if (!isMap(protocol) || !isMap(protocol.otlp)) {
    throw new TypeError(
      `${path}::protocol::otlp: expected the settings of the otlp exporter`,
    );
  }
  // Each backend's endpoint comes from the resolver; a stand-in lets the otlp exporter's checks
  // run on every other key.
  validateOtlpConfig(
    { ...config.protocol.otlp, endpoint: `backend:${DEFAULT_PORT}` },
    `${path}::protocol::otlp`,
  );
  resolveResolver(config, path);
  const key = config.routing_key ?? "";
  if (
    typeof key !== "string" ||
    (key !== "" && !ALL_ROUTING_KEYS.includes(key as RoutingKey))
  ) {
    throw new TypeError(
      `${path}::routing_key: expected one of ${ALL_ROUTING_KEYS.join(", ")}, got ${
        JSON.stringify(key)
      }` + (key === "attributes" ? " (routing by attributes is not supported by denocol)" : ""),
    );
  }
  const attributes = config.routing_attributes;
  if (attributes !== null && attributes !== undefined) {
    throw new TypeError(
      `${path}::routing_attributes: routing by attributes is not supported by denocol; remove ` +
        `it and choose a routing_key`,
    );
  }
}
