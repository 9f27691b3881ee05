import assert from "node:assert/strict";
import { factory as nopExporter } from "@denocol/nopexporter";
import { checkReceiverFactory } from "@denocol/receiver-experimental/receivertest";
import { validateCollectorConfig } from "@denocol/service";
import { factory, PprofConfigError, type PprofReceiverConfig } from "./mod.ts";

const withDefaults = (change: Partial<PprofReceiverConfig>) => ({
  ...factory.createDefaultConfig(),
  ...change,
});

Deno.test("pprof receiver: follows the receiver contract (profiles only)", async () => {
  await checkReceiverFactory(factory, {
    invalidConfigs: [
      (d) => ({ ...d, include: "*.pprof" as unknown as string[] }),
      (d) => ({ ...d, poll_interval: "soon" }),
      (d) => ({ ...d, endpoint: "localhost" }),
    ],
  });
  assert.equal(factory.profilesStability, "development");
  assert.equal(factory.tracesStability, "undefined");
});

Deno.test("pprof receiver: configuration errors name their path", () => {
  const cases: [Partial<PprofReceiverConfig>, string, RegExp][] = [
    [{ include: [""] }, "include", /list of file globs/],
    [{ poll_interval: "-1s" }, "poll_interval", /duration|negative/],
    [{ storage: "" }, "storage", /storage extension/],
    [{ endpoint: "nowhere" }, "endpoint", /host:port/],
    [{ service_name: "" }, "service_name", /non-empty/],
    [{ max_profile_size_mib: 0 }, "max_profile_size_mib", /positive/],
    [
      { scrape: [{ endpoint: "ftp://x/y", interval: "1s", seconds: null, service_name: null }] },
      "scrape.0.endpoint",
      /http/,
    ],
    [
      {
        scrape: [{ endpoint: "127.0.0.1:6060", interval: "0s", seconds: null, service_name: null }],
      },
      "scrape.0.interval",
      /positive/,
    ],
    [
      {
        scrape: [{ endpoint: "127.0.0.1:6060", interval: "1s", seconds: 1.5, service_name: null }],
      },
      "scrape.0.seconds",
      /whole number/,
    ],
  ];
  for (const [change, path, message] of cases) {
    assert.throws(() => factory.validateConfig!(withDefaults(change)), (error: unknown) => {
      assert.ok(error instanceof PprofConfigError, String(error));
      assert.equal(error.path, path);
      assert.match(error.message, new RegExp(`^pprof receiver: ${path.replaceAll(".", "\\.")}: `));
      assert.match(error.message, message);
      return true;
    });
  }
  // A scrape entry written with only its endpoint gets the defaults.
  factory.validateConfig!(
    withDefaults({ scrape: [{ endpoint: "127.0.0.1:6060" } as PprofReceiverConfig["scrape"][0]] }),
  );
});

Deno.test("pprof receiver: a YAML configuration passes the collector's validation; errors point at their line", async () => {
  const yaml = (scrapeInterval: string) =>
    [
      "receivers:",
      "  pprof:",
      "    include: [/tmp/profiles/*.pb.gz]",
      "    poll_interval: 10s",
      "    storage: null",
      "    scrape:",
      "      - endpoint: http://127.0.0.1:6060/debug/pprof/profile",
      `        interval: ${scrapeInterval}`,
      "        seconds: 10",
      "    endpoint: 127.0.0.1:4040",
      "    service_name: shop",
      "exporters:",
      "  nop:",
      "service:",
      "  pipelines:",
      "    profiles: { receivers: [pprof], exporters: [nop] }",
    ].join("\n");
  const factories = { receivers: [factory], exporters: [nopExporter] };
  await validateCollectorConfig({
    factories,
    config: yaml("60s"),
    featureGates: "service.profilesSupport",
  });
  const error = await validateCollectorConfig({
    factories,
    config: yaml("soon"),
    featureGates: "service.profilesSupport",
  }).then(() => undefined, (e: unknown) => e as Error);
  assert.match(
    error?.message ?? "",
    /<config>:8:9: receivers\.pprof\.scrape\[0\]\.interval: invalid receiver "pprof" configuration: pprof receiver: scrape\.0\.interval: invalid duration/,
  );
});
