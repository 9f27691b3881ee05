import type { Host, Logger, Settings } from "@denocol/component";
import { isPermanent, PermanentError, RetryableError, retryAfterOf } from "@denocol/consumer";
import type { SignalDescriptor } from "@denocol/pdata";
import { Backend } from "./backend.ts";
import { backendConfig, endpointWithPort, type LoadBalancingConfig } from "./config.ts";
import { HashRing } from "./ring.ts";
import type { Resolver } from "./resolver.ts";
import type { Split } from "./routing.ts";
import type { LoadBalancerTelemetry } from "./telemetry.ts";

/** What a {@linkcode LoadBalancer} works with. */
export interface LoadBalancerOptions<T> {
  /** The exporter's settings. */
  settings: Settings;
  /** The exporter's configuration (checked). */
  config: LoadBalancingConfig;
  /** Config path of the exporter, such as `exporters::loadbalancing`. */
  path: string;
  /** The signal. */
  signal: SignalDescriptor<T>;
  /** How data is split by backend (the routing key). */
  split: Split<T>;
  /** Where the backends come from. */
  resolver: Resolver;
  /** The `otelcol_loadbalancer_*` instruments. */
  telemetry: LoadBalancerTelemetry;
  /** The backends' drain time when the host announces no deadline, ms. */
  drainTimeoutMs?: number;
}

/** The ring and the backend of each of its endpoints, swapped as one. */
interface Routes<T> {
  ring: HashRing;
  backends: ReadonlyMap<string, Backend<T>>;
}

/**
 * Routes each request to the backends owning its routing keys on the consistent hashing ring,
 * one exporter (and queue) per backend, and follows the resolver: a new backend is started
 * before the ring sends it anything, and a removed one is retired after the ring has stopped
 * sending it anything, its queued requests routed again by the new ring.
 */
export class LoadBalancer<T> {
  readonly #options: LoadBalancerOptions<T>;
  readonly #logger: Logger;
  #routes: Routes<T> = { ring: new HashRing([]), backends: new Map() };
  /** Backends being retired, by endpoint with port, and when they will have stopped. */
  readonly #retiring = new Map<string, { backend: Backend<T>; stopped: Promise<void> }>();
  #host: Host | undefined;
  #stopping = false;

  constructor(options: LoadBalancerOptions<T>) {
    this.#options = options;
    this.#logger = options.settings.telemetry.logger;
  }

  /** The endpoints in the ring now. */
  get endpoints(): readonly string[] {
    return this.#routes.ring.endpoints;
  }

  /** Starts the resolver, whose first list of backends is in the ring once this resolves. */
  async start(host: Host): Promise<void> {
    this.#host = host;
    await this.#options.resolver.start((endpoints) => this.#update(endpoints));
  }

  /** Follows a new list of backends. */
  async #update(endpoints: string[]): Promise<void> {
    if (this.#stopping) return;
    const current = this.#routes;
    const backends = new Map<string, Backend<T>>();
    const keys = new Set<string>();
    for (const endpoint of endpoints) {
      // `gw` and `gw:4317` are one backend.
      if (keys.has(endpointWithPort(endpoint))) continue;
      keys.add(endpointWithPort(endpoint));
      const existing = current.backends.get(endpoint);
      if (existing !== undefined) {
        backends.set(endpoint, existing);
        continue;
      }
      const backend = await this.#startBackend(endpoint);
      if (backend !== undefined) backends.set(endpoint, backend);
    }
    if (this.#stopping) {
      await Promise.all([...backends.values()].map((b) => b.shutdown()));
      return;
    }
    this.#routes = { ring: new HashRing(backends.keys()), backends };
    for (const [endpoint, backend] of current.backends) {
      if (backends.has(endpoint)) continue;
      this.#logger.info("Backend removed; its queued requests are routed again", { endpoint });
      const key = endpointWithPort(endpoint);
      const retiring = {
        backend,
        stopped: backend.retire().catch((error) => {
          this.#logger.error("Retired backend did not stop cleanly", {
            endpoint,
            error: (error as Error).message,
          });
        }).finally(() => {
          if (this.#retiring.get(key) === retiring) this.#retiring.delete(key);
        }),
      };
      this.#retiring.set(key, retiring);
    }
  }

  /** Creates and starts the exporter of a new backend; `undefined` (logged) if it cannot. */
  async #startBackend(endpoint: string): Promise<Backend<T> | undefined> {
    const { settings, config, path, signal, drainTimeoutMs } = this.#options;
    const key = endpointWithPort(endpoint);
    try {
      // A backend that comes back while its retired exporter is still handing requests back
      // would share that exporter's persistent queue: wait for it to let go.
      if (config.protocol.otlp.sending_queue.storage) await this.#retiring.get(key)?.stopped;
      const backend = new Backend<T>({
        endpoint: key,
        settings,
        config: backendConfig(config, endpoint),
        signal,
        path: `${path}::protocol::otlp`,
        reroute: (data, abort) => this.route(data, abort),
        drainTimeoutMs,
      });
      await backend.start(this.#host!);
      this.#logger.info("Backend added", { endpoint: key });
      return backend;
    } catch (error) {
      this.#logger.error("Failed to start the exporter of a backend; it gets no data", {
        endpoint: key,
        error: (error as Error).message,
      });
      return undefined;
    }
  }

  /**
   * Splits `data` by the ring and hands each part to its backend; resolves once every part
   * was accepted (queued). A part a backend refuses (its queue full, or it was just retired
   * and stopped) makes the whole call fail, retryable unless every refusal is permanent.
   */
  async route(data: T, abort?: AbortSignal): Promise<void> {
    const { signal, split, settings, telemetry } = this.#options;
    if (signal.count(data) === 0) return;
    const routes = this.#routes;
    const ring = routes.ring;
    if (ring.size === 0) {
      throw new RetryableError(`exporter ${settings.id}: no backends are known yet`);
    }
    let parts: Map<string, T>;
    if (ring.size === 1) {
      // One backend takes everything: the data need not be read.
      parts = new Map([[ring.endpoints[0], data]]);
    } else {
      try {
        parts = split(data, (key) => ring.endpointFor(key)!);
      } catch (error) {
        throw new PermanentError(
          `exporter ${settings.id}: cannot route the ${signal.name}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      // Everything goes to one backend: send the data as it came.
      if (parts.size === 1) parts = new Map([[parts.keys().next().value!, data]]);
    }
    const failures: unknown[] = [];
    await Promise.all([...parts].map(async ([endpoint, part]) => {
      const backend = routes.backends.get(endpoint)!;
      const started = performance.now();
      try {
        await backend.consume(part, abort ? { signal: abort } : {});
        telemetry.outcome(backend.endpoint, performance.now() - started, true);
      } catch (error) {
        telemetry.outcome(backend.endpoint, performance.now() - started, false);
        // Retired and stopped between the choice of the ring and the call: the new ring
        // takes the part.
        if (backend.retired && !this.#stopping && this.#routes !== routes) {
          try {
            await this.route(part, abort);
            return;
          } catch (again) {
            failures.push(again);
            return;
          }
        }
        failures.push(error);
      }
    }));
    if (failures.length === 0) return;
    const message = failures.map((f) => (f as Error)?.message ?? String(f)).join("; ");
    if (failures.every(isPermanent)) throw new PermanentError(message, { cause: failures[0] });
    const hints = failures.map(retryAfterOf).filter((h): h is number => h !== undefined);
    throw new RetryableError(message, {
      cause: failures[0],
      retryAfterMs: hints.length > 0 ? Math.max(...hints) : undefined,
    });
  }

  /**
   * Stops the resolver, then every backend: each drains its queue to its backend within the
   * drain time, and backends being retired stop handing requests back.
   */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    await this.#options.resolver.shutdown();
    const backends = [
      ...this.#routes.backends.values(),
      ...[...this.#retiring.values()].map((retiring) => retiring.backend),
    ];
    await Promise.all(backends.map((backend) => backend.shutdown()));
  }
}
