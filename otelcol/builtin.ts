/**
 * The components built into the `otelcol` command, each loaded when a configuration names it.
 *
 * A component package brings its code, its dependencies and what they allocate when loaded
 * (OTTL's function tables, the status page's assets, SQLite for `file_storage`, …). The command
 * loads only the packages of the types the configuration names, which keeps a collector that runs
 * `otlp → batch → otlp` about 8 MiB smaller than one that loads every package. `components()` of
 * `mod.ts` still gives every factory at once, for programs that embed a collector.
 *
 * @module
 */

import { type Kind, KINDS } from "@denocol/component";
import { type Factories, type FactoryOfKind, SECTION_OF_KIND } from "@denocol/service";

/** A built-in component of kind `K`: its type, and how to load its factory. */
export interface BuiltinComponent<K extends Kind> {
  /** The component type, as a configuration names it (`otlp` in `otlp/2`). */
  readonly type: string;
  /** Imports the component's package and returns its factory. */
  readonly load: () => Promise<FactoryOfKind[K]>;
}

/** Built-in components per kind. */
export type BuiltinComponents = { readonly [K in Kind]: readonly BuiltinComponent<K>[] };

/** Every built-in component; per kind in the order of `components()`. */
export const BUILTIN_COMPONENTS: BuiltinComponents = {
  receiver: [
    { type: "otlp", load: async () => (await import("@denocol/otlpreceiver")).factory },
    { type: "nop", load: async () => (await import("@denocol/nopreceiver")).factory },
    { type: "pprof", load: async () => (await import("@denocol/pprofreceiver")).factory },
  ],
  processor: [
    { type: "batch", load: async () => (await import("@denocol/batchprocessor")).factory },
    {
      type: "memory_limiter",
      load: async () => (await import("@denocol/memorylimiterprocessor")).factory,
    },
    {
      type: "transform",
      load: async () => (await import("@denocol/transformprocessor")).factory,
    },
    { type: "filter", load: async () => (await import("@denocol/filterprocessor")).factory },
    {
      type: "attributes",
      load: async () => (await import("@denocol/attributesprocessor")).factory,
    },
    { type: "resource", load: async () => (await import("@denocol/resourceprocessor")).factory },
    { type: "script", load: async () => (await import("@denocol/scriptprocessor")).factory },
  ],
  exporter: [
    { type: "otlp", load: async () => (await import("@denocol/otlpexporter")).factory },
    { type: "otlphttp", load: async () => (await import("@denocol/otlphttpexporter")).factory },
    {
      type: "loadbalancing",
      load: async () => (await import("@denocol/loadbalancingexporter")).factory,
    },
    { type: "debug", load: async () => (await import("@denocol/debugexporter")).factory },
    { type: "nop", load: async () => (await import("@denocol/nopexporter")).factory },
    { type: "pprof", load: async () => (await import("@denocol/pprofexporter")).factory },
  ],
  connector: [
    { type: "forward", load: async () => (await import("@denocol/forwardconnector")).factory },
    {
      type: "profilestometrics",
      load: async () => (await import("@denocol/profilestometricsconnector")).factory,
    },
    { type: "routing", load: async () => (await import("@denocol/routingconnector")).factory },
  ],
  extension: [
    { type: "file_storage", load: async () => (await import("@denocol/filestorage")).factory },
    {
      type: "bearertokenauth",
      load: async () => (await import("@denocol/bearertokenauthextension")).factory,
    },
    {
      type: "health_check",
      load: async () => (await import("@denocol/healthcheckextension")).factory,
    },
    { type: "zpages", load: async () => (await import("@denocol/zpagesextension")).factory },
  ],
};

/** Component types per kind. */
export type TypesByKind = ReadonlyMap<Kind, ReadonlySet<string>>;

/**
 * The component types a configuration (as plain data) names in its sections: `otlp` for the keys
 * `otlp` and `otlp/2` of `receivers`. Anything that is not a map of keys names nothing here;
 * validation reports it.
 */
export function namedTypes(config: unknown): Map<Kind, Set<string>> {
  const named = new Map<Kind, Set<string>>();
  const root = isMap(config) ? config : {};
  for (const kind of KINDS) {
    const section = root[SECTION_OF_KIND[kind]];
    const types = new Set<string>();
    if (isMap(section)) {
      for (const key of Object.keys(section)) types.add(key.split("/", 1)[0].trim());
    }
    named.set(kind, types);
  }
  return named;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Loads the factories of the built-in components of `wanted` types; every built-in one when
 * `wanted` is absent or names a type that is not built in, so that validation can list every
 * type there is beside the unknown one.
 */
export async function loadBuiltinFactories(wanted?: TypesByKind): Promise<Factories> {
  const everyNameKnown = wanted !== undefined &&
    [...wanted].every(([kind, types]) =>
      [...types].every((type) =>
        (BUILTIN_COMPONENTS[kind] as readonly { type: string }[]).some((c) => c.type === type)
      )
    );
  const load = <K extends Kind>(kind: K): Promise<FactoryOfKind[K][]> =>
    Promise.all(
      BUILTIN_COMPONENTS[kind]
        .filter((component) => !everyNameKnown || wanted.get(kind)?.has(component.type))
        .map((component) => component.load()),
    );
  const [receivers, processors, exporters, connectors, extensions] = await Promise.all([
    load("receiver"),
    load("processor"),
    load("exporter"),
    load("connector"),
    load("extension"),
  ]);
  return { receivers, processors, exporters, connectors, extensions };
}
