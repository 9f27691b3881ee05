// Shared fixtures for the exporter helper tests: a string-array request type and an in-memory
// storage extension with the same contract as file_storage.
import { type Component, ID, type Kind, MetricsRegistry } from "@denocol/component";
import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
import type { Settings } from "@denocol/component";
import type { RetryConfig } from "./config.ts";
import type { SignalSpec } from "./types.ts";
import type { StorageClient, StorageExtension, StorageOperation } from "@denocol/extension";

export const lines: SignalSpec<string[]> = {
  name: "logs",
  itemName: "log_records",
  count: (data) => data.length,
  encodeProto: (data) => new TextEncoder().encode(JSON.stringify(data)),
  decodeProto: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
};

export function telemetry(id = "test/one"): {
  settings: Settings;
  logger: CapturingLogger;
  registry: MetricsRegistry;
} {
  const logger = new CapturingLogger();
  const registry = new MetricsRegistry();
  return { settings: nopSettings("exporter", id, { logger, meter: registry }), logger, registry };
}

export function fastRetry(overrides: Partial<RetryConfig> = {}): RetryConfig {
  return {
    enabled: true,
    initial_interval: "10ms",
    randomization_factor: 0,
    multiplier: 2,
    max_interval: "40ms",
    max_elapsed_time: "2s",
    ...overrides,
  };
}

/** A storage extension keeping bytes in a Map that outlives clients, like a directory would. */
export class MapStorage implements StorageExtension {
  readonly data = new Map<string, Uint8Array>();
  start(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  getClient(kind: Kind, id: ID, name: string): Promise<StorageClient> {
    const prefix = `${kind}/${id}/${name}/`;
    const data = this.data;
    let closed = false;
    const check = () => {
      if (closed) throw new Error("client closed");
    };
    return Promise.resolve({
      get: (key) => (check(), Promise.resolve(data.get(prefix + key))),
      set: (key, value) => (check(), data.set(prefix + key, value), Promise.resolve()),
      delete: (key) => (check(), data.delete(prefix + key), Promise.resolve()),
      batch: (operations: readonly StorageOperation[]) => {
        check();
        for (const op of operations) {
          if (op.type === "set") data.set(prefix + op.key, op.value);
          else data.delete(prefix + op.key);
        }
        return Promise.resolve();
      },
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    });
  }
  storedItems(): number {
    return [...this.data.keys()].filter((k) => /\/\d+$/.test(k)).length;
  }
}

export function hostWith(extensions: Record<string, Component>): ReturnType<typeof nopHost> {
  return nopHost(new Map(Object.entries(extensions).map(([k, v]) => [ID.parse(k).toString(), v])));
}

export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls `condition` every 5ms for at most `ms`; throws naming `what` on timeout. */
export async function waitFor(condition: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
