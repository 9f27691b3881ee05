import { ID } from "@denocol/component";
import type { Host, Logger } from "@denocol/component";
import { isStorageExtension } from "@denocol/extension";
import type { QueueSizer } from "./config.ts";
import { type CorruptEntryHandler, PersistentQueue } from "./persistent_queue.ts";
import { errorText } from "./sender.ts";
import type { SignalSpec } from "./types.ts";

/** What {@linkcode openPersistentQueue} needs. */
export interface PersistentQueueOptions<T> {
  /** `sending_queue.storage`: the ID of the storage extension. */
  storage: string;
  /** Config path of that key, named in errors. */
  path: string;
  /** The exporter, which names its storage client. */
  exporter: ID;
  /** The signal, which names the storage client and encodes requests. */
  spec: SignalSpec<T>;
  /** Capacity in units of `sizer`. */
  capacity: number;
  /** Unit of `capacity`. */
  sizer: QueueSizer;
  /** Whether a full queue makes callers wait. */
  blocking: boolean;
  /** Called for a stored request that cannot be read back. */
  onCorrupt: CorruptEntryHandler;
  /** Where to say that requests of an earlier run are resumed. */
  logger: Logger;
}

/**
 * Opens the sending queue kept in the storage extension named by `options.storage`, with the
 * requests an earlier run left in it.
 *
 * @throws {Error} naming the config path when the extension is missing or is not a storage.
 */
export async function openPersistentQueue<T>(
  host: Host,
  options: PersistentQueueOptions<T>,
): Promise<PersistentQueue<T>> {
  const { path } = options;
  let storageId: ID;
  try {
    storageId = ID.parse(options.storage);
  } catch (error) {
    throw new TypeError(`${path}: ${errorText(error)}`);
  }
  const extension = host.getExtension(storageId);
  if (extension === undefined) {
    throw new Error(
      `${path}: extension "${storageId}" is not configured; add it under extensions and ` +
        `service::extensions`,
    );
  }
  if (!isStorageExtension(extension)) {
    throw new Error(`${path}: extension "${storageId}" is not a storage extension`);
  }
  const client = await extension.getClient("exporter", options.exporter, options.spec.name);
  const spec = options.spec;
  const queue = await PersistentQueue.open<T>(client, {
    encode: (data) => spec.encodeProto(data),
    // Kept as the stored bytes where the signal can (`fromProto`): an exporter that sends them
    // (`sendsEncoded`) then sends them as read, without decoding and encoding them again.
    decode: spec.fromProto === undefined
      ? (bytes) => spec.decodeProto(bytes)
      : (bytes) => spec.fromProto!(bytes),
  }, {
    capacity: options.capacity,
    sizer: options.sizer,
    blocking: options.blocking,
    onCorrupt: options.onCorrupt,
  });
  if (queue.restored > 0) {
    options.logger.info("Resuming requests left in the persistent queue by an earlier run", {
      requests: queue.restored,
      storage: storageId.toString(),
    });
  }
  return queue;
}
