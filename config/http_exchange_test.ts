import assert from "node:assert/strict";
import { HttpHeaders } from "./mod.ts";

Deno.test("HttpHeaders: get joins repeated fields, toMap keeps each value as client metadata", () => {
  const headers = new HttpHeaders([["x-tenant", "a"], ["authorization", "t"], ["x-tenant", "b"]]);
  assert.equal(headers.get("x-tenant"), "a, b");
  assert.equal(headers.has("authorization"), true);
  assert.deepEqual(
    [...headers.toMap()],
    [["x-tenant", ["a", "b"]], ["authorization", ["t"]]],
  );
});
