import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { checkConnectorFactory } from "@denocol/connector-experimental/connectortest";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import type { Metric, Metrics } from "@denocol/pdata";
import { type Profiles, profiles, resolveValueType } from "@denocol/pdata-experimental";
import { parseProfile, sampleTotal, toProfiles } from "@denocol/pdata-experimental/pprof";
import {
  GO_MISSING,
  goCommand,
  goProfiles,
  nodeCpuProfile,
} from "@denocol/pdata-experimental/pproftest";
import {
  factory,
  type ProfilesToMetricsConfig,
  ProfilesToMetricsConfigError,
  validateConfig,
} from "./mod.ts";

function points(metric: Metric) {
  assert.equal(metric.data.case, "sum");
  return metric.data.case === "sum" ? metric.data.value.dataPoints : [];
}

/** Sum of each sample type of `data`, keyed `type/unit`, straight from the samples. */
function profileTotals(data: Profiles): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const rp of data.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      for (const p of sp.profiles) {
        const t = resolveValueType(data.dictionary, p.sampleType);
        const key = `${t.type}/${t.unit}`;
        let total = totals.get(key) ?? 0n;
        for (const s of p.samples) total += sampleTotal(s);
        totals.set(key, total);
      }
    }
  }
  return totals;
}

async function throughConnector(data: Profiles, change: Partial<ProfilesToMetricsConfig> = {}) {
  const sink = new SinkConsumer<Metrics>();
  const connector = factory.createProfilesToMetrics(
    nopSettings("connector", "profilestometrics"),
    { ...factory.createDefaultConfig(), ...change },
    sink,
  );
  await connector.start(nopHost());
  await connector.consume(data);
  await connector.shutdown();
  assert.equal(sink.all.length, 1);
  return sink.all[0];
}

Deno.test("profilestometrics: follows the connector contract (profiles to metrics only)", async () => {
  await checkConnectorFactory(factory, {
    invalidConfigs: [(d) => ({ ...d, top_functions: -1 })],
  });
  assert.equal(factory.stability("profiles", "metrics"), "development");
  assert.equal(factory.stability("profiles", "profiles"), "undefined");
});

Deno.test("profilestometrics: configuration errors name their path", () => {
  const cases: [Partial<ProfilesToMetricsConfig>, string][] = [
    [{ top_functions: 1.5 }, "top_functions"],
    [{ other_function_name: "" }, "other_function_name"],
    [{ include_resource_attributes: [""] }, "include_resource_attributes"],
    [
      { metrics: [{ name: "x" } as ProfilesToMetricsConfig["metrics"][0]] },
      "metrics.0.sample_type",
    ],
    [
      { metrics: [{ sample_type: "cpu" } as ProfilesToMetricsConfig["metrics"][0]] },
      "metrics.0.name",
    ],
  ];
  for (const [change, path] of cases) {
    assert.throws(
      () => validateConfig({ ...factory.createDefaultConfig(), ...change }),
      (error: unknown) =>
        error instanceof ProfilesToMetricsConfigError && error.path === path &&
        error.message.startsWith(`profilestometrics connector: ${path}: `),
    );
  }
});

Deno.test("profilestometrics: data points of real profiles add up to their totals", async () => {
  const inputs = [await nodeCpuProfile(200)];
  if (goCommand() !== undefined) {
    const go = await goProfiles(300);
    inputs.push(go.cpu, go.heap);
  } else console.log(`Go profiles ${GO_MISSING}`);
  for (const path of inputs) {
    const data = toProfiles(parseProfile(await Deno.readFile(path)), {
      resource: { "service.name": "shop", "host.name": "h1" },
    });
    // Through the wire, as the pipeline would hand it over.
    const received = profiles.decodeProto(profiles.encodeProto(data));
    const metrics = await throughConnector(received, { top_functions: 3 });
    const rm = metrics.resourceMetrics[0];
    assert.deepEqual(
      rm.resource?.attributes.map((kv) => [kv.key, kv.value?.value.value]),
      [["service.name", "shop"], ["host.name", "h1"]],
    );
    const totals = profileTotals(received);
    const sums = new Map<string, bigint>();
    for (const metric of rm.scopeMetrics[0].metrics) {
      const dataPoints = points(metric);
      // At most the top 3 functions and the rest.
      assert.ok(dataPoints.length <= 4, `${metric.name}: ${dataPoints.length} points`);
      for (const point of dataPoints) {
        const type = String(point.attributes[1].value?.value.value);
        sums.set(type, (sums.get(type) ?? 0n) + BigInt(point.value.value as bigint));
      }
    }
    assert.deepEqual(sums, totals, path);
  }
});

Deno.test("profilestometrics: names, units and the resource attributes kept follow the config", async () => {
  const path = await nodeCpuProfile(100);
  const data = toProfiles(parseProfile(await Deno.readFile(path)), {
    resource: { "service.name": "web", "host.name": "h1" },
  });
  const metrics = await throughConnector(data, {
    include_resource_attributes: ["service.name"],
    top_functions: 0,
    metrics: [{
      sample_type: "samples",
      sample_unit: null,
      name: "app.ticks",
      description: null,
      unit: null,
    }],
  });
  const rm = metrics.resourceMetrics[0];
  assert.deepEqual(rm.resource?.attributes.map((kv) => kv.key), ["service.name"]);
  const byName = new Map(rm.scopeMetrics[0].metrics.map((m) => [m.name, m]));
  assert.deepEqual([...byName.keys()].sort(), ["app.ticks", "profile.cpu.time"]);
  assert.equal(byName.get("profile.cpu.time")?.unit, "ns");
  assert.equal(byName.get("app.ticks")?.unit, "{samples}");
  const cpu = points(byName.get("profile.cpu.time")!);
  // Every function has its own point with top_functions 0: no "(other)".
  assert.ok(cpu.every((p) => p.attributes[0].value?.value.value !== "(other)"));
  const window = data.resourceProfiles[0].scopeProfiles[0].profiles[1];
  assert.equal(cpu[0].startTimeUnixNano, window.timeUnixNano);
  assert.equal(cpu[0].timeUnixNano, window.timeUnixNano + window.durationNano);
});
