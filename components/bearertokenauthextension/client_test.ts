// bearertokenauth as a client authenticator: the otlp and otlphttp exporters' auth.authenticator
// against denocol's otlp receiver guarded by bearertokenauth as a server, on loopback.

import assert from "node:assert/strict";
import { type Component, ID } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { newTracesSink } from "@denocol/consumer/consumertest";
import { captureTelemetry, freePort, tracesWithSpans } from "@denocol/exporter/exportertest";
import { factory as otlpExporter } from "@denocol/otlpexporter";
import { factory as otlpHttpExporter } from "@denocol/otlphttpexporter";
import {
  createDefaultConfig as receiverDefaults,
  defaultGrpcConfig,
  defaultHttpConfig,
  factory as otlpReceiver,
} from "@denocol/otlpreceiver";
import { createBearerTokenAuth, createDefaultConfig } from "./mod.ts";

Deno.test("bearertokenauth as a client: exporters send the token the receiver's bearertokenauth checks", async () => {
  const serverAuth = createBearerTokenAuth(nopSettings("extension", ID.parse("bearertokenauth")), {
    ...createDefaultConfig(),
    token: "s3cr3t",
  });
  const good = createBearerTokenAuth(nopSettings("extension", ID.parse("bearertokenauth/good")), {
    ...createDefaultConfig(),
    token: "s3cr3t",
  });
  const bad = createBearerTokenAuth(nopSettings("extension", ID.parse("bearertokenauth/bad")), {
    ...createDefaultConfig(),
    token: "wrong",
  });
  const extensions = new Map<string, Component>([
    ["bearertokenauth", serverAuth],
    ["bearertokenauth/good", good],
    ["bearertokenauth/bad", bad],
  ]);
  const host = nopHost(extensions);
  for (const extension of extensions.values()) await extension.start(host);
  const grpcPort = freePort();
  const httpPort = freePort();
  const sink = newTracesSink();
  const received = sink.all;
  const auth = { authenticator: "bearertokenauth" };
  const receiver = otlpReceiver.createTraces(nopSettings("receiver", ID.parse("otlp")), {
    ...receiverDefaults(),
    protocols: {
      grpc: { ...defaultGrpcConfig(), endpoint: `127.0.0.1:${grpcPort}`, auth },
      http: { ...defaultHttpConfig(), endpoint: `127.0.0.1:${httpPort}`, auth },
    },
  }, sink);
  await receiver.start(host);
  try {
    for (
      const [name, authenticator, accepted] of [
        ["good", "bearertokenauth/good", true],
        ["bad", "bearertokenauth/bad", false],
      ] as const
    ) {
      const grpcDefaults = otlpExporter.createDefaultConfig();
      const grpc = otlpExporter.createTraces(captureTelemetry("otlp").settings, {
        ...grpcDefaults,
        endpoint: `127.0.0.1:${grpcPort}`,
        tls: { ...grpcDefaults.tls, insecure: true },
        auth: { authenticator },
        retry_on_failure: { ...grpcDefaults.retry_on_failure, enabled: false },
        sending_queue: { ...grpcDefaults.sending_queue, enabled: false },
      });
      const httpDefaults = otlpHttpExporter.createDefaultConfig();
      const http = otlpHttpExporter.createTraces(captureTelemetry("otlphttp").settings, {
        ...httpDefaults,
        endpoint: `http://127.0.0.1:${httpPort}`,
        auth: { authenticator },
        retry_on_failure: { ...httpDefaults.retry_on_failure, enabled: false },
        sending_queue: { ...httpDefaults.sending_queue, enabled: false },
      });
      for (const [transport, exporter] of [["grpc", grpc], ["http", http]] as const) {
        await exporter.start(host);
        try {
          const sending = exporter.consume(tracesWithSpans(`${name}-${transport}`, 1));
          if (accepted) await sending;
          else await assert.rejects(sending, /[Uu]nauthenticated|401/);
        } finally {
          await exporter.shutdown();
        }
      }
    }
    assert.equal(received.length, 2, "only the requests with the right token got through");
  } finally {
    await receiver.shutdown();
    for (const extension of extensions.values()) await extension.shutdown();
  }
});

Deno.test("auth.authenticator naming an extension that is missing or cannot authenticate clients fails the start", async () => {
  const defaults = otlpHttpExporter.createDefaultConfig();
  const exporter = otlpHttpExporter.createTraces(captureTelemetry("otlphttp").settings, {
    ...defaults,
    endpoint: "http://127.0.0.1:1",
    auth: { authenticator: "oauth2client" },
  });
  await assert.rejects(
    exporter.start(nopHost()),
    /auth::authenticator: no extension "oauth2client"/,
  );
  await exporter.shutdown();
});
