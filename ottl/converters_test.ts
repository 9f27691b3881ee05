// Each converter against the examples and rules of Go's ottlfuncs README.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { compileFails, run, runFails, value } from "./test_helpers.ts";

Deno.test("Concat joins the string forms of its values, <nil> for nil", () => {
  assert.equal(
    value('Concat([log.attributes["m"], ": ", log.attributes["p"], 1, 1.5, true, 0x0a0b], "")', {
      m: "GET",
      p: "/a",
    }),
    "GET: /a11.5true0a0b",
  );
  assert.equal(value('Concat(["a", log.attributes["missing"]], "-")'), "a-<nil>");
  assert.equal(value('Concat([{"b": 1, "a": [2]}], "")'), '{"a":[2],"b":1}');
});

Deno.test("Split, and indexing a converter's result", () => {
  assert.deepEqual(value('Split("a,b,c", ",")'), ["a", "b", "c"]);
  assert.equal(value('Split(log.attributes["s"], ",")[1]', { s: "x,y" }), "y");
  runFails('set(log.attributes["o"], Split(1, ","))', /expected string but got int64/);
});

Deno.test("IsMatch converts its target to a string; nil is false", () => {
  assert.equal(value('IsMatch("string", ".*ring")'), true);
  assert.equal(value('IsMatch(log.attributes["n"], "^12")', { n: 123n }), true);
  assert.equal(value('IsMatch(log.attributes["missing"], ".*")'), false);
  assert.equal(value('IsMatch("ABC", "(?i)abc")'), true);
  compileFails('set(log.attributes["o"], IsMatch(log.body, "["))', /not a valid regexp pattern/);
  compileFails(
    'set(log.attributes["o"], IsMatch(log.body, log.body))',
    /argument "pattern" of IsMatch must be a string literal/,
  );
});

Deno.test("Int, Double, Bool and String convert as Go does", () => {
  assert.equal(value("Int(1.9)"), 1n);
  assert.equal(value("Int(-1.9)"), -1n);
  assert.equal(value('Int("42")'), 42n);
  assert.equal(value('Int("2.0")'), undefined);
  assert.equal(value("Int(true)"), 1n);
  assert.equal(value('Double("2.5")'), 2.5);
  assert.equal(value("Double(3)"), 3);
  assert.equal(value("Double(false)"), 0);
  assert.equal(value('Double("x")'), undefined);
  assert.equal(value('Bool("T")'), true);
  assert.equal(value("Bool(0)"), false);
  assert.equal(value('Bool("maybe")'), undefined);
  assert.equal(value('String("test")'), "test");
  assert.equal(value("String(0x0102)"), "0102");
  assert.equal(value("String([1, 2, 3])"), "[1,2,3]");
  assert.equal(value("String(false)"), "false");
  assert.equal(value("String(1.0e21)"), "1e+21");
  assert.equal(value('String({"k": "v"})'), '{"k":"v"}');
});

Deno.test("Is* converters tell the type of a value", () => {
  const attributes = { s: "x", b: false, i: 1n, d: 1.5, m: { k: 1n }, l: [1n], e: "" };
  const check = (fn: string, key: string) => value(`${fn}(log.attributes["${key}"])`, attributes);
  assert.deepEqual(
    ["IsString", "IsBool", "IsInt", "IsDouble", "IsMap", "IsList"].map((fn) =>
      ["s", "b", "i", "d", "m", "l"].map((key) => check(fn, key))
    ),
    [
      [true, false, false, false, false, false],
      [false, true, false, false, false, false],
      [false, false, true, false, false, false],
      [false, false, false, true, false, false],
      [false, false, false, false, true, false],
      [false, false, false, false, false, true],
    ],
  );
  assert.equal(check("IsEmpty", "e"), true);
  assert.equal(check("IsEmpty", "missing"), true);
  assert.equal(check("IsEmpty", "s"), false);
});

Deno.test("SHA1, SHA256, SHA512 and MD5 give hex digests of strings", () => {
  for (
    const [fn, algorithm] of [["SHA1", "sha1"], ["SHA256", "sha256"], ["SHA512", "sha512"], [
      "MD5",
      "md5",
    ]]
  ) {
    assert.equal(value(`${fn}("name")`), createHash(algorithm).update("name").digest("hex"));
  }
  runFails('set(log.attributes["o"], SHA256(1))', /expected string but got int64/);
});

Deno.test("ParseJSON gives maps and lists with numbers as doubles", () => {
  assert.deepEqual(value('ParseJSON("{\\"attr\\":true,\\"n\\":2,\\"l\\":[1,null]}")'), {
    attr: true,
    n: 2,
    l: [1, null],
  });
  assert.deepEqual(value('ParseJSON("[\\"attr1\\",\\"attr2\\"]")'), ["attr1", "attr2"]);
  assert.equal(value('ParseJSON(log.attributes["j"])["a"]["b"]', { j: '{"a":{"b":"c"}}' }), "c");
  runFails('set(log.attributes["o"], ParseJSON("{"))', /invalid JSON/);
  runFails('set(log.attributes["o"], ParseJSON("1"))', /to a JSON object/);
});

Deno.test("Len counts bytes of strings and items of maps and lists", () => {
  assert.equal(value('Len("héllo")'), 6n);
  assert.equal(value('Len(log.attributes["m"])', { m: { a: 1n, b: 2n } }), 2n);
  assert.equal(value("Len([1, 2, 3])"), 3n);
  runFails('set(log.attributes["o"], Len(1))', /unsupported type for Len/);
});

Deno.test("Substring takes byte offsets and refuses ranges outside the string", () => {
  assert.equal(value('Substring("123456789", 0, 3)'), "123");
  assert.equal(value('Substring("一二三", 0, 4, true)'), "一");
  runFails('set(log.attributes["o"], Substring("abc", -1, 1))', /cannot be negative/);
  runFails('set(log.attributes["o"], Substring("abc", 0, 0))', /cannot be negative or zero/);
  runFails('set(log.attributes["o"], Substring("abc", 1, 5))', /greater than the length/);
});

Deno.test("ToLowerCase, ToUpperCase, HasPrefix, HasSuffix, TrimPrefix, TrimSuffix", () => {
  assert.equal(value('ToLowerCase("MyMetricName")'), "mymetricname");
  assert.equal(value('ToUpperCase("MyMetricName")'), "MYMETRICNAME");
  assert.equal(value('HasPrefix("ingest_service", "ingest_")'), true);
  assert.equal(value('HasSuffix("ingest_service", "_service")'), true);
  assert.equal(value('TrimPrefix("ingest_service", "ingest_")'), "service");
  assert.equal(value('TrimSuffix("ingest_service", "_service")'), "ingest");
});

Deno.test("TraceID, SpanID and ProfileID take bytes or hex of the right length", () => {
  assert.deepEqual(value('SpanID("0102030405060708")'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  assert.deepEqual(
    value("TraceID(0x00000000000000000000000000000001)"),
    new Uint8Array(16).fill(1, 15),
  );
  assert.equal((value('ProfileID("a389023abaa839283293ed323892389d")') as Uint8Array).length, 16);
  runFails('set(log.attributes["o"], SpanID("0102"))', /expected 16 hex characters/);
  runFails('set(log.attributes["o"], TraceID(0x01))', /expected 16 bytes/);
});

Deno.test("Time, UnixNano and friends read and convert times", () => {
  assert.equal(value('UnixNano(Time("02/04/2023", "%m/%d/%Y"))'), 1675468800000000000n);
  assert.equal(value('UnixSeconds(Time("Feb 15, 2023", "%b %d, %Y"))'), 1676419200n);
  assert.equal(
    value('UnixMilli(Time("2012-11-01T22:08:41+0000 EST", "%Y-%m-%dT%H:%M:%S%z %Z"))'),
    1351807721000n,
  );
  assert.equal(
    value('UnixSeconds(Time("2023-05-26 12:34:56", "%Y-%m-%d %H:%M:%S", "America/New_York"))'),
    1685118896n,
  );
  assert.equal(
    value('UnixMicro(Time("2023-05-26 12:34:56.123456", "%F %T.%f"))'),
    1685104496123456n,
  );
  assert.equal(value('UnixSeconds(Time("02:03:04 pm", "%r"))'), 50584n);
  assert.equal(value("UnixNano(Unix(1672527600, 5))"), 1672527600000000005n);
  assert.deepEqual(
    run(['set(log.attributes["now"], true) where UnixSeconds(Now()) > 1700000000']),
    {
      now: true,
    },
  );
  assert.equal(value('UnixSeconds(Time("1970-01-02", "%Y-%m-%d") + Duration("1h30m"))'), 91800n);
  compileFails('set(log.attributes["o"], Time(log.body, "%Q"))', /unsupported directive %Q/);
  compileFails(
    'set(log.attributes["o"], Time(log.body, "%Y", "Mars/Olympus"))',
    /unknown time zone/,
  );
  runFails('set(log.attributes["o"], Time("2023", "%Y-%m"))', /cannot parse/);
  runFails('set(log.attributes["o"], UnixNano("x"))', /expected time.Time but got string/);
});
