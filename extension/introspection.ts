import type {
  BuildInfo,
  ComponentStatus,
  Host,
  InstrumentSnapshot,
  Kind,
} from "@denocol/component";
import type { SignalDescriptor } from "@denocol/pdata";

// What the service tells extensions about itself: the pipelines, each component's status, the
// internal metrics, the feature gates and the effective configuration. Extensions that show the
// collector to people (`zpages`) or to orchestrators (`health_check`) read it through the host.

/** One pipeline of `service.pipelines`, its components named by ID as text. */
export interface PipelineView {
  /** The pipeline ID, such as `traces/2`. */
  readonly id: string;
  /** Its signal. */
  readonly signal: string;
  /** What the signal's items are called in metric names: `spans`, `metric_points`, … */
  readonly itemName: string;
  /** Receivers and connectors feeding it, in configuration order. */
  readonly receivers: readonly string[];
  /** Processors, in order. */
  readonly processors: readonly string[];
  /** Exporters and connectors it sends to, in configuration order. */
  readonly exporters: readonly string[];
}

/** The status of one component instance. */
export interface ComponentStatusView {
  /** The component's kind. */
  readonly kind: Kind;
  /** Its ID as text. */
  readonly id: string;
  /** Its signal (a connector's exporter side); absent for extensions. */
  readonly signal?: string;
  /** A connector's receiver-side signal. */
  readonly outputSignal?: string;
  /** A processor's pipeline. */
  readonly pipeline?: string;
  /** The status last reported. */
  readonly status: ComponentStatus;
  /** When that status was first reported (ms since the epoch). */
  readonly sinceMs: number;
  /** The error of the last error report, when the status is an error. */
  readonly error?: string;
  /**
   * When the component started failing: its first error report since it was last `ok`;
   * absent while it is not failing.
   */
  readonly failingSinceMs?: number;
  /** Error reports since it was last `ok` (failed attempts, for an exporter). */
  readonly failures: number;
}

/** A feature gate and its state. */
export interface FeatureGateView {
  /** The gate's ID. */
  readonly id: string;
  /** What it turns on. */
  readonly description: string;
  /** `alpha`, `beta`, `stable` or `deprecated`. */
  readonly stage: string;
  /** Whether it is on. */
  readonly enabled: boolean;
}

/** Where the service is in its life. */
export type ServiceState = "starting" | "running" | "stopping";

/** Sees the data entering a pipeline until closed. */
export interface PipelineTap {
  /** Stops watching. */
  close(): void;
}

/**
 * Called with each request entering a tapped pipeline, before the pipeline's first processor.
 * It must read `data` at once (copy or encode what it keeps) and never change it: the pipeline
 * goes on with the same value.
 */
export type TapListener = (data: unknown, signal: SignalDescriptor) => void;

/** What the service tells extensions about itself. */
export interface ServiceIntrospection {
  /** Name and version of the running collector. */
  readonly buildInfo: BuildInfo;
  /** When the service started (ms since the epoch). */
  readonly startedAtMs: number;
  /** Where the service is in its life. */
  state(): ServiceState;
  /** The pipelines, in configuration order. */
  pipelines(): PipelineView[];
  /** The IDs of the configured extensions, in start order. */
  extensions(): string[];
  /** The status of every component instance, extensions first. */
  componentStatus(): ComponentStatusView[];
  /** The current value of every internal metric of this process. */
  metrics(): InstrumentSnapshot[];
  /** The feature gates and whether each is on. */
  featureGates(): FeatureGateView[];
  /**
   * The configuration running, with every component's defaults filled in, as plain values;
   * secrets (passwords, tokens, keys, header values) are replaced by `[REDACTED]`.
   */
  effectiveConfig(): Record<string, unknown>;
  /**
   * Calls `listener` with each request entering pipeline `pipeline` until the tap is closed.
   * Costs nothing while no tap is open. Throws a `RangeError` for an unknown pipeline.
   */
  tapPipeline(pipeline: string, listener: TapListener): PipelineTap;
}

/** A host that can tell about the service running it. */
export interface IntrospectingHost extends Host {
  /** The service's view of itself. */
  readonly introspection: ServiceIntrospection;
}

/** The service's view of itself from `host`, or `undefined` when the host does not give one. */
export function introspectionOf(host: Host): ServiceIntrospection | undefined {
  const candidate = (host as Partial<IntrospectingHost>).introspection;
  return typeof candidate === "object" && candidate !== null ? candidate : undefined;
}
