/**
 * The factories a collector is built with, and what the service derives from them: the catalog
 * that validation checks configurations against. The graph creates components through each
 * factory's `create` and `stability` members.
 */

import type { Kind, SignalFactory } from "@denocol/component";
import type * as connector from "@denocol/connector";
import type * as exporter from "@denocol/exporter";
import type * as extension from "@denocol/extension";
import type * as processor from "@denocol/processor";
import type * as receiver from "@denocol/receiver";
import type { CatalogEntry, ComponentCatalog } from "./config/mod.ts";
import { SIGNAL_NAMES, type SignalData } from "./signals.ts";

/**
 * A receiver factory as the service drives it: by the name of any signal a pipeline carries. Every
 * receiver factory, stable or built by a twin, is one. Its signals include profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ReceiverFactory = SignalFactory<unknown, receiver.Signatures<unknown, SignalData>>;

/**
 * A processor factory as the service drives it. Its signals include profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ProcessorFactory = SignalFactory<unknown, processor.Signatures<unknown, SignalData>>;

/**
 * An exporter factory as the service drives it. Its signals include profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ExporterFactory = SignalFactory<unknown, exporter.Signatures<unknown, SignalData>>;

/**
 * A connector factory as the service drives it: by any pair of signals pipelines carry,
 * profiles included.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ConnectorFactory = connector.PairFactory<
  unknown,
  connector.Signatures<unknown, SignalData>
>;

/** An extension factory as the service drives it. */
export type ExtensionFactory = extension.Factory<unknown>;

/**
 * The factory type of each kind, as the service drives it (profiles included).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export interface FactoryOfKind {
  /** Receiver factories. */
  readonly receiver: ReceiverFactory;
  /** Processor factories. */
  readonly processor: ProcessorFactory;
  /** Exporter factories. */
  readonly exporter: ExporterFactory;
  /** Connector factories. */
  readonly connector: ConnectorFactory;
  /** Extension factories. */
  readonly extension: ExtensionFactory;
}

/**
 * A factory of any kind, as the service drives it.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type AnyFactory = FactoryOfKind[Kind];

/**
 * The factories of every component type a collector can run, per kind: the `factory` exports
 * of component packages, built with each kind's `newFactory` (or a twin's, for profiles).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export interface Factories {
  /** Receiver factories. */
  readonly receivers?: readonly ReceiverFactory[];
  /** Processor factories. */
  readonly processors?: readonly ProcessorFactory[];
  /** Exporter factories. */
  readonly exporters?: readonly ExporterFactory[];
  /** Connector factories. */
  readonly connectors?: readonly ConnectorFactory[];
  /** Extension factories. */
  readonly extensions?: readonly ExtensionFactory[];
}

/** The factories indexed by kind and type; duplicate types are refused. */
export class FactoryIndex {
  readonly #byKind: { readonly [K in Kind]: ReadonlyMap<string, FactoryOfKind[K]> };

  /** Indexes `factories`. Throws `TypeError` when two factories of one kind share a type. */
  constructor(factories: Factories) {
    this.#byKind = {
      receiver: byType("receiver", factories.receivers),
      processor: byType("processor", factories.processors),
      exporter: byType("exporter", factories.exporters),
      connector: byType("connector", factories.connectors),
      extension: byType("extension", factories.extensions),
    };
  }

  /** The factory of `kind` and `type`, if there is one. */
  get<K extends Kind>(kind: K, type: string): FactoryOfKind[K] | undefined {
    return this.#byKind[kind].get(type);
  }

  /** Every factory of `kind`, sorted by type. */
  list<K extends Kind>(kind: K): FactoryOfKind[K][] {
    return [...this.#byKind[kind].values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** The catalog validation checks a configuration against. */
  catalog(): ComponentCatalog {
    return {
      kinds: {
        receiver: entries(this.#byKind.receiver, signalEntry),
        processor: entries(this.#byKind.processor, signalEntry),
        exporter: entries(this.#byKind.exporter, signalEntry),
        connector: entries(this.#byKind.connector, connectorEntry),
        extension: entries(this.#byKind.extension, configEntry),
      },
    };
  }
}

function byType<F extends AnyFactory>(
  kind: Kind,
  factories: readonly F[] = [],
): ReadonlyMap<string, F> {
  const indexed = new Map<string, F>();
  for (const factory of factories) {
    if (indexed.has(factory.type)) {
      throw new TypeError(
        `two ${kind} factories have the type ${JSON.stringify(factory.type)}; ` +
          "each type must be given once",
      );
    }
    indexed.set(factory.type, factory);
  }
  return indexed;
}

function entries<F>(
  factories: ReadonlyMap<string, F>,
  entry: (factory: F) => CatalogEntry,
): Map<string, CatalogEntry> {
  return new Map([...factories].map(([type, factory]) => [type, entry(factory)]));
}

function configEntry(factory: AnyFactory): CatalogEntry {
  return {
    createDefaultConfig: () => factory.createDefaultConfig(),
    unmarshalConfig: factory.unmarshalConfig?.bind(factory),
    validateConfig: factory.validateConfig?.bind(factory),
  };
}

function signalEntry(factory: ReceiverFactory | ProcessorFactory | ExporterFactory): CatalogEntry {
  const signals = SIGNAL_NAMES.filter((signal) => factory.stability(signal) !== "undefined");
  return { ...configEntry(factory), signals: new Set(signals) };
}

function connectorEntry(factory: ConnectorFactory): CatalogEntry {
  const pairs = SIGNAL_NAMES.flatMap((from) =>
    SIGNAL_NAMES.filter((to) => factory.stability(from, to) !== "undefined").map((to) =>
      `${from}->${to}`
    )
  );
  return { ...configEntry(factory), connectorPairs: new Set(pairs) };
}
