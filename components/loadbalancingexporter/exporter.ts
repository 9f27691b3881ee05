import type { Settings } from "@denocol/component";
import { withValidateConfig } from "@denocol/component";
import type { Exporter } from "@denocol/exporter";
import { newFactory, type ProfilesFactory, withSignals } from "@denocol/exporter-experimental";
import { exporterOptions, newExporter } from "@denocol/exporter/exporterhelper";
import type { SignalDescriptor } from "@denocol/pdata";
import {
  createDefaultConfig,
  type LoadBalancingConfig,
  resolveResolver,
  resolveRoutingKey,
  STABILITY,
  TYPE,
  validateConfig,
} from "./config.ts";
import { LoadBalancer } from "./loadbalancer.ts";
import { DnsResolver, type NameServer, type Resolver, StaticResolver } from "./resolver.ts";
import { splitFor } from "./routing.ts";
import { LoadBalancerTelemetry } from "./telemetry.ts";

/** What a program embedding the exporter can set beyond the configuration. */
export interface LoadBalancingOptions {
  /**
   * The DNS server `resolver.dns` asks instead of the system's (a test's own server, or a
   * resolver that a program runs beside the collector).
   */
  nameServer?: NameServer;
  /**
   * How long the backends keep sending after shutdown begins when the host announces no drain
   * deadline of its own, ms; default 10000 (the collector's service always announces one).
   */
  drainTimeoutMs?: number;
}

/**
 * Creates the `loadbalancing` exporter of one signal: the routing (by `routing_key` on the
 * consistent hashing ring of the resolved backends) inside the exporter helper of the top-level
 * keys, and one otlp exporter per backend with the helper of `protocol.otlp`.
 *
 * @throws {TypeError} naming the config path when `routing_key` does not suit the signal or
 *   another setting is invalid.
 */
export function createLoadBalancingExporter<T>(
  settings: Settings,
  config: LoadBalancingConfig,
  signal: SignalDescriptor<T>,
  options: LoadBalancingOptions = {},
): Exporter<T> {
  const path = `exporters::${settings.id}`;
  validateConfig(config, path);
  const split = splitFor<T>(signal.name, resolveRoutingKey(config, signal.name, path));
  const logger = settings.telemetry.logger;
  const telemetry = new LoadBalancerTelemetry(settings, signal.name);
  const resolved = resolveResolver(config, path);
  const resolver: Resolver = resolved.kind === "static"
    ? new StaticResolver(resolved.hostnames, telemetry)
    : new DnsResolver(resolved.dns, {
      logger: logger.with({ resolver: "dns" }),
      telemetry,
      ...(options.nameServer ? { nameServer: options.nameServer } : {}),
    });
  if (config.protocol.otlp.endpoint) {
    logger.warn("protocol::otlp::endpoint is ignored: the resolver gives each backend's", {
      endpoint: config.protocol.otlp.endpoint,
    });
  }
  const balancer = new LoadBalancer<T>({
    settings,
    config,
    path,
    signal,
    split,
    resolver,
    telemetry,
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
  });
  return newExporter(settings, signal, (data, context) => balancer.route(data, context.signal), {
    ...exporterOptions(config, settings),
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
    start: (host) => balancer.start(host),
    shutdown: () => balancer.shutdown(),
  });
}

/**
 * The factory of the `loadbalancing` exporter: traces and logs beta, metrics development, as in
 * the Go collector's contrib distribution; profiles development.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<LoadBalancingConfig> = newFactory(
  TYPE,
  createDefaultConfig,
  ...withSignals(createLoadBalancingExporter, STABILITY),
  withValidateConfig(validateConfig),
);
