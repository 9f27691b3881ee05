import { guardLifecycle } from "./lifecycle.ts";
import type { Component, Host } from "./lifecycle.ts";

/**
 * One user's view of a component shared by several signals: starting it starts the shared
 * component (once); the shared component shuts down when every handle made for it has shut down.
 */
export interface SharedHandle<S extends Component> extends Component {
  /** The shared component, for signal-specific wiring such as registering a consumer. */
  readonly shared: S;
}

interface Entry<S extends Component> {
  component: S;
  open: number;
}

/**
 * Keeps one component per key (usually the component ID or its config) so that the instances a
 * factory creates for several signals share it, as a receiver serving traces, metrics and logs on
 * one port does.
 *
 * ```ts
 * import { newComponent, SharedComponents } from "@denocol/component";
 *
 * const servers = new SharedComponents<string, ReturnType<typeof newComponent>>();
 * const traces = servers.getOrAdd("otlp", () => newComponent());
 * const logs = servers.getOrAdd("otlp", () => newComponent());
 * console.log(traces.shared === logs.shared); // true
 * ```
 */
export class SharedComponents<K, S extends Component> {
  readonly #entries = new Map<K, Entry<S>>();

  /**
   * A handle on the component for `key`, creating the component with `create` if there is none
   * (or if the previous one has shut down). Its lifecycle is guarded as by `guardLifecycle`.
   */
  getOrAdd(key: K, create: () => S): SharedHandle<S> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { component: guardLifecycle(create()), open: 0 };
      this.#entries.set(key, entry);
    }
    const current = entry;
    current.open++;
    let closed: Promise<void> | undefined;
    return {
      shared: current.component,
      start: (host: Host) => current.component.start(host),
      shutdown: () => {
        closed ??= (async () => {
          current.open--;
          if (current.open > 0) return;
          if (this.#entries.get(key) === current) this.#entries.delete(key);
          await current.component.shutdown();
        })();
        return closed;
      },
    };
  }

  /** Number of keys with a live shared component. */
  get size(): number {
    return this.#entries.size;
  }
}
