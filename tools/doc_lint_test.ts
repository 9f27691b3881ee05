import assert from "node:assert/strict";
import { parseDocLintOutput } from "./doc_lint.ts";

const SAMPLE = `error[private-type-ref]: public type 'GenMessage' references private type 'brandv2'
  --> /root/.cache/deno/npm/registry.npmjs.org/@bufbuild/protobuf/2.17.0/dist/esm/codegenv2/types.d.ts:18:1
   | - this is the referenced type

error[missing-jsdoc]: exported symbol is missing JSDoc documentation
   --> /work/main/consumer/consumer.ts:12:1
    |
12 | export function f() {}

error: Found 2 documentation lint errors.
`;

Deno.test("doc lint keeps findings in our files and sets aside those inside npm packages", () => {
  const findings = parseDocLintOutput(SAMPLE);
  assert.equal(findings.length, 2);
  assert.deepEqual(findings.map((f) => f.inNpmPackage), [true, false]);
  assert.match(findings[1].text, /consumer\/consumer\.ts:12:1/);
});

Deno.test("doc lint output without findings parses to none", () => {
  assert.deepEqual(parseDocLintOutput(""), []);
});
