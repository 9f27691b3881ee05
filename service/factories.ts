/**
 * The factories a collector is built with, and what the service derives from them: the catalog
 * that validation checks configurations against, and per-signal access to create functions.
 */

import {
  createMemberName,
  type Kind,
  memberCreate,
  memberStability,
  pairKey,
  type StabilityLevel,
} from "@denocol/component";
import type { CatalogEntry, ComponentCatalog } from "./config/mod.ts";
import { createProfilesPair, profilesPairStability, profilesStabilityOf } from "./profiles.ts";

/** What every factory has, seen without its config type. */
export interface AnyFactory {
  /** The component type. */
  readonly type: string;
  /** A fresh default config. */
  createDefaultConfig(): unknown;
  /** The factory's config check, if any. */
  validateConfig?(config: unknown): void;
  /** The factory's own config decoding, if any. */
  unmarshalConfig?(raw: unknown, defaults: unknown): unknown;
}

/**
 * The factories of every component type a collector can run, per kind: the `factory` exports
 * of component packages, built with each kind's `newFactory` (or a twin's, for profiles).
 */
export interface Factories {
  /** Receiver factories. */
  readonly receivers?: readonly AnyFactory[];
  /** Processor factories. */
  readonly processors?: readonly AnyFactory[];
  /** Exporter factories. */
  readonly exporters?: readonly AnyFactory[];
  /** Connector factories. */
  readonly connectors?: readonly AnyFactory[];
  /** Extension factories. */
  readonly extensions?: readonly AnyFactory[];
}

/** Section of {@linkcode Factories} holding each kind. */
const FACTORY_SECTION: Readonly<Record<Kind, keyof Factories>> = {
  receiver: "receivers",
  processor: "processors",
  exporter: "exporters",
  connector: "connectors",
  extension: "extensions",
};

/** The stable signals, then profiles (experimental, reached through the twins). */
const ALL_SIGNALS = ["traces", "metrics", "logs", "profiles"] as const;

/** The factories indexed by kind and type; duplicate types are refused. */
export class FactoryIndex {
  readonly #byKind = new Map<Kind, Map<string, AnyFactory>>();

  /** Indexes `factories`. Throws `TypeError` when two factories of one kind share a type. */
  constructor(factories: Factories) {
    for (const [kind, section] of Object.entries(FACTORY_SECTION) as [Kind, keyof Factories][]) {
      const byType = new Map<string, AnyFactory>();
      for (const factory of (factories[section] ?? []) as readonly AnyFactory[]) {
        if (byType.has(factory.type)) {
          throw new TypeError(
            `two ${kind} factories have the type ${JSON.stringify(factory.type)}; ` +
              "each type must be given once",
          );
        }
        byType.set(factory.type, factory);
      }
      this.#byKind.set(kind, byType);
    }
  }

  /** The factory of `kind` and `type`, if there is one. */
  get(kind: Kind, type: string): AnyFactory | undefined {
    return this.#byKind.get(kind)?.get(type);
  }

  /** Every factory of `kind`, sorted by type. */
  list(kind: Kind): AnyFactory[] {
    return [...(this.#byKind.get(kind)?.values() ?? [])].sort((a, b) =>
      a.type.localeCompare(b.type)
    );
  }

  /** The catalog validation checks a configuration against. */
  catalog(): ComponentCatalog {
    const kinds: Partial<Record<Kind, Map<string, CatalogEntry>>> = {};
    for (const [kind, byType] of this.#byKind) {
      const entries = new Map<string, CatalogEntry>();
      for (const [type, factory] of byType) entries.set(type, catalogEntry(kind, factory));
      kinds[kind] = entries;
    }
    return { kinds };
  }
}

function catalogEntry(kind: Kind, factory: AnyFactory): CatalogEntry {
  const config = {
    createDefaultConfig: () => factory.createDefaultConfig(),
    unmarshalConfig: factory.unmarshalConfig?.bind(factory),
    validateConfig: factory.validateConfig?.bind(factory),
  };
  if (kind === "extension") return config;
  if (kind === "connector") {
    const pairs = new Set<string>();
    for (const from of ALL_SIGNALS) {
      for (const to of ALL_SIGNALS) {
        if (pairStability(factory, from, to) !== "undefined") pairs.add(`${from}->${to}`);
      }
    }
    return { ...config, connectorPairs: pairs };
  }
  const signals = new Set<string>();
  for (const signal of ALL_SIGNALS) {
    if (signalStability(kind, factory, signal) !== "undefined") signals.add(signal);
  }
  return { ...config, signals };
}

/**
 * The stability of a receiver, processor or exporter factory for `signal`; `"undefined"` when
 * unsupported. Profiles are answered by the experimental twins' factory guards.
 */
export function signalStability(kind: Kind, factory: AnyFactory, signal: string): StabilityLevel {
  if (signal === "profiles") return profilesStabilityOf(kind, factory);
  return memberStability(factory, signal);
}

/** The stability of a connector factory for the pair `from` to `to`. */
export function pairStability(factory: AnyFactory, from: string, to: string): StabilityLevel {
  if (from === "profiles" || to === "profiles") return profilesPairStability(factory, from, to);
  return memberStability(factory, pairKey(from, to));
}

/** A bound create function of a factory, found by its member name. */
export type CreateMember = (...args: unknown[]) => unknown;

/** The create function of a receiver, processor or exporter factory for `signal`. */
export function signalCreate(factory: AnyFactory, signal: string): CreateMember {
  return memberFunction(factory, signal);
}

/** The create function of a connector factory for the pair `from` to `to`. */
export function pairCreate(factory: AnyFactory, from: string, to: string): CreateMember {
  if (from === "profiles" || to === "profiles") {
    return (settings, config, next) =>
      createProfilesPair(factory, from, to, settings as never, config, next as never);
  }
  return memberFunction(factory, pairKey(from, to));
}

function memberFunction(factory: AnyFactory, key: string): CreateMember {
  const create = memberCreate(factory, key);
  if (create === undefined) {
    throw new TypeError(`factory ${JSON.stringify(factory.type)} has no ${createMemberName(key)}`);
  }
  return create;
}
