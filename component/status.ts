import type { Host } from "./lifecycle.ts";

/**
 * What a component says about its own health, as the Go collector's `componentstatus`: the
 * service records `starting`, `ok`, `stopping` and `stopped` around the lifecycle, and a
 * component reports errors it meets while running (an exporter whose backend fails).
 */
export type ComponentStatus =
  | "starting"
  | "ok"
  | "recoverable_error"
  | "permanent_error"
  | "fatal_error"
  | "stopping"
  | "stopped";

/** Every {@linkcode ComponentStatus}. */
export const COMPONENT_STATUSES: readonly ComponentStatus[] = [
  "starting",
  "ok",
  "recoverable_error",
  "permanent_error",
  "fatal_error",
  "stopping",
  "stopped",
];

/** A change of a component's status. */
export interface StatusEvent {
  /** The new status. */
  readonly status: ComponentStatus;
  /** What went wrong, for the error statuses. */
  readonly error?: Error;
}

/** A host that takes status reports (the service's host does; a test host may not). */
export interface StatusReportingHost extends Host {
  /** Records `event` as the status of the component this host was given to. */
  reportStatus(event: StatusEvent): void;
}

/**
 * Reports `event` through `host` when the host takes status reports, and does nothing
 * otherwise, so that components can report without knowing who runs them.
 */
export function reportStatus(host: Host | undefined, event: StatusEvent): void {
  const reporting = host as Partial<StatusReportingHost> | undefined;
  if (typeof reporting?.reportStatus === "function") reporting.reportStatus(event);
}
