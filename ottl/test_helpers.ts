// Helpers of the OTTL tests: run statements on one log record built from plain values.

import assert from "node:assert/strict";
import { AttributeMap, type Logs, logs, type PlainValue, toAnyValue } from "@denocol/pdata";
import { compileGroup, OttlGroupError } from "./groups.ts";
import { OttlCompileError } from "./errors.ts";
import { logContexts, standardFunctions } from "./signals.ts";
import { newTransformContext, walkLogs } from "./traverse.ts";

/** A log record with these attributes (and body), as OTLP/JSON builds it. */
export function logWith(attributes: Record<string, PlainValue>, body?: PlainValue): Logs {
  const data = logs.decodeJson(JSON.stringify({
    resourceLogs: [{ scopeLogs: [{ logRecords: [{}] }] }],
  }));
  const record = data.resourceLogs[0].scopeLogs[0].logRecords[0];
  new AttributeMap(record.attributes).replaceWith(attributes as Record<string, PlainValue>);
  if (body !== undefined) record.body = toAnyValue(body);
  return data;
}

/** Runs `statements` on one log record; returns its attributes as plain values. */
export function run(
  statements: string[],
  attributes: Record<string, PlainValue> = {},
  body?: PlainValue,
): Record<string, unknown> {
  const data = logWith(attributes, body);
  const group = compileGroup(logContexts(standardFunctions()), { statements }, {
    errorMode: "propagate",
  });
  walkLogs(data, group.context, newTransformContext(), (t) => group.execute(t));
  return new AttributeMap(data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes).toObject();
}

/** The value `expression` gives (stored by `set` into attribute `out`). */
export function value(expression: string, attributes: Record<string, PlainValue> = {}): unknown {
  return run([`set(log.attributes["out"], ${expression})`], attributes).out;
}

export function compileFails(statement: string, message: RegExp): void {
  assert.throws(
    () =>
      compileGroup(logContexts(standardFunctions()), { statements: [statement] }, {
        errorMode: "propagate",
      }),
    (error: unknown) =>
      error instanceof OttlGroupError && error.compileError instanceof OttlCompileError &&
      message.test(error.message),
    statement,
  );
}

export function runFails(statement: string, message: RegExp, attributes = {}): void {
  assert.throws(() => run([statement], attributes), message, statement);
}
