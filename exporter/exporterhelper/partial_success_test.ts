import assert from "node:assert/strict";
import { newLogger } from "@denocol/component";
import { partialSuccessOf } from "./partial_success.ts";

Deno.test("partialSuccessOf: rejected items count, a rejection of none is only a warning", () => {
  const lines: string[] = [];
  const logger = newLogger({ level: "debug", write: (line: string) => lines.push(line) });
  assert.equal(partialSuccessOf(undefined, logger), undefined);
  assert.deepEqual(partialSuccessOf({ rejected: 3, message: "too old" }, logger), {
    rejectedItems: 3,
    errorMessage: "too old",
  });
  assert.equal(lines.length, 0);
  assert.equal(partialSuccessOf({ rejected: 0, message: "just saying" }, logger), undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /no rejected items/);
  assert.match(lines[0], /just saying/);
});
