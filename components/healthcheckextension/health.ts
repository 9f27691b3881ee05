// The running `health_check` extension: answers probes from what the service says about its
// pipelines (ready or not) and its components' status (failing exporters, fatal errors).

import type { Host, Settings } from "@denocol/component";
import {
  formatDuration,
  parseConfigDuration,
  type RunningServer,
  serveHttpConfig,
  type ServerRequest,
  type ServerResponse,
} from "@denocol/config";
import {
  type ComponentStatusView,
  type Extension,
  introspectionOf,
  type PipelineWatcher,
  type ServiceIntrospection,
} from "@denocol/extension";
import { type HealthCheckConfig, TYPE } from "./config.ts";

/** Path of the liveness answer (Kubernetes `livenessProbe`). */
export const LIVENESS_PATH = "/livez";
/** Path of the readiness answer (Kubernetes `readinessProbe`). */
export const READINESS_PATH = "/readyz";

/** A component named in an unhealthy answer. */
export interface FailingComponent {
  /** `exporter`, `receiver`, … */
  readonly kind: string;
  /** Its ID. */
  readonly id: string;
  /** Its signal, when it has one. */
  readonly signal?: string;
  /** Its status. */
  readonly status: string;
  /** The last error it reported. */
  readonly error?: string;
  /** How long it has been failing, as a Go duration. */
  readonly failing_for?: string;
  /** Failed attempts since it last succeeded. */
  readonly failures: number;
}

/** The JSON answer of the health path. */
export interface HealthBody {
  /** `Server available` or `Server not available`, as the Go extension says. */
  readonly status: string;
  /** When the extension started, RFC 3339. */
  readonly upSince: string;
  /** Time since then, as a Go duration. */
  readonly uptime: string;
  /** Whether every pipeline has started and none is stopping. */
  readonly ready: boolean;
  /** Components that make the collector unhealthy. */
  readonly failing: readonly FailingComponent[];
}

/** The `health_check` extension. */
export class HealthCheckExtension implements Extension, PipelineWatcher {
  readonly #settings: Settings;
  readonly #config: HealthCheckConfig;
  readonly #windowMs: number;
  readonly #now: () => number;
  #introspection: ServiceIntrospection | undefined;
  #server: RunningServer | undefined;
  #ready = false;
  #upSince = 0;

  /**
   * The extension; nothing is served until it starts.
   *
   * @param settings The extension's settings.
   * @param config A validated configuration.
   * @param now The clock (ms since the epoch); tests move it.
   */
  constructor(settings: Settings, config: HealthCheckConfig, now: () => number = Date.now) {
    this.#settings = settings;
    this.#config = config;
    this.#now = now;
    this.#windowMs = parseConfigDuration(
      config.check_collector_pipeline.interval,
      `extensions::${settings.id}::check_collector_pipeline::interval`,
    );
  }

  /** The address served, once started. */
  get address(): { hostname: string; port: number } | undefined {
    return this.#server && { hostname: this.#server.hostname, port: this.#server.port };
  }

  /** Starts serving; the health path answers 503 until the pipelines are ready. */
  async start(host: Host): Promise<void> {
    this.#introspection = introspectionOf(host);
    this.#upSince = this.#now();
    this.#server = await serveHttpConfig(
      this.#config,
      `extensions::${this.#settings.id}`,
      (request) => Promise.resolve(this.#answer(request)),
    );
    this.#settings.telemetry.logger.info("Starting health_check extension", {
      endpoint: `${this.#server.hostname}:${this.#server.port}`,
      path: this.#config.path,
    });
  }

  /** Every pipeline has started. */
  ready(): void {
    this.#ready = true;
  }

  /** Pipelines are about to stop: readiness fails so that traffic goes elsewhere. */
  notReady(): void {
    this.#ready = false;
  }

  /** Stops serving. */
  async shutdown(): Promise<void> {
    this.#ready = false;
    await this.#server?.close(1000);
  }

  /** The health answer now: its status code and body. */
  health(): { status: 200 | 503; body: HealthBody } {
    const statuses = this.#introspection?.componentStatus() ?? [];
    const failing = statuses.filter((s) => this.#isFailing(s)).map((s) => this.#describe(s));
    const healthy = this.#ready && failing.length === 0;
    const now = this.#now();
    return {
      status: healthy ? 200 : 503,
      body: {
        status: healthy ? "Server available" : "Server not available",
        upSince: new Date(this.#upSince).toISOString(),
        uptime: formatDuration(now - this.#upSince),
        ready: this.#ready,
        failing,
      },
    };
  }

  #isFailing(status: ComponentStatusView): boolean {
    if (status.status === "fatal_error") return true;
    const check = this.#config.check_collector_pipeline;
    if (!check.enabled || status.kind !== "exporter" || status.failingSinceMs === undefined) {
      return false;
    }
    return this.#now() - status.failingSinceMs >= this.#windowMs &&
      status.failures >= check.exporter_failure_threshold;
  }

  #describe(status: ComponentStatusView): FailingComponent {
    return {
      kind: status.kind,
      id: status.id,
      ...(status.signal !== undefined ? { signal: status.signal } : {}),
      status: status.status,
      ...(status.error !== undefined ? { error: status.error } : {}),
      ...(status.failingSinceMs !== undefined
        ? { failing_for: formatDuration(this.#now() - status.failingSinceMs) }
        : {}),
      failures: status.failures,
    };
  }

  #answer(request: ServerRequest): ServerResponse {
    const known = [this.#config.path, LIVENESS_PATH, READINESS_PATH];
    if (!known.includes(request.path)) {
      return text(404, `not found; ${TYPE} answers at ${known.join(", ")}\n`);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return { ...text(405, "method not allowed\n"), headers: { allow: "GET, HEAD" } };
    }
    if (request.path === this.#config.path) return this.#healthAnswer();
    if (request.path === READINESS_PATH) {
      return json(this.#ready ? 200 : 503, { status: this.#ready ? "ready" : "not ready" });
    }
    // Alive unless a component failed fatally: a failing backend is no reason for a restart.
    const fatal = (this.#introspection?.componentStatus() ?? [])
      .filter((s) => s.status === "fatal_error")
      .map((s) => this.#describe(s));
    return json(fatal.length === 0 ? 200 : 503, {
      status: fatal.length === 0 ? "alive" : "fatal error",
      failing: fatal,
    });
  }

  #healthAnswer(): ServerResponse {
    const { status, body } = this.health();
    const custom = this.#config.response_body;
    if (custom !== null) return text(status, status === 200 ? custom.healthy : custom.unhealthy);
    return json(status, body);
  }
}

function json(status: number, body: unknown): ServerResponse {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

function text(status: number, body: string): ServerResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}
