import assert from "node:assert/strict";
import { isServerAuthenticator } from "./mod.ts";

Deno.test("isServerAuthenticator recognises an extension with authenticate and nothing else", () => {
  const authenticator = {
    start: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    authenticate: () => Promise.resolve({ authenticator: "test", attributes: {} }),
  };
  assert.equal(isServerAuthenticator(authenticator), true);
  assert.equal(isServerAuthenticator({ start: () => Promise.resolve() }), false);
  assert.equal(isServerAuthenticator({ authenticate: "not a function" }), false);
  assert.equal(isServerAuthenticator(null), false);
  assert.equal(isServerAuthenticator(undefined), false);
});
