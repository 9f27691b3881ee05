import type { Host } from "@denocol/component";

/**
 * A host that tells exporters when the collector's shutdown stops waiting for sending queues to
 * drain. The service's host is one: its `drainDeadline` is aborted once
 * `service::shutdown::drain_timeout` has passed since shutdown began. From then on an exporter
 * sends nothing more: what it still holds (queued, in flight, waiting to be retried, or handed
 * to it later) is dropped, counted and logged, except that a persistent queue keeps its requests
 * for the next start.
 *
 * The Go collector has no such deadline (its shutdown waits until queues are empty); see the
 * README's "Shutdown" section.
 */
export interface DrainDeadlineHost extends Host {
  /** Aborted when the drain time of the collector's shutdown is over. */
  readonly drainDeadline: AbortSignal;
}

/**
 * The drain deadline `host` announces, or `undefined` for a host without one (an exporter used
 * outside the collector, or a test host); see {@linkcode DrainDeadlineHost}.
 */
export function drainDeadlineOf(host: Host): AbortSignal | undefined {
  const signal = (host as Partial<DrainDeadlineHost>).drainDeadline;
  return signal instanceof AbortSignal ? signal : undefined;
}
