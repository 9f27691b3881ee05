// Fixtures for the otlphttp exporter tests: span data with unique names, a controllable
// Deno.serve backend that decodes what it receives, and certificates made with openssl.
import { MetricsRegistry } from "@denocol/component";
import { CapturingLogger, nopSettings } from "@denocol/component/componenttest";
import type { Settings } from "@denocol/component";
import { type Traces, traces } from "@denocol/pdata";

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Traces with `count` spans named `${prefix}-${i}`. */
export function makeTraces(prefix: string, count: number): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "test" } }] },
      scopeSpans: [{
        scope: { name: "t" },
        spans: Array.from({ length: count }, (_, i) => ({
          traceId: hex(i + 1, 32),
          spanId: hex(i + 1, 16),
          name: `${prefix}-${i}`,
          startTimeUnixNano: "1",
          endTimeUnixNano: "2",
        })),
      }],
    }],
  }));
}

export function spanNames(data: Traces): string[] {
  return data.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));
}

export async function gunzip(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface RecordedRequest {
  path: string;
  headers: Headers;
  /** Decoded body (after gunzip), raw bytes. */
  body: Uint8Array;
}

/** Decides the answer to one request; `undefined` means 200 with an empty body. */
export type Responder = (request: RecordedRequest, index: number) => Response | undefined;

/** An OTLP/HTTP backend on 127.0.0.1 that records every request. */
export class Backend {
  readonly requests: RecordedRequest[] = [];
  readonly accepted: RecordedRequest[] = [];
  responder: Responder = () => undefined;
  #server: Deno.HttpServer<Deno.NetAddr>;

  constructor(port = 0) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      async (request) => {
        let body: Uint8Array = new Uint8Array(await request.arrayBuffer());
        if (request.headers.get("content-encoding") === "gzip") body = await gunzip(body);
        const recorded = { path: new URL(request.url).pathname, headers: request.headers, body };
        const index = this.requests.push(recorded) - 1;
        const response = this.responder(recorded, index);
        if (response === undefined || (response.status >= 200 && response.status < 300)) {
          this.accepted.push(recorded);
        }
        return response ?? new Response(null, { status: 200 });
      },
    );
  }

  get port(): number {
    return this.#server.addr.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Names of every span in accepted trace requests (protobuf bodies). */
  acceptedSpanNames(): string[] {
    return this.accepted.filter((r) => r.path === "/v1/traces").flatMap((r) =>
      spanNames(traces.decodeProto(r.body))
    );
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }
}

/** A port with nothing listening (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export function telemetry(id = "otlphttp"): {
  settings: Settings;
  logger: CapturingLogger;
  registry: MetricsRegistry;
} {
  const logger = new CapturingLogger();
  const registry = new MetricsRegistry();
  return { settings: nopSettings("exporter", id, { logger, meter: registry }), logger, registry };
}

export const FAST_RETRY = {
  enabled: true,
  initial_interval: "20ms",
  randomization_factor: 0.1,
  multiplier: 1.5,
  max_interval: "100ms",
  max_elapsed_time: "20s",
};

/** Polls `condition` every 10ms for at most `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Certificates {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, in a temp dir. */
export async function makeCertificates(): Promise<Certificates> {
  const dir = await Deno.makeTempDir({ prefix: "denocol-tls-" });
  await openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=denocol test CA",
  );
  await Deno.writeTextFile(`${dir}/server.ext`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await Deno.writeTextFile(`${dir}/client.ext`, "extendedKeyUsage=clientAuth\n");
  for (const name of ["server", "client"]) {
    await openssl(
      dir,
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name === "server" ? "localhost" : "denocol client"}`,
    );
    await openssl(
      dir,
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
  };
}
