import assert from "node:assert/strict";
import { factory as nopExporter } from "@denocol/nopexporter";
import { factory as nopReceiver } from "@denocol/nopreceiver";
import { ConfigErrors, validateCollectorConfig } from "@denocol/service";
import { createDefaultConfig, factory } from "./mod.ts";

const factories = { receivers: [nopReceiver], exporters: [nopExporter], extensions: [factory] };

function withExtensions(extensions: string) {
  return `receivers:
  nop:
exporters:
  nop:
extensions:
${extensions}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [nop]
      exporters: [nop]
`;
}

Deno.test("health_check config: Go's defaults", () => {
  const config = createDefaultConfig();
  assert.equal(config.endpoint, "localhost:13133");
  assert.equal(config.path, "/");
  assert.equal(config.response_body, null);
  assert.deepEqual(config.check_collector_pipeline, {
    enabled: false,
    interval: "5m",
    exporter_failure_threshold: 5,
  });
});

Deno.test("health_check config: the Go extension's documented shapes validate", async () => {
  const validated = await validateCollectorConfig({
    factories,
    config: withExtensions(`  health_check:
  health_check/1:
    endpoint: "localhost:13"
    tls:
      cert_file: "/path/to/cert.crt"
      key_file: "/path/to/key.key"
    path: "/health/status"
    response_body:
      healthy: I'm OK
      unhealthy: I'm not well
    check_collector_pipeline:
      enabled: false
      interval: "5m"
      exporter_failure_threshold: 5`),
  });
  const one = validated.components.extension.get("health_check/1") as ReturnType<
    typeof createDefaultConfig
  >;
  assert.equal(one.path, "/health/status");
  assert.equal(one.response_body?.healthy, "I'm OK");
});

Deno.test("health_check config: what Go refuses is refused, naming the key", async () => {
  for (
    const [extension, message] of [
      ["    path: health", /path: must start with \//],
      [
        "    check_collector_pipeline: { exporter_failure_threshold: 0 }",
        /exporter_failure_threshold/,
      ],
      ['    check_collector_pipeline: { interval: "soon" }', /interval/],
      ['    endpoint: ""', /endpoint/],
      ["    unknown_key: 1", /unknown_key/],
    ] as const
  ) {
    await assert.rejects(
      validateCollectorConfig({
        factories,
        config: withExtensions(`  health_check:\n${extension}`),
      }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigErrors);
        assert.match(error.message, message);
        assert.match(error.message, /health_check/);
        return true;
      },
    );
  }
});
