/**
 * Test helpers for extension authors: the contract test every extension factory must pass.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newFactory } from "@denocol/extension";
 * import { checkExtensionFactory } from "@denocol/extension/extensiontest";
 *
 * await checkExtensionFactory(newFactory("quiet", () => ({}), () => newComponent(), "alpha"));
 * ```
 *
 * @module
 */

import { checkFactoryContract, type FactoryContract } from "@denocol/component/componenttest";
import type { Factory } from "@denocol/extension";

/** Options of {@linkcode checkExtensionFactory}. */
export type ExtensionContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against an extension factory: the extension is created with the default config, started and
 * shut down twice, a second one shut down without start, and each of `options.invalidConfigs` is
 * rejected.
 */
export function checkExtensionFactory<C>(
  factory: Factory<C>,
  options: ExtensionContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "extension",
    factory,
    cases: [{
      signal: "extension",
      stability: factory.stability,
      create: (settings, config) => factory.create(settings, config),
    }],
  });
}
