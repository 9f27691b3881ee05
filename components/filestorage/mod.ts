/**
 * The `file_storage` extension: durable key-value storage for components, one SQLite database
 * (`node:sqlite`) per client in a configured `directory`. Exporters use it through
 * `sending_queue::storage` to keep their queue across crashes and restarts.
 *
 * ```ts
 * import { createDefaultConfig, createFileStorage } from "@denocol/filestorage";
 * import { ID } from "@denocol/component";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 *
 * const directory = await Deno.makeTempDir();
 * const storage = createFileStorage(nopSettings("extension", "file_storage"), {
 *   ...createDefaultConfig(),
 *   directory,
 * });
 * await storage.start(nopHost());
 * const client = await storage.getClient("exporter", new ID("otlp"), "traces");
 * await client.set("greeting", new TextEncoder().encode("hello"));
 * await storage.shutdown();
 * ```
 *
 * @module
 */

export {
  createDefaultConfig,
  createFileStorage,
  databaseFileName,
  type FileStorageClient,
  type FileStorageConfig,
  type FileStorageExtension,
  setStorageInstance,
  validateConfig,
} from "./storage.ts";
export { factory, TYPE } from "./factory.ts";
