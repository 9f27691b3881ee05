// Shared by the tests: configs loaded from YAML as the Go collector's would be written, and a
// processor run on one request.

import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import type { ConsumeContext } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import type { Factory } from "@denocol/processor";
import { type ComponentCatalog, ConfigErrors, loadConfig, resolveConfig } from "@denocol/service";

/**
 * The validated config of processor `type` (made by `factory`) from the YAML of its section
 * under `processors:`, through the service's loader, as a configuration file would give it.
 */
export async function fromYaml<C>(
  type: string,
  factory: Pick<Factory<C>, "createDefaultConfig" | "validateConfig">,
  processor: string,
): Promise<C> {
  const catalog: ComponentCatalog = {
    kinds: {
      receiver: new Map([["nop", {}]]),
      exporter: new Map([["nop", {}]]),
      processor: new Map([[type, {
        createDefaultConfig: factory.createDefaultConfig,
        validateConfig: (c: unknown) => factory.validateConfig?.(c as C),
      }]]),
    },
  };
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    await Deno.writeTextFile(
      file,
      `receivers: {nop: {}}\nexporters: {nop: {}}\nprocessors:\n${processor}\n` +
        `service: {pipelines: {traces: {receivers: [nop], processors: [${type}], exporters: [nop]}}}\n`,
    );
    const { root } = await loadConfig({ configs: [file] });
    return resolveConfig(root, catalog).components.processor.get(type) as C;
  } finally {
    await Deno.remove(file);
  }
}

/** The message of the configuration error the YAML gives. */
export async function yamlError<C>(
  type: string,
  factory: Pick<Factory<C>, "createDefaultConfig" | "validateConfig">,
  processor: string,
): Promise<string> {
  const error = await fromYaml(type, factory, processor).then(() => undefined, (e) => e);
  assert.ok(error instanceof ConfigErrors, String(error));
  return error.message;
}

/** What `factory`'s processor for `signal` passes on for `data` (undefined when nothing). */
export async function runOn<T, C>(
  factory: { create(signal: string, ...args: unknown[]): unknown; type: string },
  signal: "traces" | "metrics" | "logs" | "profiles",
  config: C,
  data: T,
  context: ConsumeContext = {},
): Promise<T | undefined> {
  const sink = new SinkConsumer<T>();
  const processor = factory.create(
    signal,
    nopSettings("processor", factory.type),
    config,
    sink,
  ) as {
    start(h: unknown): Promise<void>;
    consume(d: T, c?: ConsumeContext): Promise<void>;
    shutdown(): Promise<void>;
    capabilities(): { mutatesData: boolean };
  };
  assert.equal(processor.capabilities().mutatesData, true);
  await processor.start(nopHost());
  try {
    await processor.consume(data, context);
  } finally {
    await processor.shutdown();
  }
  return sink.all[0];
}

/** OTLP/JSON attributes of plain values (whole numbers as ints). */
export function jsonAttributes(values: Record<string, unknown>): unknown[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: jsonValue(value) }));
}

function jsonValue(value: unknown): unknown {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  throw new TypeError(`no OTLP/JSON form for ${String(value)}`);
}
