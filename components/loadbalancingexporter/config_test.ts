import assert from "node:assert/strict";
import { nopSettings } from "@denocol/component/componenttest";
import { CapturingLogger } from "@denocol/component/componenttest";
import {
  createDefaultConfig,
  endpointWithPort,
  type LoadBalancingConfig,
  resolveResolver,
  validateConfig,
} from "./config.ts";
import { factory } from "./exporter.ts";
import { factory as nopReceiver } from "@denocol/nopreceiver";
import { validateCollectorConfig } from "@denocol/service";

function withStatic(change: (config: LoadBalancingConfig) => void = () => {}): LoadBalancingConfig {
  const config = createDefaultConfig();
  config.resolver.static = { hostnames: ["gw-1:4317", "gw-2"] };
  change(config);
  return config;
}

function refused(config: LoadBalancingConfig, message: RegExp): void {
  assert.throws(() => validateConfig(config), message);
}

Deno.test("config: defaults as in Go (helper off at the top, otlp defaults per backend)", () => {
  const config = createDefaultConfig();
  assert.equal(config.routing_key, "");
  assert.equal(config.sending_queue.enabled, false);
  assert.equal(config.retry_on_failure.enabled, false);
  assert.equal(config.protocol.otlp.sending_queue.enabled, true);
  assert.equal(config.protocol.otlp.timeout, "5s");
  assert.equal(config.protocol.otlp.compression, "gzip");
  // No resolver is a configuration error, named with its path.
  refused(config, /^TypeError: exporters::loadbalancing::resolver: expected one resolver/);
  validateConfig(withStatic());
});

Deno.test("config: resolver errors name the path and what was expected", () => {
  refused(
    withStatic((c) => c.resolver.dns = { hostname: "gw" }),
    /exporters::loadbalancing::resolver: expected only one resolver, got both static and dns/,
  );
  refused(
    withStatic((c) => c.resolver.static = { hostnames: [] }),
    /resolver::static::hostnames: expected a non-empty list of backends/,
  );
  refused(
    withStatic((c) => c.resolver.static = { hostnames: ["gw-1:4317", "gw-2:99999"] }),
    /resolver::static::hostnames::1: expected host:port with a port from 0 to 65535/,
  );
  refused(
    withStatic((c) => c.resolver.static = { hostnames: ["gw-1", " "] }),
    /resolver::static::hostnames::1: expected host:port of a backend/,
  );
  refused(
    withStatic((c) => c.resolver.static = { hostname: ["gw"] } as never),
    /resolver::static::hostname: unknown key "hostname"; valid keys: hostnames/,
  );
  const dns = (section: unknown) => {
    const config = createDefaultConfig();
    config.resolver.dns = section as never;
    return config;
  };
  refused(dns({ port: 4317 }), /resolver::dns::hostname: expected the DNS name of the backends/);
  refused(dns({ hostname: "gw", port: "http" }), /resolver::dns::port: expected a port from 1/);
  refused(dns({ hostname: "gw", port: 0 }), /resolver::dns::port: expected a port from 1/);
  refused(dns({ hostname: "gw", interval: "soon" }), /resolver::dns::interval: /);
  refused(dns({ hostname: "gw", timeout: "0s" }), /resolver::dns::timeout: expected a duration/);
  refused(dns({ hostname: "gw", intervall: "1s" }), /resolver::dns::intervall: unknown key/);
  const k8s = createDefaultConfig();
  k8s.resolver.k8s = { service: "gw.observability" };
  refused(k8s, /resolver::k8s: this resolver is not supported by denocol; use dns/);
});

Deno.test("config: dns defaults (port 4317, interval 5s, timeout 1s) and a port as text", () => {
  const config = createDefaultConfig();
  config.resolver.dns = { hostname: "gw-headless.observability.svc.cluster.local" };
  assert.deepEqual(resolveResolver(config, "p"), {
    kind: "dns",
    dns: {
      hostname: "gw-headless.observability.svc.cluster.local",
      port: 4317,
      intervalMs: 5000,
      timeoutMs: 1000,
    },
  });
  config.resolver.dns = { hostname: "gw", port: "55690", interval: "250ms", timeout: "2s" };
  assert.deepEqual(resolveResolver(config, "p"), {
    kind: "dns",
    dns: { hostname: "gw", port: 55690, intervalMs: 250, timeoutMs: 2000 },
  });
});

Deno.test("config: protocol.otlp is checked as the otlp exporter checks it, at its path", () => {
  refused(
    withStatic((c) => c.protocol.otlp.compression = "snappy"),
    /exporters::loadbalancing::protocol::otlp::compression: expected one of "gzip", "zstd", "deflate", "none", got "snappy"/,
  );
  refused(
    withStatic((c) => c.protocol.otlp.sending_queue.num_consumers = 0),
    /exporters::loadbalancing::protocol::otlp::sending_queue::num_consumers: expected an integer/,
  );
  refused(
    withStatic((c) => c.sending_queue.queue_size = -1),
    /^TypeError: exporters::loadbalancing::sending_queue::queue_size: expected an integer >= 1/,
  );
});

Deno.test("config: routing_key must be a known key, and one the signal allows", () => {
  refused(
    withStatic((c) => c.routing_key = "traceid"),
    /routing_key: expected one of traceID, service, resource, metric, streamID, got "traceid"/,
  );
  refused(
    withStatic((c) => c.routing_key = "attributes"),
    /routing by attributes is not supported by denocol/,
  );
  refused(
    withStatic((c) => c.routing_attributes = ["span.kind"]),
    /exporters::loadbalancing::routing_attributes: routing by attributes is not supported/,
  );
  const settings = nopSettings("exporter", "loadbalancing/agents");
  const cases: [string, string, "createTraces" | "createMetrics" | "createLogs"][] = [
    ["metric", "traces", "createTraces"],
    ["traceID", "metrics", "createMetrics"],
    ["streamID", "logs", "createLogs"],
  ];
  for (const [key, signal, create] of cases) {
    assert.throws(
      () => factory[create](settings, withStatic((c) => c.routing_key = key)),
      new RegExp(
        `exporters::loadbalancing/agents::routing_key: "${key}" cannot route ${signal}; ` +
          `expected one of`,
      ),
    );
  }
  assert.throws(
    () => factory.createProfiles(settings, withStatic((c) => c.routing_key = "traceID")),
    /"traceID" cannot route profiles; expected one of service, resource/,
  );
});

Deno.test("config: protocol.otlp.endpoint is ignored with a warning", () => {
  const logger = new CapturingLogger();
  const settings = nopSettings("exporter", "loadbalancing", { logger });
  factory.createTraces(settings, withStatic((c) => c.protocol.otlp.endpoint = "gw:4317"));
  assert.ok(logger.records.some((r) => r.message.includes("protocol::otlp::endpoint is ignored")));
});

Deno.test("config: a backend without a port gets 4317, as in Go", () => {
  assert.equal(endpointWithPort("gw-1"), "gw-1:4317");
  assert.equal(endpointWithPort("gw-1:55690"), "gw-1:55690");
  assert.equal(endpointWithPort("[::1]"), "[::1]:4317");
  assert.equal(endpointWithPort("[::1]:4318"), "[::1]:4318");
});

Deno.test("config: through the collector's validation, an error points at its key's line", async () => {
  const yaml = [
    "receivers:",
    "  nop:",
    "exporters:",
    "  loadbalancing:",
    "    resolver:",
    "      static:",
    "        hostnames:",
    "          - gw-1:4317",
    "          - gw-2:443171",
    "service:",
    "  pipelines:",
    "    traces: { receivers: [nop], exporters: [loadbalancing] }",
  ];
  const badLine = yaml.indexOf("          - gw-2:443171") + 1;
  const error = await validateCollectorConfig({
    factories: { receivers: [nopReceiver], exporters: [factory] },
    config: yaml.join("\n"),
  }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.match(
    error?.message ?? "",
    new RegExp(
      `<config>:${badLine}:13: exporters\\.loadbalancing\\.resolver\\.static\\.hostnames\\[1\\]: ` +
        `invalid exporter "loadbalancing" configuration: .*hostnames::1: expected host:port`,
    ),
  );
  const config = createDefaultConfig();
  config.resolver.dns = { hostname: "gw", interval: "-1s" };
  assert.throws(
    () => validateConfig(config),
    (e: Error & { configPath?: unknown }) => {
      assert.deepEqual(e.configPath, ["resolver", "dns", "interval"]);
      return true;
    },
  );
});
