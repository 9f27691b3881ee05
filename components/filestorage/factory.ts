import { withValidateConfig } from "@denocol/component";
import { type Factory, newFactory } from "@denocol/extension";
import {
  createDefaultConfig,
  createFileStorage,
  type FileStorageConfig,
  validateConfig,
} from "./storage.ts";

/** The component type. */
export const TYPE = "file_storage";

/** The factory of the `file_storage` extension. */
export const factory: Factory<FileStorageConfig> = newFactory<FileStorageConfig>(
  TYPE,
  createDefaultConfig,
  createFileStorage,
  "beta",
  withValidateConfig<FileStorageConfig>((config) => validateConfig(config)),
);
