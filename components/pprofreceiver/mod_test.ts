import assert from "node:assert/strict";
import { checkReceiverFactory } from "@denocol/receiver-experimental/receivertest";
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
      assert.equal(error.configPath, path);
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
