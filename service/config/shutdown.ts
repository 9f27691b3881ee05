/**
 * `service.shutdown`: how long the collector's shutdown waits for sending queues to drain. The Go
 * collector has no such setting (its shutdown waits until every queue is empty); see the README's
 * "Shutdown" section for what denocol follows and where it differs.
 */

import { parseConfigDuration } from "@denocol/config";
import { closest } from "./component_config.ts";
import type { ProblemCollector } from "./errors.ts";
import { type ConfigNode, isNullNode } from "./node.ts";

/** Default `service.shutdown.drain_timeout`: 10 seconds. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** `service.shutdown`. */
export interface ShutdownConfig {
  /**
   * `drain_timeout`, in milliseconds: how long after shutdown begins exporters keep sending what
   * they hold; then the rest is dropped (counted and logged), or kept on disk by a persistent
   * queue. 0 means no limit: shutdown waits until every queue is empty, as the Go collector does.
   */
  readonly drainTimeoutMs: number;
}

const SHUTDOWN_KEYS = ["drain_timeout"];

/** Reads `service.shutdown`, recording problems; defaults where a value is unusable. */
export function readShutdown(
  node: ConfigNode | undefined,
  problems: ProblemCollector,
): ShutdownConfig {
  const path = ["service", "shutdown"];
  let drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS;
  if (node === undefined || isNullNode(node)) return { drainTimeoutMs };
  if (node.kind !== "map") {
    problems.error(path, node.position, `expected a map with keys ${SHUTDOWN_KEYS.join(", ")}`);
    return { drainTimeoutMs };
  }
  for (const [key, entry] of node.entries) {
    if (key !== "drain_timeout") {
      const suggestion = closest(key, SHUTDOWN_KEYS);
      problems.error(
        [...path, key],
        entry.keyPosition,
        `unknown key ${JSON.stringify(key)}` +
          (suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "") +
          `; valid keys: ${SHUTDOWN_KEYS.join(", ")}`,
      );
      continue;
    }
    const value = entry.value;
    const raw = value.kind === "scalar" ? value.value : undefined;
    const where = [...path, key];
    try {
      drainTimeoutMs = parseConfigDuration(raw, where.join("::"));
    } catch (error) {
      // The message starts with the path it was given; the problem carries the path already.
      const message = (error as Error).message.replace(/^[^ ]*: /, "");
      problems.error(
        where,
        value.position,
        `${message} (how long shutdown waits for sending queues; 0 for no limit)`,
      );
    }
  }
  return { drainTimeoutMs };
}
