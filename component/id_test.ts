import assert from "node:assert/strict";
import { ID, IDError } from "./mod.ts";

Deno.test("ID.parse reads a bare type", () => {
  const id = ID.parse("otlp");
  assert.equal(id.type, "otlp");
  assert.equal(id.name, "");
  assert.equal(id.toString(), "otlp");
});

Deno.test("ID.parse splits type and name at the first slash only", () => {
  const id = ID.parse("otlp/my receiver");
  assert.equal(id.type, "otlp");
  assert.equal(id.name, "my receiver");
  assert.equal(id.toString(), "otlp/my receiver");
  assert.throws(() => ID.parse("otlp/a/b"), /must not contain "\/"/);
});

Deno.test("ID accepts the longest valid type and rejects one character more", () => {
  const longest = "a" + "b".repeat(62);
  assert.equal(new ID(longest).type, longest);
  assert.throws(() => new ID(longest + "c"), IDError);
});

Deno.test("ID rejects malformed types with the offending text in the message", () => {
  for (const bad of ["", "1abc", "a-b", "a.b", "_x", "ä"]) {
    assert.throws(
      () => ID.parse(bad),
      (error: unknown) =>
        error instanceof IDError && error.input === bad &&
        error.message.includes(JSON.stringify(bad)),
      `type ${JSON.stringify(bad)} should be rejected`,
    );
  }
});

Deno.test("ID rejects empty names and names with surrounding white space", () => {
  assert.throws(() => ID.parse("otlp/"), /empty component name/);
  assert.throws(() => ID.parse("otlp/ x"), /white space/);
  assert.throws(() => new ID("otlp", "x "), /white space/);
  assert.throws(() => ID.parse(" otlp"), /white space/);
});

Deno.test("ID.equals compares type and name", () => {
  assert.ok(ID.parse("batch/a").equals(new ID("batch", "a")));
  assert.ok(!ID.parse("batch/a").equals(ID.parse("batch")));
  assert.ok(!ID.parse("batch").equals(ID.parse("otlp")));
});
