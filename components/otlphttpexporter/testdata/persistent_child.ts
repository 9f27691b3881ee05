// Child process of the SIGKILL test: an otlphttp traces exporter with a persistent queue on
// file_storage. Arguments: <storage dir> <endpoint> <batches> <spans per batch> [prefix]
// [--paced]. With batches > 0 it queues that many batches and prints "queued <n>" once the n-th
// `consume` resolved (the exporter acknowledged it); with --paced it reads a line from stdin
// before each batch, so that the parent decides when the next one comes and can kill the child
// right after an acknowledgement it has read. Then it prints "pending <queue size>" every 50ms
// until the queue is empty, then "drained".
import { MetricsRegistry } from "@denocol/component";
import { nopSettings } from "@denocol/component/componenttest";
import { createDefaultConfig as storageDefaults, createFileStorage } from "@denocol/filestorage";
import { createDefaultConfig, factory } from "@denocol/otlphttpexporter";
import { type Traces, traces } from "@denocol/pdata";

const paced = Deno.args.includes("--paced");
const [directory, endpoint, batchesText, perBatchText, prefix = "k"] = Deno.args.filter((a) =>
  a !== "--paced"
);
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
function batch(index: number, size: number): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      scopeSpans: [{
        spans: Array.from({ length: size }, (_, i) => ({
          traceId: hex(index + 1, 32),
          spanId: hex(i + 1, 16),
          name: `${prefix}-${index}-${i}`,
        })),
      }],
    }],
  }));
}

const storage = createFileStorage(nopSettings("extension", "file_storage"), {
  ...storageDefaults(),
  directory,
});
const host = {
  getExtension: () => storage,
  extensions: () => new Map([["file_storage", storage]]),
  reportFatalError: (e: Error) => console.error(e),
};
await storage.start(host);
const registry = new MetricsRegistry();
const exporter = factory.createTraces(nopSettings("exporter", "otlphttp", { meter: registry }), {
  ...createDefaultConfig(),
  endpoint,
  retry_on_failure: {
    enabled: true,
    initial_interval: "20ms",
    randomization_factor: 0.2,
    multiplier: 1.5,
    max_interval: "100ms",
    max_elapsed_time: "0",
  },
  sending_queue: {
    ...createDefaultConfig().sending_queue,
    storage: "file_storage",
    queue_size: 100_000,
    num_consumers: 4,
  },
});
await exporter.start(host);
/** Resolves when the parent sends the next line (always at once unless paced). */
const nextGo = (() => {
  if (!paced) return () => Promise.resolve();
  const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  return async () => {
    while (!pending.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("persistent_child: stdin closed while paced");
      pending += value;
    }
    pending = pending.slice(pending.indexOf("\n") + 1);
  };
})();
const batches = Number(batchesText);
for (let i = 0; i < batches; i++) {
  await nextGo();
  await exporter.consume(batch(i, Number(perBatchText)));
  console.log(`queued ${i + 1}`);
}
for (;;) {
  const size = registry.value("otelcol_exporter_queue_size") ?? 0;
  console.log(`pending ${size}`);
  if (size === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
await exporter.shutdown();
await storage.shutdown();
console.log("drained");
