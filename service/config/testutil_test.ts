// Helpers shared by the config tests (this file has no tests of its own).

import assert from "node:assert/strict";
import { ConfigErrors } from "./errors.ts";
import type { CatalogEntry, ComponentCatalog } from "./validate.ts";

/** The 1-based line and column of the `occurrence`-th (from 1) `needle` in `text`, found by hand. */
export function locate(
  text: string,
  needle: string,
  occurrence = 1,
): { line: number; column: number } {
  let from = -1;
  for (let i = 0; i < occurrence; i++) {
    from = text.indexOf(needle, from + 1);
    assert.ok(from >= 0, `fixture error: ${JSON.stringify(needle)} #${occurrence} not in text`);
  }
  const before = text.slice(0, from).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** `file:line:column` of the `occurrence`-th `needle` in `text`. */
export function at(file: string, text: string, needle: string, occurrence = 1): string {
  const { line, column } = locate(text, needle, occurrence);
  return `${file}:${line}:${column}`;
}

/** Runs `fn`, asserts it throws {@linkcode ConfigErrors}, and returns the error. */
export async function configErrorsOf(fn: () => unknown): Promise<ConfigErrors> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ConfigErrors, `expected ConfigErrors, got ${error}`);
    return error;
  }
  assert.fail("expected ConfigErrors to be thrown");
}

/**
 * Asserts that exactly one problem in `errors` mentions `fragment`, and that it names `path`
 * and the location `where`; returns it.
 */
export function expectProblem(
  errors: ConfigErrors,
  fragment: string,
  path: string,
  where: string | undefined,
): void {
  const matching = errors.errors.filter((error) => error.message.includes(fragment));
  assert.equal(
    matching.length,
    1,
    `one error mentioning ${JSON.stringify(fragment)} in:\n${errors.message}`,
  );
  const [error] = matching;
  assert.equal(error.path, path);
  if (where !== undefined) {
    assert.equal(`${error.file}:${error.line}:${error.column}`, where);
    assert.ok(error.message.startsWith(`${where}: ${path}: `), error.message);
  }
  assert.ok(errors.message.includes(error.message), "the aggregate lists the error");
}

const S = (...signals: string[]) => new Set(signals);
const ALL = S("traces", "metrics", "logs");

/**
 * A catalog shaped like the Go collector's core components, with default configs holding the
 * keys their Go READMEs document (a subset: enough to check the documented examples).
 */
export function coreCatalog(): ComponentCatalog {
  const tls = () => ({
    insecure: false,
    insecure_skip_verify: false,
    ca_file: null,
    cert_file: null,
    key_file: null,
    server_name_override: null,
  });
  const server = (endpoint: string) => ({
    endpoint,
    tls: null,
    max_recv_msg_size_mib: null,
    max_concurrent_streams: null,
    read_buffer_size: null,
    write_buffer_size: null,
    keepalive: null,
    include_metadata: false,
    auth: null,
    cors: null,
    traces_url_path: null,
    metrics_url_path: null,
    logs_url_path: null,
    transport: null,
  });
  const queue = () => ({ enabled: true, num_consumers: 10, queue_size: 1000, storage: null });
  const retry = () => ({
    enabled: true,
    initial_interval: "5s",
    max_interval: "30s",
    max_elapsed_time: "300s",
    multiplier: 1.5,
    randomization_factor: 0.5,
  });
  const receivers = new Map<string, CatalogEntry>([
    ["otlp", {
      signals: S("traces", "metrics", "logs", "profiles"),
      createDefaultConfig: () => ({
        protocols: { grpc: server("localhost:4317"), http: server("localhost:4318") },
      }),
    }],
    ["nop", { signals: ALL }],
  ]);
  const processors = new Map<string, CatalogEntry>([
    ["batch", {
      signals: ALL,
      createDefaultConfig: () => ({
        timeout: "200ms",
        send_batch_size: 8192,
        send_batch_max_size: 0,
        metadata_keys: [] as string[],
        metadata_cardinality_limit: 1000,
      }),
      validateConfig: (config) => {
        const c = config as { send_batch_size: number; send_batch_max_size: number };
        if (c.send_batch_max_size !== 0 && c.send_batch_max_size < c.send_batch_size) {
          throw Object.assign(
            new Error("send_batch_max_size must be greater or equal to send_batch_size"),
            { configPath: "send_batch_max_size" },
          );
        }
      },
    }],
    ["memory_limiter", {
      signals: ALL,
      createDefaultConfig: () => ({
        check_interval: "0s",
        limit_mib: 0,
        spike_limit_mib: 0,
        limit_percentage: 0,
        spike_limit_percentage: 0,
      }),
      validateConfig: (config) => {
        const c = config as { check_interval: string; limit_mib: number; limit_percentage: number };
        if (c.check_interval === "0s") {
          throw Object.assign(new Error("check_interval must be greater than zero"), {
            configPath: "check_interval",
          });
        }
        if (c.limit_mib === 0 && c.limit_percentage === 0) {
          throw new Error("either limit_mib or limit_percentage must be set");
        }
      },
    }],
  ]);
  const exporters = new Map<string, CatalogEntry>([
    ["debug", {
      signals: S("traces", "metrics", "logs", "profiles"),
      createDefaultConfig: () => ({
        verbosity: "basic",
        sampling_initial: 2,
        sampling_thereafter: 1,
        use_internal_logger: true,
      }),
      validateConfig: (config) => {
        const verbosity = (config as { verbosity: string }).verbosity;
        if (!["basic", "normal", "detailed"].includes(verbosity)) {
          throw Object.assign(
            new Error(
              `verbosity must be basic, normal or detailed, got ${JSON.stringify(verbosity)}`,
            ),
            { configPath: ["verbosity"] },
          );
        }
      },
    }],
    ["otlp", {
      signals: S("traces", "metrics", "logs", "profiles"),
      createDefaultConfig: () => ({
        endpoint: "",
        tls: tls(),
        headers: {},
        compression: "gzip",
        timeout: "5s",
        sending_queue: queue(),
        retry_on_failure: retry(),
        balancer_name: null,
        auth: null,
      }),
      validateConfig: (config) => {
        if ((config as { endpoint: string }).endpoint === "") {
          throw Object.assign(new Error("endpoint must be specified"), { configPath: "endpoint" });
        }
      },
    }],
    ["otlphttp", {
      signals: S("traces", "metrics", "logs", "profiles"),
      createDefaultConfig: () => ({
        endpoint: "",
        traces_endpoint: null,
        metrics_endpoint: null,
        logs_endpoint: null,
        tls: tls(),
        headers: {},
        compression: "gzip",
        timeout: "30s",
        encoding: "proto",
        sending_queue: queue(),
        retry_on_failure: retry(),
        auth: null,
      }),
    }],
  ]);
  const connectors = new Map<string, CatalogEntry>([
    ["forward", {
      connectorPairs: S("traces->traces", "metrics->metrics", "logs->logs"),
      createDefaultConfig: () => ({}),
    }],
    ["count", {
      connectorPairs: S("traces->metrics", "metrics->metrics", "logs->metrics"),
      createDefaultConfig: () => ({
        spans: {},
        spanevents: {},
        metrics: {},
        datapoints: {},
        logs: {},
      }),
    }],
  ]);
  const extensions = new Map<string, CatalogEntry>([
    ["zpages", { createDefaultConfig: () => ({ endpoint: "localhost:55679" }) }],
    ["pprof", {
      createDefaultConfig: () => ({ endpoint: "localhost:1777", block_profile_fraction: 0 }),
    }],
    ["health_check", { createDefaultConfig: () => ({ endpoint: "localhost:13133", path: "/" }) }],
  ]);
  return {
    kinds: {
      receiver: receivers,
      processor: processors,
      exporter: exporters,
      connector: connectors,
      extension: extensions,
    },
  };
}
