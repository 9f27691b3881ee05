import assert from "node:assert/strict";
import { validateCompression, validateHeaders } from "./mod.ts";

Deno.test("validateCompression accepts gzip, none and the default, naming the key otherwise", () => {
  for (const value of ["gzip", "none", ""]) validateCompression(value, "exporters::otlp");
  assert.throws(
    () => validateCompression("zstd", "exporters::otlp"),
    { message: 'exporters::otlp::compression: expected "gzip" or "none", got "zstd"' },
  );
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
