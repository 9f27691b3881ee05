/**
 * Identity, kinds, stability levels, the lifecycle and the settings shared by every denocol
 * component, plus the internal telemetry (logger, meter, Prometheus registry) components report
 * through.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { ID, newComponent } from "@denocol/component";
 *
 * const id = ID.parse("otlp/internal");
 * assert.deepEqual([id.type, id.name], ["otlp", "internal"]);
 *
 * let stopped = 0;
 * const component = newComponent({ shutdown: () => void stopped++ });
 * await component.shutdown(); // safe even though start never ran
 * await component.shutdown(); // and the hook runs once
 * assert.equal(stopped, 1);
 * ```
 *
 * @module
 */

export {
  ID,
  IDError,
  type Kind,
  KINDS,
  type Signal,
  SIGNALS,
  STABILITY_LEVELS,
  type StabilityLevel,
} from "./id.ts";
export {
  type Attributes,
  type AttributeValue,
  type Counter,
  type Gauge,
  type InstrumentKind,
  type InstrumentOptions,
  type InstrumentSnapshot,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogRecordEvent,
  type Meter,
  MetricsRegistry,
  newLogger,
  nopLogger,
  nopMeter,
  type SeriesSnapshot,
  type TelemetrySettings,
  type UpDownCounter,
  writeAllSync,
  writeStderr,
} from "./telemetry.ts";
export {
  type BuildInfo,
  type Component,
  guardLifecycle,
  type Host,
  type LifecycleHooks,
  newComponent,
  type Settings,
} from "./lifecycle.ts";
export {
  type BaseFactory,
  checkStability,
  type ConfigOption,
  isConfigOption,
  newBaseFactory,
  newSignalFactory,
  newStableSignalFactory,
  type SignalFactory,
  SignalNotSupportedError,
  type SignalOption,
  signalOption,
  type SignalOptionOf,
  type Signature,
  type SignatureFunc,
  type SignatureMap,
  type StableSignalMembers,
  stableSignalMembers,
  withUnmarshalConfig,
  withValidateConfig,
} from "./factory.ts";
export { SharedComponents, type SharedHandle } from "./shared.ts";
export {
  COMPONENT_STATUSES,
  type ComponentStatus,
  reportStatus,
  type StatusEvent,
  type StatusReportingHost,
} from "./status.ts";
export {
  type Headroom,
  isMemoryRefusal,
  LARGE_POOL_SHARE,
  LARGE_REQUEST_BYTES,
  LARGEST_REQUEST_SHARE,
  MemoryBudget,
  type MemoryLimitSource,
  type MemoryRefusal,
  type MemoryReservation,
  processMemoryBudget,
} from "./memory_budget.ts";
