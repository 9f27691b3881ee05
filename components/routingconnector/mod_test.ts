// Routing through the router the service gives connectors (newPipelineRouter over sinks), with
// the Go README's routing tables, and the configuration errors of the Go connector.

import assert from "node:assert/strict";
import { nopSettings } from "@denocol/component/componenttest";
import { newPipelineRouter } from "@denocol/connector";
import { checkConnectorFactory } from "@denocol/connector-experimental/connectortest";
import { clientMetadata, type ConsumeContext, isPermanent } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { AttributeMap, type Logs, logs, type Metrics, metrics, traces } from "@denocol/pdata";
import { type Config, factory } from "@denocol/routingconnector";

/** Sinks by pipeline, behind the router the service would build. */
function pipelines<T>(clone: (d: T) => T, ...ids: string[]) {
  const sinks = new Map(ids.map((id) => [id, new SinkConsumer<T>()]));
  return { sinks, router: newPipelineRouter(sinks, clone) };
}

const config = (c: Partial<Config>): Config => {
  const full = { ...factory.createDefaultConfig(), ...c };
  factory.validateConfig?.(full);
  return full;
};

function logsOf(
  ...records: { service?: string; severity?: number; attrs?: Record<string, string> }[]
): Logs {
  return logs.decodeJson(JSON.stringify({
    resourceLogs: records.map((r) => ({
      resource: {
        attributes: r.service ? [{ key: "service.name", value: { stringValue: r.service } }] : [],
      },
      scopeLogs: [{
        scope: { name: "lib" },
        logRecords: [{
          severityNumber: r.severity ?? 0,
          attributes: Object.entries(r.attrs ?? {}).map(([key, v]) => ({
            key,
            value: { stringValue: v },
          })),
        }],
      }],
    })),
  }));
}

const severities = (data: Logs[]) =>
  data.flatMap((d) =>
    d.resourceLogs.flatMap((r) =>
      r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.severityNumber))
    )
  );

Deno.test("the factory passes the connector contract, fed by a router", async () => {
  // Go's default config has an empty table and is refused; the contract runs with one route,
  // and its sink stands behind a router that feeds the pipeline any route names.
  const withRoute = (): Config => ({
    ...factory.createDefaultConfig(),
    table: [{ condition: "true", pipelines: ["p"] }],
  });
  await checkConnectorFactory({
    ...factory,
    createDefaultConfig: withRoute,
    create: (from: string, to: string, settings: never, cfg: Config, next: SinkConsumer<unknown>) =>
      (factory.create as (...a: unknown[]) => unknown)(
        from,
        to,
        settings,
        cfg,
        newPipelineRouter(new Map([["p", next]]), (d) => d),
      ),
  } as never, { invalidConfigs: [(c: Config) => ({ ...c, table: [] })] });
  assert.equal(factory.stability("logs", "logs"), "alpha");
  assert.equal(factory.stability("profiles", "profiles"), "development");
  assert.equal(factory.stability("logs", "traces"), "undefined");
});

Deno.test("README: low severity logs to cheap storage, the rest by service name; first match wins", async () => {
  const { sinks, router } = pipelines(logs.clone, "logs/cheap", "logs/service1", "logs/service2");
  const connector = factory.createLogsToLogs(
    nopSettings("connector", "routing"),
    config({
      table: [
        {
          context: "log",
          condition: "severity_number < SEVERITY_NUMBER_ERROR",
          pipelines: ["logs/cheap"],
        },
        {
          context: "resource",
          condition: 'attributes["service.name"] == "service1"',
          pipelines: ["logs/service1"],
        },
        {
          context: "resource",
          condition: 'attributes["service.name"] == "service2"',
          pipelines: ["logs/service2"],
        },
      ],
    }),
    router,
  );
  assert.equal(connector.capabilities().mutatesData, true);
  await connector.consume(logsOf(
    { service: "service1", severity: 9 },
    { service: "service1", severity: 17 },
    { service: "service2", severity: 21 },
    { service: "service3", severity: 18 },
  ));
  assert.deepEqual(severities(sinks.get("logs/cheap")!.all), [9]);
  assert.deepEqual(severities(sinks.get("logs/service1")!.all), [17]);
  assert.deepEqual(severities(sinks.get("logs/service2")!.all), [21]);
  // No default pipelines: the service3 record is dropped. Each pipeline got one request.
  assert.deepEqual([...sinks.values()].map((s) => s.all.length), [1, 1, 1]);
  const cheap = sinks.get("logs/cheap")!.all[0].resourceLogs[0];
  assert.equal(new AttributeMap(cheap.resource!.attributes).get("service.name"), "service1");
  assert.equal(cheap.scopeLogs[0].scope!.name, "lib");
});

Deno.test("request context: tenants by header; a request routed whole is passed on as it is", async () => {
  const { sinks, router } = pipelines(logs.clone, "logs/acme", "logs/ecorp", "logs/other");
  const connector = factory.createLogsToLogs(
    nopSettings("connector", "routing"),
    config({
      default_pipelines: ["logs/other"],
      table: [
        {
          context: "request",
          condition: 'request["X-Tenant"] == "acme"',
          pipelines: ["logs/acme"],
        },
        {
          context: "request",
          condition: 'request["X-Tenant"] == "ecorp"',
          pipelines: ["logs/ecorp"],
        },
      ],
    }),
    router,
  );
  const send = (tenant: string | undefined) => {
    const data = logsOf({ severity: 1 });
    const context: ConsumeContext = {
      client: { metadata: clientMetadata(tenant === undefined ? [] : [["X-Tenant", tenant]]) },
    };
    return connector.consume(data, context).then(() => data);
  };
  const acme = await send("acme");
  await send("ecorp");
  await send(undefined);
  await send("initech");
  assert.equal(sinks.get("logs/acme")!.all[0], acme);
  assert.equal(sinks.get("logs/ecorp")!.all.length, 1);
  assert.equal(sinks.get("logs/other")!.all.length, 2);
});

Deno.test("statements: route() and delete_key run where they hold; spans and resources of traces", async () => {
  const { sinks, router } = pipelines(traces.clone, "traces/acme", "traces/slow", "traces/rest");
  const connector = factory.createTracesToTraces(
    nopSettings("connector", "routing"),
    config({
      default_pipelines: ["traces/rest"],
      table: [
        {
          statement: 'delete_key(attributes, "tenant") where attributes["tenant"] == "acme"',
          pipelines: ["traces/acme"],
        },
        {
          context: "span",
          statement: 'route() where attributes["slow"] == true',
          pipelines: ["traces/slow"],
        },
      ],
    }),
    router,
  );
  await connector.consume(traces.decodeJson(JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "tenant", value: { stringValue: "acme" } }] },
        scopeSpans: [{ spans: [{ name: "a" }] }],
      },
      {
        resource: { attributes: [{ key: "tenant", value: { stringValue: "b" } }] },
        scopeSpans: [{
          spans: [{ name: "b1", attributes: [{ key: "slow", value: { boolValue: true } }] }, {
            name: "b2",
          }],
        }],
      },
    ],
  })));
  const names = (sink: string) =>
    sinks.get(sink)!.all.flatMap((d) =>
      d.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)))
    );
  assert.deepEqual(names("traces/acme"), ["a"]);
  assert.deepEqual(sinks.get("traces/acme")!.all[0].resourceSpans[0].resource!.attributes, []);
  assert.deepEqual(names("traces/slow"), ["b1"]);
  assert.deepEqual(names("traces/rest"), ["b2"]);
  // The moved span's resource is a copy: changing one pipeline's does not change the other's.
  const slowResource = sinks.get("traces/slow")!.all[0].resourceSpans[0].resource!;
  const restResource = sinks.get("traces/rest")!.all[0].resourceSpans[0].resource!;
  assert.notEqual(slowResource, restResource);
  assert.deepEqual(slowResource, restResource);
});

Deno.test("metrics by metric and by data point", async () => {
  const { sinks, router } = pipelines(metrics.clone, "metrics/http", "metrics/big", "metrics/rest");
  const connector = factory.createMetricsToMetrics(
    nopSettings("connector", "routing"),
    config({
      default_pipelines: ["metrics/rest"],
      table: [
        {
          context: "metric",
          condition: 'IsMatch(name, "^http\\\\.")',
          pipelines: ["metrics/http"],
        },
        { context: "datapoint", condition: "value_int > 100", pipelines: ["metrics/big"] },
      ],
    }),
    router,
  );
  await connector.consume(metrics.decodeJson(JSON.stringify({
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [
          { name: "http.requests", sum: { dataPoints: [{ asInt: "500" }] } },
          {
            name: "queue",
            gauge: { dataPoints: [{ asInt: "5" }, { asInt: "500" }, { asInt: "7" }] },
          },
        ],
      }],
    }],
  })));
  const points = (sink: string) =>
    sinks.get(sink)!.all.flatMap((d: Metrics) =>
      d.resourceMetrics.flatMap((r) =>
        r.scopeMetrics.flatMap((s) =>
          s.metrics.flatMap((m) =>
            (m.data.value as { dataPoints: { value: { value: bigint } }[] }).dataPoints.map((p) =>
              `${m.name}=${p.value.value}`
            )
          )
        )
      )
    );
  assert.deepEqual(points("metrics/http"), ["http.requests=500"]);
  assert.deepEqual(points("metrics/big"), ["queue=500"]);
  assert.deepEqual(points("metrics/rest"), ["queue=5", "queue=7"]);
});

Deno.test("error_mode: propagate fails the request, ignore treats the route as not matching", async () => {
  const table = [{
    context: "log",
    condition: 'Substring(attributes["n"], 0, 4) == "long"',
    pipelines: ["logs/a"],
  }];
  for (const mode of ["propagate", "ignore"] as const) {
    const { sinks, router } = pipelines(logs.clone, "logs/a", "logs/default");
    const connector = factory.createLogsToLogs(
      nopSettings("connector", "routing"),
      config({ error_mode: mode, default_pipelines: ["logs/default"], table }),
      router,
    );
    const consumed = connector.consume(logsOf({ attrs: { n: "abc" } }, { attrs: { n: "longer" } }));
    if (mode === "propagate") {
      const error = await consumed.then(() => undefined, (e) => e);
      assert.ok(isPermanent(error), String(error));
      assert.match(String(error), /routing connector: .*Substring/);
      assert.equal(sinks.get("logs/a")!.all.length + sinks.get("logs/default")!.all.length, 0);
    } else {
      await consumed;
      assert.equal(logs.count(sinks.get("logs/a")!.all[0]), 1);
      assert.equal(logs.count(sinks.get("logs/default")!.all[0]), 1);
    }
  }
});

Deno.test("a route naming a pipeline the connector does not feed fails its creation", () => {
  const { router } = pipelines(logs.clone, "logs/a");
  assert.throws(
    () =>
      factory.createLogsToLogs(
        nopSettings("connector", "routing"),
        config({ table: [{ condition: "true", pipelines: ["logs/a", "logs/b"] }] }),
        router,
      ),
    /routing connector: pipelines logs\/b are not fed by this connector; it feeds logs\/a/,
  );
});
