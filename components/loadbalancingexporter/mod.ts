/**
 * The `loadbalancing` exporter: sends each trace (or service, resource, metric, stream) to one
 * collector of a tier, always the same one while the tier does not change, so that the
 * collectors behind it see whole traces (for tail sampling, span metrics) or whole services.
 * Its configuration is the Go contrib exporter's:
 *
 * ```yaml
 * exporters:
 *   loadbalancing:
 *     routing_key: traceID            # default: traceID for traces and logs, service for
 *                                     # metrics and profiles
 *     protocol:
 *       otlp:                         # the otlp exporter's settings, without endpoint
 *         tls: { insecure: true }
 *         retry_on_failure: { max_elapsed_time: 0s }
 *         sending_queue: { queue_size: 5000 }
 *     resolver:
 *       dns:                          # or static: { hostnames: [gw-1:4317, gw-2:4317] }
 *         hostname: otelcol-gateway-headless.observability.svc.cluster.local
 *         port: 4317                  # default 4317
 *         interval: 5s                # default 5s
 *         timeout: 1s                 # default 1s
 * ```
 *
 * | `routing_key` | routes by                                 | for                            |
 * | ------------- | ----------------------------------------- | ------------------------------ |
 * | `traceID`     | trace ID                                  | traces (d), logs (d)           |
 * | `service`     | `service.name` of the resource            | all; (d) for metrics, profiles |
 * | `resource`    | resource attributes                       | metrics, profiles              |
 * | `metric`      | metric name                               | metrics                        |
 * | `streamID`    | resource, scope, metric, point attributes | metrics                        |
 *
 * (d): the signal's default, taken when `routing_key` is empty.
 *
 * **Routing.** The backends sit on a consistent hashing ring (100 positions each out of 36000,
 * hashed as the Go exporter hashes them, so Go and denocol load balancers with the same backends
 * agree). A request is split into one request per backend, each with the resource and scope
 * groups of its items; with one backend, or when everything falls to one, the request goes on
 * as it came (and, with one backend, is not even read). Logs without a trace ID share a backend
 * drawn per request; resources without `service.name` share the backend of the empty name.
 *
 * **Backends.** Each backend gets an otlp exporter (ID `otlp/<exporter ID>_<host:port>`, as in
 * Go) with the exporter helper of `protocol.otlp`: its own sending queue, retries and
 * `otelcol_exporter_*` metrics, so that a backend that is down is retried while the others
 * keep receiving. The top-level `timeout`, `retry_on_failure` and `sending_queue` wrap the
 * routing and are off by default, as in Go.
 *
 * **Changes.** `resolver.static` is read once; `resolver.dns` resolves the name's A and AAAA
 * records at start and every `interval` (a failed resolution keeps the backends as they were).
 * A new backend is started before the ring sends it anything. A removed backend is retired:
 * its calls in flight are cut off, and everything it holds (queued, waiting for a retry, cut
 * off) is routed again by the new ring, after which it stops; a request waiting for a retry
 * moves when its wait ends. Nothing it had accepted is dropped. A backend whose queue is
 * persistent (`sending_queue.storage`) hands back what it holds the same way; requests stored
 * by an earlier run for a backend that no longer exists stay stored until it comes back.
 *
 * **Metrics** (as in Go, with `exporter` and `data_type` attributes):
 * `otelcol_loadbalancer_num_resolutions{resolver, success}`,
 * `otelcol_loadbalancer_num_backends{resolver}`,
 * `otelcol_loadbalancer_num_backend_updates{resolver}`,
 * `otelcol_loadbalancer_backend_outcome{endpoint, success}`, and the backend latency as
 * `otelcol_loadbalancer_backend_latency_sum` / `_count{endpoint}` (ms; a histogram in Go).
 *
 * Not supported: the `k8s` and `aws_cloud_map` resolvers (use `dns` with a headless Service)
 * and `routing_key: attributes`; each is refused with its config path.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { MetricsRegistry } from "@denocol/component";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { factory } from "@denocol/loadbalancingexporter";
 *
 * const config = factory.createDefaultConfig();
 * config.resolver.static = { hostnames: ["gw-1:4317", "gw-2:4317", "gw-3:4317"] };
 * config.routing_key = "metric";
 * // Traces cannot be routed by metric name; the error names the key.
 * assert.throws(
 *   () => factory.createTraces(nopSettings("exporter", "loadbalancing"), config),
 *   /exporters::loadbalancing::routing_key: "metric" cannot route traces/,
 * );
 *
 * config.routing_key = "traceID";
 * const registry = new MetricsRegistry();
 * const settings = nopSettings("exporter", "loadbalancing", { meter: registry });
 * const exporter = factory.createTraces(settings, config);
 * await exporter.start(nopHost());
 * assert.equal(registry.value("otelcol_loadbalancer_num_backends", { resolver: "static" }), 3);
 * await exporter.shutdown();
 * ```
 *
 * # Experimental
 *
 * Profiles support (`createProfiles`) is EXPERIMENTAL and may be changed or removed in a later
 * release.
 *
 * @module
 */

export {
  backendConfig,
  createDefaultConfig,
  DEFAULT_PORT,
  type DnsResolverConfig,
  type DnsSettings,
  endpointWithPort,
  type LoadBalancingConfig,
  type ResolverConfig,
  resolveResolver,
  resolveRoutingKey,
  type ResolverSettings,
  ROUTING_KEYS,
  type RoutingKey,
  STABILITY,
  type StaticResolverConfig,
  TYPE,
  validateConfig,
} from "./config.ts";
export { createLoadBalancingExporter, factory, type LoadBalancingOptions } from "./exporter.ts";
export { type NameServer } from "./resolver.ts";
