// Test components for the graph and collector tests (this file has no tests of its own): each
// records its lifecycle in a shared event list and exposes what it received.

import {
  type Component,
  type ID,
  type Kind,
  nopLogger,
  nopMeter,
  type Settings,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import * as connector from "@denocol/connector";
import * as exporter from "@denocol/exporter";
import * as extension from "@denocol/extension";
import * as pdata from "@denocol/pdata";
import * as processor from "@denocol/processor";
import * as receiver from "@denocol/receiver";
import { validateCollectorConfig } from "./collector_config.ts";
import { FactoryIndex } from "./factories.ts";
import { fromPlain, newFeatureGateRegistry, resolveConfig } from "./config/mod.ts";
import { Service } from "./service.ts";
import { PipelineGraph } from "./graph.ts";
import type { NodeAttributes } from "./graph_nodes.ts";
import type { Factories } from "./factories.ts";

/** Everything the test components saw. */
export class Recorder {
  /** `start <label>` / `shutdown <label>` in the order they happened. */
  readonly events: string[] = [];
  /** Receivers created, with the consumer they feed. */
  readonly receivers: { label: string; next: Consumer<unknown> }[] = [];
  /** Exporters created, with what each received. */
  readonly exporters: { label: string; received: unknown[] }[] = [];
  /** Labels of processors created. */
  readonly processors: string[] = [];
  /** Labels whose start should throw. */
  readonly failStart = new Set<string>();

  /**
   * A component recording every call of its lifecycle under `label`, without the guard of
   * `newComponent`, so that a second `shutdown` would show.
   */
  component(label: string): Component {
    return {
      start: () => {
        this.events.push(`start ${label}`);
        return this.failStart.has(label)
          ? Promise.reject(new Error(`${label} cannot start`))
          : Promise.resolve();
      },
      shutdown: () => {
        this.events.push(`shutdown ${label}`);
        return Promise.resolve();
      },
    };
  }

  /** The one receiver created with `label`. */
  receiver(label: string): Consumer<unknown> {
    const matching = this.receivers.filter((r) => r.label === label);
    if (matching.length !== 1) throw new Error(`${matching.length} receivers ${label}`);
    return matching[0].next;
  }

  /** What the one exporter created with `label` received. */
  received(label: string): unknown[] {
    const matching = this.exporters.filter((e) => e.label === label);
    if (matching.length !== 1) throw new Error(`${matching.length} exporters ${label}`);
    return matching[0].received;
  }
}

function label(settings: Settings, signal: string): string {
  return `${settings.kind} ${settings.id} ${signal}`;
}

/** Receiver `push` (traces, metrics, logs): the test calls its `next` directly. */
export function pushReceiverFactory(recorder: Recorder): receiver.Factory<{ tag: string }> {
  const create = (signal: string) => <T>(settings: Settings, _c: unknown, next: Consumer<T>) => {
    recorder.receivers.push({ label: label(settings, signal), next: next as Consumer<unknown> });
    return recorder.component(label(settings, signal));
  };
  return receiver.newFactory<{ tag: string }>(
    "push",
    () => ({ tag: "" }),
    receiver.withTraces(create("traces"), "development"),
    receiver.withMetrics(create("metrics"), "development"),
    receiver.withLogs(create("logs"), "development"),
  );
}

/** Processor `rename` (traces): appends `suffix` to every span name, in place. */
export function renameProcessorFactory(
  recorder: Recorder,
): processor.Factory<{ suffix: string }> {
  return processor.newFactory(
    "rename",
    () => ({ suffix: "-renamed" }),
    processor.withTraces((settings, config, next) => {
      const name = `${label(settings, "traces")} ${recorder.processors.length}`;
      recorder.processors.push(name);
      const lifecycle = recorder.component(
        `processor ${settings.id} #${recorder.processors.length}`,
      );
      return processor.newTracesProcessor(next, (traces) => {
        for (const resource of traces.resourceSpans) {
          for (const scope of resource.scopeSpans) {
            for (const span of scope.spans) span.name += config.suffix;
          }
        }
        return traces;
      }, {
        capabilities: { mutatesData: true },
        start: (host) => lifecycle.start(host),
        shutdown: () => lifecycle.shutdown(),
      });
    }, "development"),
  );
}

/** Exporter `sink` (traces, metrics, logs): keeps everything it is given. */
export function sinkExporterFactory(recorder: Recorder): exporter.Factory<Record<string, never>> {
  const create = (signal: string) => (settings: Settings) => {
    const received: unknown[] = [];
    recorder.exporters.push({ label: label(settings, signal), received });
    return {
      ...recorder.component(label(settings, signal)),
      capabilities: () => ({ mutatesData: false }),
      consume: (data: unknown) => {
        received.push(data);
        return Promise.resolve();
      },
    } as exporter.Exporter<never>;
  };
  return exporter.newFactory(
    "sink",
    () => ({}),
    exporter.withTraces(create("traces"), "development"),
    exporter.withMetrics(create("metrics"), "development"),
    exporter.withLogs(create("logs"), "development"),
  );
}

/** Connector `spancount` (traces to metrics): one gauge point holding the batch's span count. */
export function spanCountConnectorFactory(
  recorder: Recorder,
): connector.Factory<Record<string, never>> {
  return connector.newFactory(
    "spancount",
    () => ({}),
    connector.withTracesToMetrics((settings, _config, next) => ({
      ...recorder.component(`connector ${settings.id} traces->metrics`),
      capabilities: () => ({ mutatesData: false }),
      consume: (traces, context) =>
        next.consume(
          pdata.metrics.decodeJson(JSON.stringify({
            resourceMetrics: [{
              scopeMetrics: [{
                metrics: [{
                  name: "span.count",
                  gauge: { dataPoints: [{ asInt: String(pdata.traces.count(traces)) }] },
                }],
              }],
            }],
          })),
          context,
        ),
    }), "development"),
  );
}

/** Extension `recorded`. */
export function recordedExtensionFactory(recorder: Recorder): extension.Factory<{ n: number }> {
  return extension.newFactory(
    "recorded",
    () => ({ n: 0 }),
    (settings) => recorder.component(`extension ${settings.id}`),
    "development",
  );
}

/** Traces with one span per name, under one resource and scope. */
export function tracesWithSpans(...names: string[]): pdata.Traces {
  return pdata.traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      scopeSpans: [{
        spans: names.map((name, index) => ({
          traceId: "0102030405060708090a0b0c0d0e0f10",
          spanId: `01020304050607${index.toString(16).padStart(2, "0")}`,
          name,
        })),
      }],
    }],
  }));
}

/** Span names of traces, in order. */
export function spanNames(traces: unknown): string[] {
  return (traces as pdata.Traces).resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))
  );
}

/** Settings with discarding telemetry. */
export function testSettings(kind: Kind, id: ID, _attributes: NodeAttributes): Settings {
  return {
    id,
    kind,
    buildInfo: { command: "test", description: "test", version: "0" },
    telemetry: { logger: nopLogger(), meter: nopMeter() },
  };
}

/** Validates `config` (a plain object) and builds its graph. */
export function buildGraph(
  factories: Factories,
  config: Record<string, unknown>,
  gates = "",
): PipelineGraph {
  const index = new FactoryIndex(factories);
  const featureGates = newFeatureGateRegistry();
  featureGates.applyFlag(gates);
  const validated = resolveConfig(fromPlain(config), index.catalog(), { featureGates });
  const graph = new PipelineGraph({ factories: index, config: validated, settings: testSettings });
  graph.build();
  return graph;
}

/** The core test factories sharing `recorder`. */
export function testFactories(recorder: Recorder): Factories {
  return {
    receivers: [pushReceiverFactory(recorder)],
    processors: [renameProcessorFactory(recorder)],
    exporters: [sinkExporterFactory(recorder)],
    connectors: [spanCountConnectorFactory(recorder)],
    extensions: [recordedExtensionFactory(recorder)],
  };
}

/** What {@linkcode newTestService} makes a service of. */
export interface TestServiceOptions {
  /** The factories. */
  readonly factories: Factories;
  /** The configuration, a plain object or YAML text. */
  readonly config: Record<string, unknown> | string;
  /** Where log lines go; default the configured output paths. */
  readonly writeLog?: (line: string) => void;
  /** Called on a component's fatal error; default nothing. */
  readonly reportFatalError?: (error: Error) => void;
}

/** Validates the configuration against the factories and makes a service of it, not started. */
export async function newTestService(options: TestServiceOptions): Promise<Service> {
  const config = await validateCollectorConfig(options);
  return new Service({
    factories: options.factories,
    config,
    buildInfo: { command: "test", description: "test", version: "0" },
    reportFatalError: options.reportFatalError ?? (() => {}),
    writeLog: options.writeLog,
  });
}
