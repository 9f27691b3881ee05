import assert from "node:assert/strict";
import { factory as nopExporter } from "@denocol/nopexporter";
import { factory as nopReceiver } from "@denocol/nopreceiver";
import { ConfigErrors, validateCollectorConfig } from "@denocol/service";
import { createDefaultConfig, factory, type ZPagesConfig } from "./mod.ts";

const factories = { receivers: [nopReceiver], exporters: [nopExporter], extensions: [factory] };

function withZpages(body: string) {
  return `receivers: { nop: }
exporters: { nop: }
extensions:
  zpages:
${body}
service:
  extensions: [zpages]
  pipelines: { traces: { receivers: [nop], exporters: [nop] } }
`;
}

Deno.test("zpages config: Go's default endpoint and its testdata shape", async () => {
  assert.equal(createDefaultConfig().endpoint, "localhost:55679");
  assert.equal(createDefaultConfig().expvar.enabled, false);
  const validated = await validateCollectorConfig({
    factories,
    config: withZpages(
      `    endpoint: "localhost:56888"\n    transport: tcp\n    expvar:\n      enabled: true`,
    ),
  });
  const config = validated.components.extension.get("zpages") as ZPagesConfig;
  assert.equal(config.endpoint, "localhost:56888");
  assert.equal(config.expvar.enabled, true);
});

Deno.test("zpages config: an empty endpoint and unknown keys are refused, naming them", async () => {
  for (
    const [body, message] of [
      ['    endpoint: ""', /endpoint/],
      ["    transport: udp", /transport: expected tcp/],
      ["    expvar: { enabled: true, extra: 1 }", /extra/],
    ] as const
  ) {
    await assert.rejects(
      validateCollectorConfig({ factories, config: withZpages(body) }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigErrors);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});
