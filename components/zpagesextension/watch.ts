// What the page asks to see of the data itself, kept only while someone looks: recent samples of
// a pipeline and flame graphs of profiles. Each is a tap on a pipeline's entry opened by the
// first request and closed when no request has come for a while, with bounded memory.

import type { PipelineTap, ServiceIntrospection } from "@denocol/extension";
import type { SignalDescriptor } from "@denocol/pdata";
import type { Profiles } from "@denocol/pdata-experimental";
import { FlameGraphs, type ServiceFlameGraph } from "./flame.ts";

/** One request seen entering a pipeline. */
export interface Sample {
  /** When it arrived (ms since the epoch). */
  receivedMs: number;
  /** Items (spans, points, records, samples) in the request. */
  items: number;
  /** Items shown in `json`: at most {@linkcode WatchOptions.maxItems}. */
  shownItems: number;
  /** The first items as OTLP/JSON, cut at {@linkcode WatchOptions.maxJsonBytes}. */
  json: string;
  /** Whether `json` was cut. */
  truncated: boolean;
}

/** Bounds of what is kept. */
export interface WatchOptions {
  /** A tap closes this long after the last request for it; default 30 s. */
  readonly idleMs?: number;
  /** Samples kept per pipeline; default 10. */
  readonly maxSamples?: number;
  /** Items kept per sample; default 20. */
  readonly maxItems?: number;
  /** Characters of JSON kept per sample; default 16 KiB. */
  readonly maxJsonBytes?: number;
}

interface OpenTap {
  readonly tap: PipelineTap;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The taps the page has opened. */
export class PipelineWatch {
  readonly #introspection: ServiceIntrospection;
  readonly #idleMs: number;
  readonly #maxSamples: number;
  readonly #maxItems: number;
  readonly #maxJson: number;
  readonly #samples = new Map<string, Sample[]>();
  readonly #taps = new Map<string, OpenTap>();
  readonly #flames = new FlameGraphs();
  #closed = false;

  /**
   * Watches nothing until the page asks.
   *
   * @param introspection The service to tap.
   * @param options Bounds.
   */
  constructor(introspection: ServiceIntrospection, options: WatchOptions = {}) {
    this.#introspection = introspection;
    this.#idleMs = options.idleMs ?? 30_000;
    this.#maxSamples = options.maxSamples ?? 10;
    this.#maxItems = options.maxItems ?? 20;
    this.#maxJson = options.maxJsonBytes ?? 16 * 1024;
  }

  /** Pipelines tapped now. */
  tapped(): string[] {
    return [...this.#taps.keys()];
  }

  /**
   * The recent samples of `pipeline`, the newest first; starts watching it (or keeps it
   * watched). Throws a `RangeError` for an unknown pipeline.
   */
  samples(pipeline: string): Sample[] {
    this.#keep(
      `samples:${pipeline}`,
      pipeline,
      (data, signal) => this.#sample(pipeline, data, signal),
    );
    return [...(this.#samples.get(pipeline) ?? [])].reverse();
  }

  /** The flame graphs of the latest profiles per service; starts watching profiles pipelines. */
  flameGraphs(): ServiceFlameGraph[] {
    for (const pipeline of this.#introspection.pipelines()) {
      if (pipeline.signal !== "profiles") continue;
      this.#keep(`profiles:${pipeline.id}`, pipeline.id, (data, signal) => {
        // A copy, so that reading it never disturbs the data the pipeline goes on with.
        this.#flames.add(signal.decodeProto(signal.encodeProto(data)) as Profiles);
      });
    }
    return this.#flames.graphs();
  }

  /** Closes every tap. */
  close(): void {
    this.#closed = true;
    for (const key of [...this.#taps.keys()]) this.#close(key);
  }

  #keep(
    key: string,
    pipeline: string,
    listener: (data: unknown, signal: SignalDescriptor) => void,
  ): void {
    if (this.#closed) return;
    let open = this.#taps.get(key);
    if (open === undefined) {
      open = { tap: this.#introspection.tapPipeline(pipeline, listener), timer: undefined };
      this.#taps.set(key, open);
    }
    clearTimeout(open.timer);
    open.timer = setTimeout(() => this.#close(key), this.#idleMs);
  }

  #close(key: string): void {
    const open = this.#taps.get(key);
    if (open === undefined) return;
    clearTimeout(open.timer);
    open.tap.close();
    this.#taps.delete(key);
    if (key.startsWith("samples:")) this.#samples.delete(key.slice("samples:".length));
  }

  #sample(pipeline: string, data: unknown, signal: SignalDescriptor): void {
    const items = signal.count(data);
    const copy = signal.decodeProto(signal.encodeProto(data));
    const shown = signal.split(copy, this.#maxItems)[0] ?? copy;
    let json = signal.encodeJson(shown);
    const truncated = json.length > this.#maxJson;
    if (truncated) json = json.slice(0, this.#maxJson);
    let ring = this.#samples.get(pipeline);
    if (ring === undefined) this.#samples.set(pipeline, ring = []);
    ring.push({
      receivedMs: Date.now(),
      items,
      shownItems: signal.count(shown),
      json,
      truncated,
    });
    if (ring.length > this.#maxSamples) ring.shift();
  }
}
