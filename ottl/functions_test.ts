// Each editor and converter against the examples and rules of Go's ottlfuncs README.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { compileFails, run, runFails } from "./test_helpers.ts";

Deno.test("set: writes values of every type, and nil changes nothing", () => {
  assert.deepEqual(
    run([
      'set(log.attributes["s"], "text")',
      'set(log.attributes["i"], 1)',
      'set(log.attributes["d"], 1.5)',
      'set(log.attributes["b"], true)',
      'set(log.attributes["x"], 0x0102)',
      'set(log.attributes["l"], [1, "a"])',
      'set(log.attributes["m"], {"k": {"n": 2}})',
      'set(log.attributes["keep"], nil)',
      'set(log.attributes["copy"], log.attributes["keep"])',
      'set(log.attributes["nested"]["deep"], "v")',
    ], { keep: "kept" }),
    {
      keep: "kept",
      s: "text",
      i: 1n,
      d: 1.5,
      b: true,
      x: new Uint8Array([1, 2]),
      l: [1n, "a"],
      m: { k: { n: 2n } },
      copy: "kept",
      nested: { deep: "v" },
    },
  );
  compileFails('set("literal", log.body)', /argument "target" of set must be a path/);
});

Deno.test("append: appends to a list, turns a scalar into a list, creates a missing one", () => {
  assert.deepEqual(
    run([
      'append(log.attributes["tags"], "prod")',
      'append(log.attributes["scalar"], values = ["staging", "staging:east"])',
      'append(log.attributes["new"], "a")',
    ], { tags: ["dev"], scalar: "first" }),
    { tags: ["dev", "prod"], scalar: ["first", "staging", "staging:east"], new: ["a"] },
  );
  compileFails('append(log.attributes["x"])', /at least one of the optional arguments/);
});

Deno.test("delete_key, delete_matching_keys, keep_keys, keep_matching_keys", () => {
  const attributes = {
    "http.request.header.authorization": "x",
    "user.password": "p",
    version: "1",
    a: 1n,
  };
  assert.deepEqual(
    run(['delete_key(log.attributes, "http.request.header.authorization")'], attributes),
    {
      "user.password": "p",
      version: "1",
      a: 1n,
    },
  );
  assert.deepEqual(run(['delete_matching_keys(log.attributes, "(?i).*PASSWORD.*")'], attributes), {
    "http.request.header.authorization": "x",
    version: "1",
    a: 1n,
  });
  assert.deepEqual(run(['keep_keys(log.attributes, ["version", "a", "absent"])'], attributes), {
    version: "1",
    a: 1n,
  });
  assert.deepEqual(run(['keep_matching_keys(log.attributes, "(?i).*version.*")'], attributes), {
    version: "1",
  });
  compileFails('delete_matching_keys(log.attributes, "(")', /not a valid pattern/);
  compileFails('keep_keys(log.attributes, "version")', /must be a list of string literals/);
  runFails(
    'delete_key(log.attributes["version"], "x")',
    /expected pcommon.Map but got string/,
    attributes,
  );
});

Deno.test("limit: keeps priority keys and the first others up to the limit", () => {
  const attributes = { a: 1n, b: 2n, c: 3n, d: 4n };
  assert.deepEqual(run(["limit(log.attributes, 2, [])"], attributes), { a: 1n, b: 2n });
  assert.deepEqual(run(['limit(log.attributes, 2, ["d"])'], attributes), { a: 1n, d: 4n });
  assert.deepEqual(run(["limit(log.attributes, 10, [])"], attributes), attributes);
  compileFails("limit(log.attributes, -1, [])", /cannot be negative/);
  compileFails('limit(log.attributes, 1, ["a", "b"])', /less than number of priority attributes 2/);
});

Deno.test("truncate_all: cuts string values at the byte limit, on UTF-8 boundaries by default", () => {
  const attributes = { s: "abcdefgh", short: "ab", n: 123456789n, u: "日本語" };
  assert.deepEqual(run(["truncate_all(log.attributes, 4)"], attributes), {
    s: "abcd",
    short: "ab",
    n: 123456789n,
    u: "日",
  });
  assert.deepEqual(
    run(['truncate_all(log.attributes, 6, truncation_marker = "...")'], attributes),
    {
      s: "abc...",
      short: "ab",
      n: 123456789n,
      u: "日本語".slice(0, 1) + "...",
    },
  );
  compileFails("truncate_all(log.attributes, -1)", /cannot be negative/);
  compileFails('truncate_all(log.attributes, 2, true, "...")', /more than the limit/);
});

Deno.test("replace_pattern: regex replacement with Go group expansion, function and format", () => {
  const attributes = { cmd: "run --password=secret --x", name: "kube_pod_status" };
  assert.deepEqual(
    run([
      'replace_pattern(log.attributes["cmd"], "password\\\\=[^\\\\s]*(\\\\s?)", "password=***")',
      'replace_pattern(log.attributes["name"], "^kube_([0-9A-Za-z]+_)", "k8s.$1.")',
    ], attributes),
    // The pattern takes the space after the password, and the replacement does not put it back.
    { cmd: "run --password=***--x", name: "k8s.pod_.status" },
  );
  const hashed = run(
    ['replace_pattern(log.attributes["name"], "^kube_([0-9A-Za-z]+_)", "$1.", SHA256, "k8s.%s")'],
    attributes,
  ).name as string;
  assert.match(hashed, /^k8s\.[0-9a-f]{64}status$/);
  assert.equal(hashed.slice(4, 68), sha256("pod_."));
  // A value that is not a string is left alone.
  assert.deepEqual(run(['replace_pattern(log.attributes["n"], "1", "2")'], { n: 1n }), { n: 1n });
});

Deno.test("replace_all_patterns: on values or keys of a map", () => {
  const attributes = { path: "/account/1234", "kube_pod": "x", other: 1n };
  assert.deepEqual(
    run([
      'replace_all_patterns(log.attributes, "value", "/account/\\\\d{4}", "/account/{accountId}")',
    ], attributes),
    { path: "/account/{accountId}", kube_pod: "x", other: 1n },
  );
  assert.deepEqual(
    run(['replace_all_patterns(log.attributes, "key", "^kube_", "k8s.")'], attributes),
    { path: "/account/1234", "k8s.pod": "x", other: 1n },
  );
  compileFails(
    'replace_all_patterns(log.attributes, "both", "a", "b")',
    /must be either 'key' or 'value'/,
  );
});

Deno.test("replace_match and replace_all_matches: whole-string glob patterns", () => {
  assert.deepEqual(
    run(['replace_match(log.attributes["t"], "/user/*/list/*", "/user/{userId}/list/{listId}")'], {
      t: "/user/123/list/456",
    }),
    { t: "/user/{userId}/list/{listId}" },
  );
  assert.deepEqual(
    run(['replace_match(log.attributes["t"], "/user/*/list/*", "x")'], { t: "/users" }),
    { t: "/users" },
  );
  assert.deepEqual(
    run(['replace_all_matches(log.attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")'], {
      a: "/user/1/list/2",
      b: "/other",
      c: 1n,
    }),
    { a: "/user/{userId}/list/{listId}", b: "/other", c: 1n },
  );
  const hashed = run(['replace_match(log.attributes["t"], "a*", "secret", SHA256, "h:%s")'], {
    t: "abc",
  });
  assert.equal(hashed.t, `h:${sha256("secret")}`);
});

Deno.test("merge_maps: insert, update and upsert", () => {
  const attributes = { a: "old", b: "keep" };
  const source = '{"a": "new", "c": "added"}';
  assert.deepEqual(run([`merge_maps(log.attributes, ${source}, "insert")`], attributes), {
    a: "old",
    b: "keep",
    c: "added",
  });
  assert.deepEqual(run([`merge_maps(log.attributes, ${source}, "update")`], attributes), {
    a: "new",
    b: "keep",
  });
  assert.deepEqual(run([`merge_maps(log.attributes, ${source}, "upsert")`], attributes), {
    a: "new",
    b: "keep",
    c: "added",
  });
  compileFails(
    'merge_maps(log.attributes, {}, "replace")',
    /must be 'insert', 'update' or 'upsert'/,
  );
});

Deno.test("flatten: nested maps and lists, prefix, depth and conflicts", () => {
  const nested = {
    name: "test",
    address: { street: "first", house: 1234n },
    occupants: ["user 1", "user 2"],
  };
  assert.deepEqual(run(['flatten(log.attributes["m"])'], { m: nested }).m, {
    name: "test",
    "address.street": "first",
    "address.house": 1234n,
    "occupants.0": "user 1",
    "occupants.1": "user 2",
  });
  assert.deepEqual(run(['flatten(log.attributes["m"], "app")'], { m: nested }).m, {
    "app.name": "test",
    "app.address.street": "first",
    "app.address.house": 1234n,
    "app.occupants.0": "user 1",
    "app.occupants.1": "user 2",
  });
  const deep = { "0": { "1": { "2": { "3": { "4": "value" } } } } };
  assert.deepEqual(run(['flatten(log.attributes["m"], depth = 2)'], { m: deep }).m, {
    "0.1.2": { "3": { "4": "value" } },
  });
  assert.deepEqual(run(['flatten(log.attributes["m"], depth = 0)'], { m: deep }).m, deep);
  const conflicting = {
    address: { street: { number: "first" }, house: "1234" },
    "address.street": { number: ["second", "third"] },
    "address.street.number": "fourth",
    occupants: ["user 1", "user 2"],
  };
  assert.deepEqual(
    run(['flatten(log.attributes["m"], resolveConflicts = true)'], { m: conflicting }).m,
    {
      "address.street.number": "first",
      "address.house": "1234",
      "address.street.number.0": "second",
      "address.street.number.1": "third",
      "address.street.number.2": "fourth",
      occupants: "user 1",
      "occupants.0": "user 2",
    },
  );
  compileFails('flatten(log.attributes["m"], depth = -1)', /cannot be negative/);
});

function sha256(text: string): string {
  // node:crypto computes the reference digest independently of the converter.
  return createHash("sha256").update(text).digest("hex");
}
