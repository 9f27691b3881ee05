import assert from "node:assert/strict";
import { type Host, newComponent, type Settings } from "@denocol/component";
import * as exporter from "@denocol/exporter";
import * as extension from "@denocol/extension";
import * as receiver from "@denocol/receiver";
import { factory as nopExporter } from "@denocol/nopexporter";
import { factory as nopReceiver } from "@denocol/nopreceiver";
import { ComponentStartError, ConfigErrors, GraphBuildError } from "@denocol/service";
import { BUILD_INFO, Collector } from "./collector.ts";

/**
 * Factories whose components log `start <kind> <id>` and `shutdown <kind> <id>` to `events`:
 * receiver `watched` (traces, keeping its host in `hosts`), exporter `kept` (traces) and
 * extension `noted`. A component whose label is in `failStart` rejects its start; exporter
 * `broken` cannot be created.
 */
function lifecycleFactories(events: string[], hosts: Host[] = [], failStart: string[] = []) {
  const lifecycle = (settings: Settings) => {
    const label = `${settings.kind} ${settings.id}`;
    return newComponent({
      start: (host) => {
        events.push(`start ${label}`);
        hosts.push(host);
        if (failStart.includes(label)) throw new Error(`${label} cannot start`);
      },
      shutdown: () => void events.push(`shutdown ${label}`),
    });
  };
  return {
    receivers: [
      receiver.newFactory("watched", () => ({}), receiver.withTraces(lifecycle, "development")),
    ],
    exporters: [
      exporter.newFactory(
        "kept",
        () => ({}),
        exporter.withTraces((settings) => ({
          ...lifecycle(settings),
          capabilities: () => ({ mutatesData: false }),
          consume: () => Promise.resolve(),
        }), "development"),
      ),
      exporter.newFactory(
        "broken",
        () => ({}),
        exporter.withTraces(() => {
          throw new Error("no endpoint");
        }, "development"),
      ),
    ],
    extensions: [extension.newFactory("noted", () => ({}), lifecycle, "development")],
  };
}

/** A configuration of one traces pipeline from `watched` to `exporterId`, with `noted`. */
function configWith(exporterId: string) {
  return {
    receivers: { watched: null },
    exporters: { [exporterId]: null },
    extensions: { noted: null },
    service: {
      extensions: ["noted"],
      telemetry: { logs: { encoding: "json" }, metrics: { level: "none" } },
      pipelines: { traces: { receivers: ["watched"], exporters: [exporterId] } },
    },
  };
}

Deno.test("collector: runs a configuration from YAML text and reports its lifecycle", async () => {
  const lines: string[] = [];
  const collector = new Collector({
    factories: { receivers: [nopReceiver], exporters: [nopExporter] },
    config: `
receivers:
  nop:
exporters:
  nop:
service:
  telemetry:
    logs: { encoding: json }
    metrics: { address: "127.0.0.1:0" }
  pipelines:
    logs: { receivers: [nop], exporters: [nop] }
`,
    writeLog: (line) => lines.push(line),
  });
  assert.equal(collector.state, "created");
  await collector.start();
  assert.equal(collector.state, "running");
  assert.equal(collector.config?.config.service.pipelines.size, 1);
  const address = collector.metricsAddress;
  assert.ok(address !== undefined && !address.endsWith(":0"), `bound address ${address}`);
  const response = await fetch(`http://${address}/metrics`);
  assert.match(await response.text(), /^otelcol_process_memory_rss [1-9]\d*$/m);
  const exit = await collector.shutdown(5000);
  assert.deepEqual(exit, { fatalError: undefined, shutdownErrors: [] });
  assert.equal(collector.state, "stopped");
  assert.equal(await collector.done, exit);
  const records = lines.map((line) => JSON.parse(line));
  assert.equal(records.find((r) => r.msg === "starting")?.version, BUILD_INFO.version);
  assert.equal(records.at(-1)?.msg, "shutdown complete");
});

Deno.test("collector: a fatal error reported by a component shuts the collector down", async () => {
  const events: string[] = [];
  const hosts: Host[] = [];
  const lines: string[] = [];
  const collector = new Collector({
    factories: lifecycleFactories(events, hosts),
    config: configWith("kept"),
    writeLog: (line) => lines.push(line),
  });
  await collector.start();
  hosts[0].reportFatalError(new Error("port stolen"));
  const exit = await collector.done;
  assert.equal(exit.fatalError?.message, "port stolen");
  assert.deepEqual(exit.shutdownErrors, []);
  assert.equal(collector.state, "stopped");
  assert.deepEqual(events, [
    "start extension noted",
    "start exporter kept",
    "start receiver watched",
    "shutdown receiver watched",
    "shutdown exporter kept",
    "shutdown extension noted",
  ]);
  assert.ok(lines.some((line) => line.includes("fatal error") && line.includes("port stolen")));
});

Deno.test("collector: a component failing to start rejects start after shutting everything down", async () => {
  const events: string[] = [];
  const collector = new Collector({
    factories: lifecycleFactories(events, [], ["exporter kept"]),
    config: configWith("kept"),
    writeLog: () => {},
  });
  await assert.rejects(collector.start(), (error) => {
    assert.ok(error instanceof ComponentStartError, String(error));
    assert.match(error.message, /exporter "kept" \(traces\): exporter kept cannot start/);
    return true;
  });
  assert.equal(collector.state, "stopped");
  assert.deepEqual(events, [
    "start extension noted",
    "start exporter kept",
    "shutdown receiver watched",
    "shutdown exporter kept",
    "shutdown extension noted",
  ]);
});

Deno.test("collector: a component that cannot be created rejects start after shutting down what was created", async () => {
  const events: string[] = [];
  const collector = new Collector({
    factories: lifecycleFactories(events),
    config: configWith("broken"),
    writeLog: () => {},
  });
  await assert.rejects(collector.start(), (error) => {
    assert.ok(error instanceof GraphBuildError, String(error));
    assert.match(error.message, /failed to create exporter "broken" for traces: no endpoint/);
    return true;
  });
  assert.equal(collector.state, "stopped");
  assert.deepEqual(events, ["shutdown extension noted"]);
});

Deno.test("collector: an invalid configuration is refused, nothing started", async () => {
  const events: string[] = [];
  const lines: string[] = [];
  const collector = new Collector({
    factories: lifecycleFactories(events),
    config: { ...configWith("kept"), exporters: { kept: { colour: "red" } } },
    writeLog: (line) => lines.push(line),
  });
  await assert.rejects(collector.start(), (error) => {
    assert.ok(error instanceof ConfigErrors, String(error));
    assert.match(error.message, /exporters\.kept\.colour: unknown key "colour"/);
    return true;
  });
  assert.equal(collector.state, "stopped");
  assert.deepEqual(events, []);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^\S+\tinfo\tshutdown complete$/,
    "logged to the console before any config",
  );
});
