/**
 * Extension factories. An extension is a component outside pipelines (health check, pprof,
 * authenticators, storage) that other components find through the host.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newFactory } from "@denocol/extension";
 *
 * export const factory = newFactory("noop_ext", () => ({}), () => newComponent(), "development");
 * ```
 *
 * @module
 */

import {
  type BaseFactory,
  type Component,
  type ConfigOption,
  newBaseFactory,
  type Settings,
  STABILITY_LEVELS,
  type StabilityLevel,
} from "@denocol/component";

/** An extension: a component with no signal, reachable through `Host.getExtension`. */
export type Extension = Component;

/** Creates an extension. */
export type CreateFunc<C> = (settings: Settings, config: C) => Extension;

/** Creates extensions of one type. */
export interface Factory<C = unknown> extends BaseFactory<C> {
  /** Creates an extension from its config. */
  create(settings: Settings, config: C): Extension;
  /** How mature the extension is. */
  readonly stability: StabilityLevel;
}

/**
 * Builds an extension factory.
 *
 * @param type The component type, such as `health_check`.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param create Creates the extension.
 * @param stability How mature the extension is; not `"undefined"`.
 * @param options `withValidateConfig`, `withUnmarshalConfig`.
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  create: CreateFunc<C>,
  stability: StabilityLevel,
  ...options: ConfigOption<C>[]
): Factory<C> {
  if (!STABILITY_LEVELS.includes(stability) || stability === "undefined") {
    throw new TypeError(
      `extension factory "${type}": stability ${JSON.stringify(stability)} is not a level ` +
        `an extension can have`,
    );
  }
  return { ...newBaseFactory(type, createDefaultConfig, options), create, stability };
}

/**
 * An extension that wants to know when pipelines can take data, such as a health check. The
 * service calls `ready` after every component has started and `notReady` before shutting down.
 */
export interface PipelineWatcher {
  /** Every pipeline is running. */
  ready(): void | Promise<void>;
  /** Pipelines are about to stop. */
  notReady(): void | Promise<void>;
}

/** Whether `extension` implements {@linkcode PipelineWatcher}. */
export function isPipelineWatcher(extension: Extension): extension is Extension & PipelineWatcher {
  const candidate = extension as Partial<PipelineWatcher>;
  return typeof candidate.ready === "function" && typeof candidate.notReady === "function";
}

export {
  isStorageExtension,
  type StorageClient,
  type StorageExtension,
  type StorageOperation,
} from "./storage.ts";
export {
  type ClientAuthenticator,
  clientAuthenticatorOf,
  type ClientAuthInfo,
  isClientAuthenticator,
  isServerAuthenticator,
  type ServerAuthenticator,
} from "./auth.ts";
export {
  type ComponentStatusView,
  type FeatureGateView,
  type IntrospectingHost,
  introspectionOf,
  type PipelineTap,
  type PipelineView,
  type ServiceIntrospection,
  type ServiceState,
  type TapListener,
} from "./introspection.ts";
