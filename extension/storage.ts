import type { Component, ID, Kind } from "@denocol/component";

// Durable key-value storage that extensions (such as `file_storage`) hand out to components
// (such as the exporter helper's persistent sending queue).

/** One write in a {@linkcode StorageClient.batch}. */
export type StorageOperation =
  | { readonly type: "set"; readonly key: string; readonly value: Uint8Array }
  | { readonly type: "delete"; readonly key: string };

/**
 * A key-value store owned by one component, as handed out by a storage extension. A
 * {@linkcode StorageClient.batch} is atomic and durable once it resolves: after a crash either
 * all of its operations are visible or none.
 */
export interface StorageClient {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `value` under `key`. */
  set(key: string, value: Uint8Array): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Applies every operation in one transaction. */
  batch(operations: readonly StorageOperation[]): Promise<void>;
  /** Releases the client; it must not be used afterwards. */
  close(): Promise<void>;
  /**
   * Stores of this same client left by instances of the collector that no longer run (a
   * collector that ran as more processes before, each with stores of its own). The owner takes
   * over what they hold, deletes it from them and closes them. A storage without instances has
   * none and need not implement this.
   */
  leftovers?(): Promise<StorageClient[]>;
}

/**
 * An extension that gives components durable storage, such as `file_storage`. A component
 * finds it through `Host.getExtension` and asks it for a client of its own; clients of
 * different components, or of one component under different names, never see each other's
 * keys.
 */
export interface StorageExtension extends Component {
  /**
   * A client private to the component `kind`/`id`; `name` tells apart several clients of one
   * component (the exporter helper uses the signal).
   */
  getClient(kind: Kind, id: ID, name: string): Promise<StorageClient>;
}

/** Whether `component` is a {@linkcode StorageExtension}. */
export function isStorageExtension(component: unknown): component is StorageExtension {
  return typeof component === "object" && component !== null &&
    typeof (component as { getClient?: unknown }).getClient === "function";
}
