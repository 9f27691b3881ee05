import type { ID, Kind } from "./id.ts";
import type { TelemetrySettings } from "./telemetry.ts";

/**
 * What the collector gives a component while it runs: access to the configured extensions and
 * a way to stop the collector when the component cannot go on.
 */
export interface Host {
  /** The started extension with this ID, if one is configured. */
  getExtension(id: ID): Component | undefined;
  /** Every started extension, keyed by its ID as text (`type` or `type/name`). */
  extensions(): ReadonlyMap<string, Component>;
  /**
   * Reports an error after which the component cannot work; the collector shuts down. Errors
   * during `start` are reported by rejecting instead.
   */
  reportFatalError(error: Error): void;
}

/**
 * The lifecycle every component has. The collector calls `start` once before any data flows and
 * `shutdown` once at the end; `shutdown` is also called when `start` failed or was never called,
 * so it must release whatever the constructor acquired. {@linkcode newComponent} and
 * {@linkcode guardLifecycle} give both guarantees to any implementation.
 */
export interface Component {
  /** Acquires resources (listeners, timers, connections); rejects if the component cannot run. */
  start(host: Host): Promise<void>;
  /** Releases every resource; resolves once the component has stopped. */
  shutdown(): Promise<void>;
}

/** Name, description and version of the collector binary, as reported in telemetry. */
export interface BuildInfo {
  /** Executable name, such as `otelcol`. */
  command: string;
  /** One-line description of the distribution. */
  description: string;
  /** Version of the distribution. */
  version: string;
}

/** Everything a factory needs to know to create one component instance. */
export interface Settings {
  /** The configured ID of the instance. */
  id: ID;
  /** The kind of component being created. */
  kind: Kind;
  /** Logger and meter for the instance's own telemetry. */
  telemetry: TelemetrySettings;
  /** Version information of the running collector. */
  buildInfo: BuildInfo;
}

/** Start and shutdown hooks given to {@linkcode newComponent}; both optional. */
export interface LifecycleHooks {
  /** Runs on the first `start`. */
  start?: (host: Host) => void | Promise<void>;
  /** Runs on the first `shutdown`, after any `start` in progress has settled. */
  shutdown?: () => void | Promise<void>;
}

/**
 * Makes a component's lifecycle safe: the first `start` runs the hook and later calls return the
 * same outcome; `shutdown` runs its hook exactly once, waits for a `start` in progress, works when
 * `start` failed or never ran, and later calls return the same outcome. A `start` after
 * `shutdown` rejects.
 */
export function newComponent(hooks: LifecycleHooks = {}): Component {
  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  return {
    start(host: Host): Promise<void> {
      if (stopped !== undefined) {
        return Promise.reject(new Error("component cannot start: it has already been shut down"));
      }
      started ??= (async () => {
        await hooks.start?.(host);
      })();
      return started;
    },
    shutdown(): Promise<void> {
      stopped ??= (async () => {
        if (started !== undefined) await started.catch(() => {});
        await hooks.shutdown?.();
      })();
      return stopped;
    },
  };
}

/**
 * Wraps `component` so that its `start` and `shutdown` have the guarantees of
 * {@linkcode newComponent}. Other members of `component` are kept: the result is `component`
 * itself with `start` and `shutdown` replaced.
 */
export function guardLifecycle<T extends Component>(component: T): T {
  const originalStart = component.start.bind(component);
  const originalShutdown = component.shutdown.bind(component);
  const guarded = newComponent({ start: originalStart, shutdown: originalShutdown });
  component.start = guarded.start;
  component.shutdown = guarded.shutdown;
  return component;
}
