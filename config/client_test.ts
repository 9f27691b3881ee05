import assert from "node:assert/strict";
import { GRPC_CLIENT_COMPRESSIONS, validateCompression, validateHeaders } from "./mod.ts";

Deno.test("validateCompression accepts Go's compressions for the transport, naming the key otherwise", () => {
  for (const value of ["gzip", "zstd", "snappy", "deflate", "zlib", "none", ""]) {
    validateCompression(value, "exporters::otlphttp");
  }
  for (const value of ["gzip", "zstd", "deflate", "none", ""]) {
    validateCompression(value, "exporters::otlp", GRPC_CLIENT_COMPRESSIONS);
  }
  assert.throws(
    () => validateCompression("snappy", "exporters::otlp", GRPC_CLIENT_COMPRESSIONS),
    {
      message: 'exporters::otlp::compression: expected one of "gzip", "zstd", "deflate", ' +
        '"none", got "snappy"',
    },
  );
  assert.throws(() => validateCompression("lz4", "exporters::otlphttp"), /got "lz4"/);
  assert.throws(() => validateCompression(1, "exporters::otlp"), TypeError);
});

Deno.test("validateHeaders wants a map of strings, naming the header at fault", () => {
  validateHeaders({ "x-tenant": "acme" }, "exporters::otlphttp");
  assert.throws(
    () => validateHeaders({ "x-tenant": 7 }, "exporters::otlphttp"),
    { message: "exporters::otlphttp::headers::x-tenant: expected a string value" },
  );
  assert.throws(
    () => validateHeaders(["a"], "exporters::otlp", "metadata keys"),
    { message: "exporters::otlp::headers: expected a map of metadata keys to values" },
  );
});
