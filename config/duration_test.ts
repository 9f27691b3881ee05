import assert from "node:assert/strict";
import { DurationError, formatDuration, parseConfigDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration reads Go durations into milliseconds", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["200ms", 200],
    ["5s", 5 * 1000],
    ["1m30s", 90 * 1000],
    ["1h", 60 * 60 * 1000],
    ["2h45m", (2 * 60 + 45) * 60 * 1000],
    ["1.5s", 1500],
    [".5s", 500],
    ["-1m", -60 * 1000],
    ["+3ms", 3],
    ["1500us", 1.5],
    ["1500µs", 1.5],
    ["2000000ns", 2],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

Deno.test("parseDuration errors say which part is wrong", () => {
  const cases: [string, RegExp][] = [
    ["", /invalid duration "": expected a number followed by a unit/],
    ["5", /invalid duration "5": missing unit after "5"/],
    ["5 s", /unknown unit " s"/],
    ["5x", /unknown unit "x" \(units: ns, us, ms, s, m, h\)/],
    ["1h5", /missing unit after "5"/],
    ["s", /expected a number at "s"/],
    ["-", /expected a number followed by a unit/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseDuration(text), (error: unknown) => {
      assert.ok(error instanceof DurationError);
      assert.match(error.message, message);
      assert.equal(error.text, text);
      return true;
    });
  }
});

Deno.test("formatDuration writes what parseDuration reads", () => {
  for (const ms of [0, 0.5, 200, 1500, 90_000, 3_600_000, 9_930_000, -2500]) {
    assert.equal(parseDuration(formatDuration(ms)), ms, formatDuration(ms));
  }
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(200), "200ms");
});

Deno.test("parseConfigDuration takes Go strings and millisecond numbers, naming the path", () => {
  assert.equal(parseConfigDuration(" 1m30s ", "a::b"), 90_000);
  assert.equal(parseConfigDuration(250, "a::b"), 250);
  assert.equal(parseConfigDuration("0", "a::b"), 0);
  assert.equal(parseConfigDuration("-2s", "a::b", true), -2000);
  const cases: [unknown, RegExp][] = [
    ["5x", /^exporters::otlp::timeout: invalid duration "5x": unknown unit "x"/],
    ["-2s", /^exporters::otlp::timeout: expected a duration of zero or more, got "-2s"/],
    [-1, /^exporters::otlp::timeout: expected a duration of zero or more, got -1/],
    [Infinity, /^exporters::otlp::timeout: expected a duration such as "5s".*got Infinity/],
    [true, /^exporters::otlp::timeout: expected a duration such as "5s".*got true/],
    [null, /^exporters::otlp::timeout: expected a duration such as "5s".*got null/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => parseConfigDuration(value, "exporters::otlp::timeout"),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
  assert.throws(
    () => parseConfigDuration("1h5", "x"),
    (error: unknown) => (error as Error).cause instanceof DurationError,
  );
});
