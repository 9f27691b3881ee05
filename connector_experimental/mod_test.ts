import assert from "node:assert/strict";
import { newComponent, SignalNotSupportedError } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { type Consumer, newConsumer } from "@denocol/consumer";
import { newLogsSink, newMetricsSink } from "@denocol/consumer/consumertest";
import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
import { type Connector, newFactory as newStableFactory, withLogsToLogs } from "@denocol/connector";
import * as pdata from "@denocol/pdata";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import {
  isProfilesFactory,
  newFactory,
  withProfilesToMetrics,
  withProfilesToProfiles,
} from "./mod.ts";
import { checkConnectorFactory } from "./connectortest/mod.ts";

function forward<T>(next: Consumer<T>): Connector<T> {
  return { ...newComponent(), ...newConsumer<T>((data, context) => next.consume(data, context)) };
}

/** Counts samples into one sum data point per batch. */
const sampleCountFactory = newFactory(
  "samplecount",
  () => ({}),
  withLogsToLogs((_s, _c, next) => forward(next), "beta"),
  withProfilesToProfiles((_s, _c, next) => forward(next), "development"),
  withProfilesToMetrics((_s, _c, next) => ({
    ...newComponent(),
    ...newConsumer<Profiles>((data, context) =>
      next.consume(
        pdata.metrics.decodeJson(JSON.stringify({
          resourceMetrics: [{
            scopeMetrics: [{
              metrics: [{
                name: "profile.samples",
                sum: { dataPoints: [{ asInt: String(profiles.count(data)) }] },
              }],
            }],
          }],
        })),
        context,
      )
    ),
  }), "development"),
);

Deno.test("samplecount passes the connector contract over all sixteen pairs", async () => {
  await checkConnectorFactory(sampleCountFactory);
});

Deno.test("stability answers for every pair, stable or profiles", () => {
  const signals = [...Object.keys(pdata.SIGNALS), profiles.name];
  const supported: string[] = [];
  for (const from of signals) {
    for (const to of signals) {
      if (sampleCountFactory.stability(from, to) !== "undefined") supported.push(`${from}->${to}`);
    }
  }
  assert.deepEqual(supported, ["logs->logs", "profiles->metrics", "profiles->profiles"]);
  assert.equal(sampleCountFactory.profilesToMetricsStability, "development");
  assert.equal(sampleCountFactory.metricsToProfilesStability, "undefined");
  const stable = newStableFactory(
    "plain",
    () => ({}),
    withLogsToLogs((_s, _c, n) => forward(n), "beta"),
  );
  assert.ok(!isProfilesFactory(stable));
  assert.ok(isProfilesFactory(sampleCountFactory));
  assert.equal(stable.stability("profiles", "profiles"), "undefined");
  assert.equal(stable.stability("logs", "logs"), "beta");
  assert.throws(
    () =>
      sampleCountFactory.create(
        "metrics",
        "profiles",
        nopSettings("connector"),
        {},
        newProfilesSink(),
      ),
    (e: unknown) => e instanceof SignalNotSupportedError && e.signal === "metrics->profiles",
  );
});

Deno.test("profiles to metrics connector emits the sample count", async () => {
  const sink = newMetricsSink();
  const connector = sampleCountFactory.create(
    "profiles",
    "metrics",
    nopSettings("connector"),
    {},
    sink,
  );
  const data = generateProfiles({ seed: 4, samplesPerProfile: 3 });
  await connector.start(nopHost());
  await connector.consume(data);
  await connector.shutdown();
  const point = sink.all[0].resourceMetrics[0].scopeMetrics[0].metrics[0].data;
  assert.equal(point.case, "sum");
  assert.equal(point.value?.dataPoints[0].value.value, BigInt(profiles.count(data)));
});

Deno.test("unsupported profiles pairs throw and stable pairs still route", async () => {
  assert.throws(
    () =>
      sampleCountFactory.createTracesToProfiles(nopSettings("connector"), {}, newProfilesSink()),
    /connector "samplecount" does not support the traces->profiles signal/,
  );
  const logs = newLogsSink();
  await sampleCountFactory.create("logs", "logs", nopSettings("connector"), {}, logs)
    .consume(pdata.logs.empty());
  assert.equal(logs.all.length, 1);
});
