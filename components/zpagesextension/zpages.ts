// The running `zpages` extension: the status page and the JSON it reads, from the service's
// introspection, on an HTTP server of its own.

import type { Host, Settings } from "@denocol/component";
import {
  type RunningServer,
  serveHttpConfig,
  type ServerRequest,
  type ServerResponse,
} from "@denocol/config";
import { type Extension, introspectionOf, type ServiceIntrospection } from "@denocol/extension";
import type { ZPagesConfig } from "./config.ts";
import { nodeCounters } from "./counters.ts";
import { PAGE_HTML } from "./page.ts";
import { PipelineWatch, type WatchOptions } from "./watch.ts";

/** Paths that show the status page (Go's zPages routes land on it too). */
export const PAGE_PATHS: readonly string[] = [
  "/",
  "/debug/servicez",
  "/debug/pipelinez",
  "/debug/extensionz",
  "/debug/featurez",
];

/** The `zpages` extension. */
export class ZPagesExtension implements Extension {
  readonly #settings: Settings;
  readonly #config: ZPagesConfig;
  readonly #watchOptions: WatchOptions;
  #introspection: ServiceIntrospection | undefined;
  #watch: PipelineWatch | undefined;
  #server: RunningServer | undefined;

  /**
   * The extension; nothing is served until it starts.
   *
   * @param settings The extension's settings.
   * @param config A validated configuration.
   * @param watchOptions Bounds of samples and flame graphs (tests shorten them).
   */
  constructor(settings: Settings, config: ZPagesConfig, watchOptions: WatchOptions = {}) {
    this.#settings = settings;
    this.#config = config;
    this.#watchOptions = watchOptions;
  }

  /** The address served, once started. */
  get address(): { hostname: string; port: number } | undefined {
    return this.#server && { hostname: this.#server.hostname, port: this.#server.port };
  }

  /** Starts serving; without a service behind the host the API answers 503. */
  async start(host: Host): Promise<void> {
    this.#introspection = introspectionOf(host);
    if (this.#introspection !== undefined) {
      this.#watch = new PipelineWatch(this.#introspection, this.#watchOptions);
    }
    this.#server = await serveHttpConfig(
      this.#config,
      `extensions::${this.#settings.id}`,
      (request) => Promise.resolve(this.#answer(request)),
    );
    this.#settings.telemetry.logger.info("Starting zPages extension", {
      url: `http://${this.#server.hostname}:${this.#server.port}/`,
    });
  }

  /** Closes every tap and stops serving. */
  async shutdown(): Promise<void> {
    this.#watch?.close();
    await this.#server?.close(1000);
  }

  #answer(request: ServerRequest): ServerResponse {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return { ...text(405, "method not allowed\n"), headers: { allow: "GET, HEAD" } };
    }
    if (PAGE_PATHS.includes(request.path)) {
      return {
        status: 200,
        headers: {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          // Everything the page needs is in the page; nothing may be loaded from elsewhere.
          "content-security-policy":
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " +
            "connect-src 'self'; img-src 'self' data:",
        },
        body: PAGE_HTML,
      };
    }
    if (request.path === "/debug/expvarz" && this.#config.expvar.enabled) {
      return json(200, { memstats: Deno.memoryUsage(), cmdline: Deno.args, pid: Deno.pid });
    }
    const view = this.#introspection;
    const watch = this.#watch;
    if (!request.path.startsWith("/debug/api/")) {
      return text(404, `not found; the status page is at /\n`);
    }
    if (view === undefined || watch === undefined) {
      return text(503, "no service to describe: the host gives no introspection\n");
    }
    const route = request.path.slice("/debug/api/".length);
    switch (route) {
      case "overview":
        return json(200, {
          buildInfo: view.buildInfo,
          startedAtMs: view.startedAtMs,
          state: view.state(),
          pipelines: view.pipelines(),
          extensions: view.extensions(),
          connectors: [
            ...new Set(
              view.componentStatus().filter((s) => s.kind === "connector").map((s) => s.id),
            ),
          ],
          status: view.componentStatus(),
          featureGates: view.featureGates(),
        });
      case "metrics": {
        const memory = Deno.memoryUsage();
        return json(200, {
          state: view.state(),
          uptimeMs: Date.now() - view.startedAtMs,
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          nodes: nodeCounters(view.metrics(), view.pipelines()),
          status: view.componentStatus(),
        });
      }
      case "config":
        return json(200, view.effectiveConfig());
      case "profiles":
        return json(200, { graphs: watch.flameGraphs() });
    }
    if (route.startsWith("samples/")) {
      const pipeline = decodeURIComponent(route.slice("samples/".length));
      try {
        return json(200, { pipeline, samples: watch.samples(pipeline) });
      } catch (error) {
        return text(404, `${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    return text(404, `not found: ${request.path}\n`);
  }
}

function json(status: number, body: unknown): ServerResponse {
  return {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}

function text(status: number, body: string): ServerResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}
