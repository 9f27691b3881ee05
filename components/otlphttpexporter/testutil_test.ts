// Fixtures for the otlphttp exporter tests: a controllable Deno.serve backend that decodes what
// it receives. Span data, telemetry, retries and certificates come from
// @denocol/exporter/exportertest and @denocol/config/configtest.
import { compressionNamed, decompress } from "@denocol/config";
import { traces } from "@denocol/pdata";
import { spanNames } from "@denocol/exporter/exportertest";

export async function gunzip(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface RecordedRequest {
  path: string;
  headers: Headers;
  /** Decoded body (after decompression), raw bytes. */
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
        const encoding = request.headers.get("content-encoding") ?? "";
        if (encoding === "gzip") body = await gunzip(body);
        else if (compressionNamed(encoding) !== undefined) {
          body = decompress(compressionNamed(encoding)!, body, 64 << 20);
        }
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
