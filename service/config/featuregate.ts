/**
 * Feature gates: named switches for behaviour that is not yet (or no longer) the default,
 * set from the command line with `--feature-gates=gateA,-gateB,+gateC` as in the Go collector.
 */

/**
 * How far a gate is along. An `alpha` gate is off by default, a `beta` gate on; a `stable` gate
 * is always on and a `deprecated` gate always off (setting them otherwise is an error).
 */
export type FeatureGateStage = "alpha" | "beta" | "stable" | "deprecated";

/** What describes a gate when it is registered. */
export interface FeatureGateOptions {
  /** One sentence saying what the gate turns on. */
  readonly description: string;
  /** The gate's stage, which sets its default. */
  readonly stage: FeatureGateStage;
  /** The release that introduced the gate. */
  readonly fromVersion?: string;
  /** The release in which the gate is planned to be removed. */
  readonly toVersion?: string;
  /** Where to read more. */
  readonly referenceUrl?: string;
}

/** Thrown for an unknown gate, a malformed `--feature-gates` value or a gate that cannot change. */
export class FeatureGateError extends Error {
  /** Creates the error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = "FeatureGateError";
  }
}

/** A registered gate and its current state. */
export interface FeatureGate {
  /** The gate's ID, such as `service.profilesSupport`. */
  readonly id: string;
  /** What the gate turns on. */
  readonly description: string;
  /** The gate's stage. */
  readonly stage: FeatureGateStage;
  /** Whether the gate is on when nothing sets it: true for beta and stable gates. */
  readonly enabledByDefault: boolean;
  /** Whether the gate is on now. */
  readonly enabled: boolean;
  /** The release that introduced the gate, if given. */
  readonly fromVersion?: string;
  /** The release planned to remove the gate, if given. */
  readonly toVersion?: string;
  /** Where to read more, if given. */
  readonly referenceUrl?: string;
}

/**
 * ID of the gate that allows `profiles` pipelines.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const PROFILES_SUPPORT_GATE = "service.profilesSupport";

const GATE_ID = /^[0-9a-zA-Z.]+$/;

/** The gates a collector knows, and which of them are on. */
export class FeatureGateRegistry {
  readonly #gates = new Map<string, FeatureGate & { enabled: boolean }>();

  /**
   * Registers a gate; its state starts at its stage's default. Throws
   * {@linkcode FeatureGateError} for a duplicate or malformed ID (letters, digits and dots).
   */
  register(id: string, options: FeatureGateOptions): FeatureGate {
    if (!GATE_ID.test(id)) {
      throw new FeatureGateError(
        `invalid feature gate ID ${JSON.stringify(id)}: expected letters, digits and dots`,
      );
    }
    if (this.#gates.has(id)) {
      throw new FeatureGateError(`feature gate ${JSON.stringify(id)} is already registered`);
    }
    const enabledByDefault = options.stage === "beta" || options.stage === "stable";
    const gate = {
      id,
      description: options.description,
      stage: options.stage,
      enabledByDefault,
      enabled: enabledByDefault,
      fromVersion: options.fromVersion,
      toVersion: options.toVersion,
      referenceUrl: options.referenceUrl,
    };
    this.#gates.set(id, gate);
    return this.#view(gate);
  }

  /** Whether gate `id` is on. Throws {@linkcode FeatureGateError} for an unknown gate. */
  isEnabled(id: string): boolean {
    return this.#require(id).enabled;
  }

  /**
   * Turns gate `id` on or off. Throws {@linkcode FeatureGateError} for an unknown gate, for
   * turning a stable gate off or for turning a deprecated gate on.
   */
  set(id: string, enabled: boolean): void {
    const gate = this.#require(id);
    if (gate.stage === "stable" && !enabled) {
      throw new FeatureGateError(
        `feature gate ${JSON.stringify(id)} is stable and can no longer be disabled`,
      );
    }
    if (gate.stage === "deprecated" && enabled) {
      throw new FeatureGateError(
        `feature gate ${JSON.stringify(id)} is deprecated and can no longer be enabled`,
      );
    }
    gate.enabled = enabled;
  }

  /**
   * Applies a `--feature-gates` value: comma-separated gate IDs, each optionally prefixed with
   * `+` (enable, the default) or `-` (disable), such as `service.profilesSupport,-other`.
   * All entries are checked before any is applied, so a bad value changes nothing; the error
   * lists every problem and the known gates.
   */
  applyFlag(value: string): void {
    const changes: [string, boolean][] = [];
    const problems: string[] = [];
    for (const rawEntry of value.split(",")) {
      const entry = rawEntry.trim();
      if (entry === "") continue;
      const enabled = !entry.startsWith("-");
      const id = entry.startsWith("-") || entry.startsWith("+") ? entry.slice(1) : entry;
      const gate = this.#gates.get(id);
      if (gate === undefined) {
        problems.push(`unknown feature gate ${JSON.stringify(id)}`);
      } else if (gate.stage === "stable" && !enabled) {
        problems.push(`feature gate ${JSON.stringify(id)} is stable and can no longer be disabled`);
      } else if (gate.stage === "deprecated" && enabled) {
        problems.push(
          `feature gate ${JSON.stringify(id)} is deprecated and can no longer be enabled`,
        );
      } else {
        changes.push([id, enabled]);
      }
    }
    if (problems.length > 0) {
      throw new FeatureGateError(
        `invalid --feature-gates=${value}: ${
          problems.join("; ")
        } (known gates: ${this.#knownList()})`,
      );
    }
    for (const [id, enabled] of changes) this.set(id, enabled);
  }

  /** Every registered gate, sorted by ID, with its current state. */
  gates(): FeatureGate[] {
    return [...this.#gates.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((gate) => this.#view(gate));
  }

  #require(id: string): FeatureGate & { enabled: boolean } {
    const gate = this.#gates.get(id);
    if (gate === undefined) {
      throw new FeatureGateError(
        `unknown feature gate ${JSON.stringify(id)} (known gates: ${this.#knownList()})`,
      );
    }
    return gate;
  }

  #knownList(): string {
    const ids = [...this.#gates.keys()].sort();
    return ids.length === 0 ? "none" : ids.join(", ");
  }

  #view(gate: FeatureGate & { enabled: boolean }): FeatureGate {
    return {
      id: gate.id,
      description: gate.description,
      stage: gate.stage,
      enabledByDefault: gate.enabledByDefault,
      get enabled() {
        return gate.enabled;
      },
      fromVersion: gate.fromVersion,
      toVersion: gate.toVersion,
      referenceUrl: gate.referenceUrl,
    };
  }
}

/**
 * Registers the gates the service itself reads, currently {@linkcode PROFILES_SUPPORT_GATE}
 * (alpha, off by default), on `registry`, and returns it.
 *
 * The profiles gate belongs to the experimental profiles signal.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function registerServiceFeatureGates(registry: FeatureGateRegistry): FeatureGateRegistry {
  registry.register(PROFILES_SUPPORT_GATE, {
    description: "Allows pipelines of the experimental profiles signal.",
    stage: "alpha",
    fromVersion: "0.1.0",
  });
  return registry;
}

/** A new registry holding the service's own gates. */
export function newFeatureGateRegistry(): FeatureGateRegistry {
  return registerServiceFeatureGates(new FeatureGateRegistry());
}
