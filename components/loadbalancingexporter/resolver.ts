import type { Logger } from "@denocol/component";
import { isIP } from "node:net";
import type { DnsSettings } from "./config.ts";
import type { LoadBalancerTelemetry, ResolverName } from "./telemetry.ts";

/** Told the new list of backend endpoints (sorted) each time it changes. */
export type OnBackendsChange = (endpoints: string[]) => Promise<void>;

/** Where the backends come from. */
export interface Resolver {
  /** `static` or `dns`, the `resolver` attribute of the metrics. */
  readonly name: ResolverName;
  /**
   * Finds the backends a first time (telling `onChange` before it resolves) and keeps watching
   * them, telling `onChange` of every change; changes are told one at a time.
   */
  start(onChange: OnBackendsChange): Promise<void>;
  /** Stops watching; resolves once no change is being told any more. */
  shutdown(): Promise<void>;
}

/** The fixed list of `resolver.static`: told once, at start. */
export class StaticResolver implements Resolver {
  readonly name = "static";
  readonly #endpoints: string[];
  readonly #telemetry: LoadBalancerTelemetry;

  /** @param endpoints `resolver.static.hostnames` as configured. */
  constructor(endpoints: readonly string[], telemetry: LoadBalancerTelemetry) {
    this.#endpoints = [...new Set(endpoints)].sort();
    this.#telemetry = telemetry;
  }

  async start(onChange: OnBackendsChange): Promise<void> {
    this.#telemetry.resolution(this.name, true);
    this.#telemetry.backendsChanged(this.name, this.#endpoints.length);
    await onChange([...this.#endpoints]);
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A DNS server to ask instead of the system's (from `/etc/resolv.conf`). */
export interface NameServer {
  /** Its IP address. */
  ipAddr: string;
  /** Its UDP and TCP port; default 53. */
  port?: number;
}

/** What a {@linkcode DnsResolver} needs besides `resolver.dns`. */
export interface DnsResolverOptions {
  /** The exporter's logger. */
  logger: Logger;
  /** The exporter's `otelcol_loadbalancer_*` instruments. */
  telemetry: LoadBalancerTelemetry;
  /** Ask this server rather than the system's resolvers. */
  nameServer?: NameServer;
}

/**
 * `resolver.dns`: the backends are the addresses (A and AAAA records) of a name, each with the
 * configured port, resolved at start and then every `interval`. As in the Go exporter, a
 * resolution that fails or finds no address leaves the backends as they were (a DNS outage
 * must not empty the tier), and only a changed list is told.
 *
 * Names are resolved with `Deno.resolveDns`, which asks the DNS servers of `/etc/resolv.conf`
 * (in Kubernetes, the cluster DNS, with the pod's search domains) and does not read
 * `/etc/hosts`.
 */
export class DnsResolver implements Resolver {
  readonly name = "dns";
  readonly #settings: DnsSettings;
  readonly #options: DnsResolverOptions;
  #endpoints: string[] = [];
  #onChange: OnBackendsChange | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  readonly #stopped = new AbortController();

  /** @param settings The checked `resolver.dns` section. */
  constructor(settings: DnsSettings, options: DnsResolverOptions) {
    this.#settings = settings;
    this.#options = options;
  }

  /** The endpoints of the last successful resolution. */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  async start(onChange: OnBackendsChange): Promise<void> {
    this.#onChange = onChange;
    this.#running = this.#resolveOnce();
    await this.#running;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped.signal.aborted) return;
    // The next resolution is counted from the end of this one, so they never overlap.
    this.#timer = setTimeout(() => {
      this.#running = this.#resolveOnce().finally(() => this.#schedule());
    }, this.#settings.intervalMs);
  }

  async shutdown(): Promise<void> {
    this.#stopped.abort();
    clearTimeout(this.#timer);
    await this.#running.catch(() => {});
  }

  /** Resolves the name once and tells a changed list. */
  async #resolveOnce(): Promise<void> {
    const { hostname, port, timeoutMs } = this.#settings;
    const { logger, telemetry } = this.#options;
    let addresses: string[];
    try {
      addresses = await this.#lookup(hostname, timeoutMs);
    } catch (error) {
      if (this.#stopped.signal.aborted) return;
      telemetry.resolution(this.name, false);
      logger.warn("DNS resolution of the backends failed; the backends stay as they were", {
        hostname,
        error: (error as Error).message,
        backends: this.#endpoints.length,
      });
      return;
    }
    if (this.#stopped.signal.aborted) return;
    telemetry.resolution(this.name, true);
    const endpoints = [
      ...new Set(addresses.map((ip) => isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`)),
    ].sort();
    if (
      endpoints.length === this.#endpoints.length &&
      endpoints.every((endpoint, i) => endpoint === this.#endpoints[i])
    ) return;
    this.#endpoints = endpoints;
    telemetry.backendsChanged(this.name, endpoints.length);
    logger.info("Backends changed", { hostname, backends: endpoints.join(",") });
    await this.#onChange?.(endpoints);
  }

  /** The A and AAAA addresses of `hostname`; throws when there is none or both queries fail. */
  async #lookup(hostname: string, timeoutMs: number): Promise<string[]> {
    if (isIP(hostname) !== 0) return [hostname];
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#stopped.signal]);
    const options = {
      signal,
      ...(this.#options.nameServer ? { nameServer: this.#options.nameServer } : {}),
    };
    const answers = await Promise.allSettled([
      Deno.resolveDns(hostname, "A", options),
      Deno.resolveDns(hostname, "AAAA", options),
    ]);
    const addresses: string[] = [];
    let failure: unknown;
    for (const answer of answers) {
      if (answer.status === "fulfilled") addresses.push(...answer.value);
      // A family without records is a normal answer (most names have no AAAA records).
      else if (!(answer.reason instanceof Deno.errors.NotFound)) failure ??= answer.reason;
    }
    if (addresses.length > 0) return addresses;
    if (signal.aborted && !this.#stopped.signal.aborted) {
      throw new Error(`no answer within the timeout of ${timeoutMs}ms`);
    }
    throw failure ?? new Error(`${hostname} has no A or AAAA records`);
  }
}
