import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { createDefaultConfig, factory, UnauthenticatedError, validateConfig } from "./mod.ts";

const settings = nopSettings("extension", "bearertokenauth");
const headers = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([k, v]) => [k, [v]]));

Deno.test("bearertokenauth: accepts the configured token with its scheme only", async () => {
  const auth = factory.create(settings, { ...createDefaultConfig(), token: "s3cr3t" });
  await auth.start(nopHost());
  const authenticator = auth as unknown as {
    authenticate(h: ReadonlyMap<string, readonly string[]>): Promise<unknown>;
  };
  assert.deepEqual(await authenticator.authenticate(headers({ authorization: "Bearer s3cr3t" })), {
    authenticator: "bearertokenauth",
    attributes: {},
  });
  await assert.rejects(
    authenticator.authenticate(headers({ authorization: "Bearer wrong" })),
    (error) => error instanceof UnauthenticatedError && !error.message.includes("wrong"),
  );
  await assert.rejects(authenticator.authenticate(headers({ authorization: "s3cr3t" })));
  await assert.rejects(authenticator.authenticate(headers({})), /missing or empty/);
  await auth.shutdown();
});

Deno.test("bearertokenauth: several tokens, custom header, no scheme", async () => {
  const auth = factory.create(settings, {
    ...createDefaultConfig(),
    header: "X-Api-Key",
    scheme: "",
    tokens: ["one", "two"],
  }) as unknown as {
    authenticate(h: ReadonlyMap<string, readonly string[]>): Promise<unknown>;
  };
  await auth.authenticate(headers({ "x-api-key": "two" }));
  await auth.authenticate(headers({ "x-api-key": "one" }));
  await assert.rejects(auth.authenticate(headers({ "x-api-key": "three" })));
  await assert.rejects(auth.authenticate(headers({ authorization: "one" })));
});

Deno.test("bearertokenauth: tokens from a file, re-read when it changes", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/tokens`;
  await Deno.writeTextFile(file, "first\n");
  const component = factory.create(settings, { ...createDefaultConfig(), filename: file });
  const auth = component as unknown as {
    authenticate(h: ReadonlyMap<string, readonly string[]>): Promise<unknown>;
  };
  try {
    await component.start(nopHost());
    await auth.authenticate(headers({ authorization: "Bearer first" }));
    await Deno.writeTextFile(file, "second\nthird\n");
    let accepted = false;
    for (let i = 0; i < 100 && !accepted; i++) {
      accepted = await auth.authenticate(headers({ authorization: "Bearer third" })).then(
        () => true,
        () => false,
      );
      if (!accepted) await new Promise((wake) => setTimeout(wake, 20));
    }
    assert.ok(accepted, "the new token is accepted after the file changed");
    await assert.rejects(auth.authenticate(headers({ authorization: "Bearer first" })));
  } finally {
    await component.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bearertokenauth: a missing token file fails the start", async () => {
  const component = factory.create(settings, {
    ...createDefaultConfig(),
    filename: "/nonexistent/denocol/tokens",
  });
  await assert.rejects(component.start(nopHost()), /filename: cannot read/);
  await component.shutdown();
});

Deno.test("bearertokenauth: config validation", () => {
  assert.throws(() => validateConfig(createDefaultConfig()), /no bearer token provided/);
  assert.throws(
    () => validateConfig({ ...createDefaultConfig(), token: "a", tokens: ["b"] }),
    /either tokens or token/,
  );
  validateConfig({ ...createDefaultConfig(), token: "a" });
});
