// The otlp exporter's compressions against denocol's otlp receiver (gzip, zstd and deflate are
// gRPC's; snappy is refused by validation, as it is not one of gRPC's encodings).

import assert from "node:assert/strict";
import { ID } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { newTracesSink } from "@denocol/consumer/consumertest";
import {
  captureTelemetry,
  freePort,
  spanNames,
  tracesWithSpans,
} from "@denocol/exporter/exportertest";
import {
  createDefaultConfig as receiverDefaults,
  defaultGrpcConfig,
  factory as receiverFactory,
} from "@denocol/otlpreceiver";
import { createDefaultConfig, factory, validateConfig } from "./mod.ts";

Deno.test("otlp exporter: gzip, zstd and deflate reach denocol's otlp receiver", async () => {
  const port = freePort();
  const sink = newTracesSink();
  const received = sink.all;
  const receiver = receiverFactory.createTraces(
    nopSettings("receiver", ID.parse("otlp")),
    {
      ...receiverDefaults(),
      protocols: { grpc: { ...defaultGrpcConfig(), endpoint: `127.0.0.1:${port}` }, http: null },
    },
    sink,
  );
  await receiver.start(nopHost());
  try {
    for (const compression of ["gzip", "zstd", "deflate", "none"]) {
      const defaults = createDefaultConfig();
      const exporter = factory.createTraces(captureTelemetry("otlp").settings, {
        ...defaults,
        endpoint: `127.0.0.1:${port}`,
        compression,
        tls: { ...defaults.tls, insecure: true },
        sending_queue: { ...defaults.sending_queue, enabled: false },
      });
      await exporter.start(nopHost());
      try {
        await exporter.consume(tracesWithSpans(compression, 2));
      } finally {
        await exporter.shutdown();
      }
      assert.deepEqual(spanNames(received.at(-1)!), [`${compression}-0`, `${compression}-1`]);
    }
  } finally {
    await receiver.shutdown();
  }
});

Deno.test("otlp exporter: snappy is refused, naming the key and gRPC's compressions", () => {
  assert.throws(
    () =>
      validateConfig({
        ...createDefaultConfig(),
        endpoint: "collector:4317",
        compression: "snappy",
      }),
    /exporters::otlp::compression: expected one of "gzip", "zstd", "deflate", "none", got "snappy"/,
  );
});
