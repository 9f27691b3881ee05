import assert from "node:assert/strict";
import { ID } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import {
  createDefaultConfig,
  createFileStorage,
  databaseFileName,
  setStorageInstance,
} from "./mod.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) =>
  data === undefined ? undefined : new TextDecoder().decode(data);

async function storageIn(directory: string, overrides = {}) {
  const extension = createFileStorage(nopSettings("extension", "file_storage"), {
    ...createDefaultConfig(),
    directory,
    ...overrides,
  });
  await extension.start(nopHost());
  return extension;
}

Deno.test("file_storage: set, get, delete and batch persist across restarts", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const first = await storageIn(directory);
    const client = await first.getClient("exporter", new ID("otlp", "a"), "traces");
    await client.set("one", bytes("1"));
    await client.batch([
      { type: "set", key: "two", value: bytes("2") },
      { type: "set", key: "three", value: bytes("3") },
      { type: "delete", key: "one" },
    ]);
    await client.delete("missing");
    await first.shutdown();
    await assert.rejects(client.get("two"), /closed/);

    const second = await storageIn(directory);
    const again = await second.getClient("exporter", new ID("otlp", "a"), "traces");
    assert.equal(text(await again.get("one")), undefined);
    assert.equal(text(await again.get("two")), "2");
    assert.equal(text(await again.get("three")), "3");
    const other = await second.getClient("exporter", new ID("otlp", "a"), "logs");
    assert.equal(text(await other.get("two")), undefined, "clients are isolated");
    await second.shutdown();
    const files = [...Deno.readDirSync(directory)].map((e) => e.name);
    assert.ok(files.includes("exporter_otlp_a_traces.sqlite"), files.join(","));
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("file_storage: a failing batch leaves nothing behind", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const storage = await storageIn(directory);
    const client = await storage.getClient("exporter", new ID("otlp"), "traces");
    await client.set("kept", bytes("old"));
    await assert.rejects(client.batch([
      { type: "set", key: "kept", value: bytes("new") },
      // A non-bytes value makes SQLite's NOT NULL constraint fail mid-transaction.
      { type: "set", key: "broken", value: null as unknown as Uint8Array },
    ]));
    assert.equal(text(await client.get("kept")), "old");
    assert.equal(await client.get("broken"), undefined);
    await storage.shutdown();
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("file_storage: directory checks and one client per database", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const missing = `${directory}/nested/dir`;
    const strict = createFileStorage(nopSettings("extension", "file_storage/x"), {
      ...createDefaultConfig(),
      directory: missing,
    });
    await assert.rejects(
      strict.start(nopHost()),
      /extensions::file_storage\/x::directory: .*does not exist/,
    );
    await strict.shutdown();
    const creating = await storageIn(missing, { create_directory: true });
    assert.ok(Deno.statSync(missing).isDirectory);
    await creating.getClient("exporter", new ID("otlp"), "traces");
    await assert.rejects(
      creating.getClient("exporter", new ID("otlp"), "traces"),
      /already open/,
    );
    await creating.shutdown();
    assert.throws(
      () =>
        createFileStorage(nopSettings("extension", "file_storage"), {
          ...createDefaultConfig(),
          directory: null,
        }),
      /extensions::file_storage::directory: expected a directory path/,
    );
    assert.equal(
      databaseFileName("exporter", new ID("otlp", "a:b c"), "traces"),
      "exporter_otlp_a~3ab~20c_traces.sqlite",
    );
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("file_storage: each instance has its databases; the leftovers of higher ones are handed over", async () => {
  const directory = await Deno.makeTempDir();
  const id = new ID("otlp");
  const names = () =>
    [...Deno.readDirSync(directory)].map((e) => e.name).filter((n) => n.endsWith(".sqlite")).sort();
  try {
    // A run as four instances leaves a database each.
    for (let instance = 0; instance < 4; instance++) {
      setStorageInstance(instance, 4);
      const storage = await storageIn(directory);
      const client = await storage.getClient("exporter", id, "logs");
      await client.set("from", bytes(String(instance)));
      assert.deepEqual(await client.leftovers(), [], "nothing left over while every instance runs");
      await storage.shutdown();
    }
    assert.deepEqual(names(), [
      "exporter_otlp__logs.sqlite",
      "exporter_otlp__logs~i1.sqlite",
      "exporter_otlp__logs~i2.sqlite",
      "exporter_otlp__logs~i3.sqlite",
    ]);
    // Run as two: instance 1 gets its own database and the one of instance 3.
    setStorageInstance(1, 2);
    const storage = await storageIn(directory);
    const own = await storage.getClient("exporter", id, "logs");
    assert.equal(text(await own.get("from")), "1");
    const leftovers = await own.leftovers();
    assert.deepEqual(leftovers.map((c) => c.file.replace(/.*\//, "")), [
      "exporter_otlp__logs~i3.sqlite",
    ]);
    assert.equal(text(await leftovers[0].get("from")), "3");
    await assert.rejects(own.leftovers(), /already open/, "a leftover is handed over once");
    // A leftover closed empty is removed; one still holding data stays.
    await leftovers[0].delete("from");
    await leftovers[0].close();
    assert.deepEqual(names(), [
      "exporter_otlp__logs.sqlite",
      "exporter_otlp__logs~i1.sqlite",
      "exporter_otlp__logs~i2.sqlite",
    ]);
    await storage.shutdown();
    setStorageInstance(0, 1);
    const single = await storageIn(directory);
    const first = await single.getClient("exporter", id, "logs");
    const rest = await first.leftovers();
    assert.deepEqual(rest.map((c) => c.file.replace(/.*\//, "")), [
      "exporter_otlp__logs~i1.sqlite",
      "exporter_otlp__logs~i2.sqlite",
    ]);
    await single.shutdown();
    assert.equal(names().length, 3, "leftovers that still hold data are kept");
    assert.throws(() => setStorageInstance(2, 2), /instance 2 of 2: expected integers/);
  } finally {
    setStorageInstance(0, 1);
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("file_storage: committed batches survive SIGKILL", async () => {
  const directory = await Deno.makeTempDir();
  try {
    // The child commits batches {n: value, last: n} forever and reports each commit.
    const script = `
      import { createDefaultConfig, createFileStorage } from "@denocol/filestorage";
      import { ID } from "@denocol/component";
      import { nopHost, nopSettings } from "@denocol/component/componenttest";
      const storage = createFileStorage(nopSettings("extension", "file_storage"), {
        ...createDefaultConfig(), directory: ${JSON.stringify(directory)} });
      await storage.start(nopHost());
      const client = await storage.getClient("exporter", new ID("otlp"), "traces");
      const enc = new TextEncoder();
      for (let n = 1; ; n++) {
        await client.batch([
          { type: "set", key: "item" + n, value: enc.encode("v" + n) },
          { type: "set", key: "last", value: enc.encode(String(n)) },
        ]);
        await Deno.stdout.write(enc.encode(n + "\\n"));
      }`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", script],
      cwd: new URL(".", import.meta.url).pathname,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let acknowledged = 0;
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    while (acknowledged < 300) {
      const { value, done } = await reader.read();
      if (done) throw new Error("child exited early");
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      if (lines.length > 0) acknowledged = Number(lines.at(-1));
    }
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel().catch(() => {});

    const storage = await storageIn(directory);
    const client = await storage.getClient("exporter", new ID("otlp"), "traces");
    const last = Number(text(await client.get("last")));
    assert.ok(last >= acknowledged, `last ${last} < acknowledged ${acknowledged}`);
    for (let n = 1; n <= last; n++) {
      assert.equal(text(await client.get(`item${n}`)), `v${n}`);
    }
    assert.equal(await client.get(`item${last + 1}`), undefined, "no half-written batch");
    await storage.shutdown();
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("file_storage: the factory creates a working extension", async () => {
  const { factory } = await import("./mod.ts");
  const directory = await Deno.makeTempDir();
  try {
    assert.equal(factory.type, "file_storage");
    assert.throws(
      () => factory.validateConfig!({ ...factory.createDefaultConfig(), timeout: "soon" }),
      /extensions::file_storage::timeout: invalid duration/,
    );
    const extension = factory.create(nopSettings("extension", "file_storage"), {
      ...factory.createDefaultConfig(),
      directory,
    }) as ReturnType<typeof createFileStorage>;
    await extension.start(nopHost());
    const client = await extension.getClient("exporter", new ID("otlp"), "logs");
    await client.set("k", bytes("v"));
    assert.equal(text(await client.get("k")), "v");
    await extension.shutdown();
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});
