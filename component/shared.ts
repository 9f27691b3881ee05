import { newComponent } from "./lifecycle.ts";
import type { Component, Host } from "./lifecycle.ts";

/**
 * One user's view of a component shared by several pipelines or signals: starting it starts the
 * shared component (once, every user getting the same outcome); the shared component shuts down
 * when the last handle made for it has shut down.
 */
export interface SharedHandle<S extends Component> extends Component {
  /** The shared component, for signal-specific wiring such as registering a consumer. */
  readonly shared: S;
}

interface Entry<S extends Component> {
  component: S;
  /** Handles made and not yet shut down. */
  open: number;
  started?: Promise<void>;
  stopped?: Promise<void>;
}

/**
 * Keeps one component per key (a component ID or a config object) so that the instances a
 * factory creates for several signals or pipelines share it, as a receiver serving traces,
 * metrics and logs on one port does. Each user gets its own {@linkcode SharedHandle}; the
 * collector starts and shuts down every handle, and the shared component runs from the first
 * start to the last shutdown.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newComponent, SharedComponents } from "@denocol/component";
 * import { nopHost } from "@denocol/component/componenttest";
 *
 * let stopped = 0;
 * const servers = new SharedComponents<string, ReturnType<typeof newComponent>>();
 * const make = () => newComponent({ shutdown: () => void stopped++ });
 * const traces = servers.getOrAdd("otlp", make);
 * const logs = servers.getOrAdd("otlp", make);
 * assert.equal(traces.shared, logs.shared);
 * await traces.start(nopHost());
 * await logs.start(nopHost());
 * await traces.shutdown();
 * assert.equal(stopped, 0); // logs still uses it
 * await logs.shutdown();
 * assert.equal(stopped, 1);
 * ```
 */
export class SharedComponents<K, S extends Component> {
  readonly #entries = new Map<K, Entry<S>>();

  /**
   * A handle on the component for `key`, creating the component with `create` if there is none
   * (or if the previous one has shut down). The component is started at most once and shut down
   * once, after its start has settled; it is not wrapped, so it may call its own `shutdown` from
   * a failing `start`. `use`, if given, wires this user into the component (registering a
   * signal, say) before the handle is counted: when it throws, no handle is made, and a component
   * created for this call is shut down and forgotten.
   */
  getOrAdd(key: K, create: () => S, use?: (component: S) => void): SharedHandle<S> {
    let entry = this.#entries.get(key);
    const created = entry === undefined;
    if (entry === undefined) {
      entry = { component: create(), open: 0 };
      this.#entries.set(key, entry);
    }
    const current = entry;
    try {
      use?.(current.component);
    } catch (error) {
      if (created) {
        this.#entries.delete(key);
        stop(current).catch(() => {});
      }
      throw error;
    }
    current.open++;
    const handle = newComponent({
      start: (host) => start(current, host),
      shutdown: async () => {
        current.open--;
        if (current.open > 0) return;
        if (this.#entries.get(key) === current) this.#entries.delete(key);
        await stop(current);
      },
    });
    return { ...handle, shared: current.component };
  }

  /** Number of keys with a live shared component. */
  get size(): number {
    return this.#entries.size;
  }
}

function start<S extends Component>(entry: Entry<S>, host: Host): Promise<void> {
  return entry.started ??= entry.component.start(host);
}

function stop<S extends Component>(entry: Entry<S>): Promise<void> {
  return entry.stopped ??= (async () => {
    if (entry.started !== undefined) await entry.started.catch(() => {});
    await entry.component.shutdown();
  })();
}
