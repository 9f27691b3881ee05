/** The errors a service rejects with when its components cannot be created or started. */

import type { ID, Kind } from "@denocol/component";

/**
 * Thrown when the pipelines cannot be built: a component has no factory or its factory throws
 * (the message names the component and its pipeline), or the pipelines form a cycle (the message
 * names the components and pipelines on it).
 */
export class GraphBuildError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GraphBuildError";
  }
}

/** What {@linkcode ComponentStartError} says about the component that failed. */
export interface FailedComponent {
  /** The component's kind. */
  readonly kind: Kind;
  /** The component's configured ID. */
  readonly id: ID;
  /** The component as errors name it, such as `receiver "otlp" (traces)`. */
  readonly description: string;
}

/** Thrown when a component fails to start; names the component. */
export class ComponentStartError extends Error {
  /** The failed component's kind. */
  readonly kind: Kind;
  /** The failed component's configured ID. */
  readonly id: ID;

  /** Creates the error for `component`, wrapping `cause`. */
  constructor(component: FailedComponent, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`failed to start ${component.description}: ${detail}`, { cause });
    this.name = "ComponentStartError";
    this.kind = component.kind;
    this.id = component.id;
  }
}
