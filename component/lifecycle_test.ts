import assert from "node:assert/strict";
import {
  type Component,
  guardLifecycle,
  type Host,
  newBaseFactory,
  newComponent,
  SignalNotSupportedError,
  withValidateConfig,
} from "./mod.ts";
import { nopHost } from "./componenttest/mod.ts";

Deno.test("newComponent runs start and shutdown hooks once each", async () => {
  let starts = 0;
  let shutdowns = 0;
  const component = newComponent({ start: () => void starts++, shutdown: () => void shutdowns++ });
  const host = nopHost();
  await Promise.all([component.start(host), component.start(host)]);
  await component.shutdown();
  await component.shutdown();
  assert.equal(starts, 1);
  assert.equal(shutdowns, 1);
});

Deno.test("shutdown runs after a failed start and a later start is refused", async () => {
  const events: string[] = [];
  const component = newComponent({
    start: () => {
      events.push("start");
      throw new Error("port in use");
    },
    shutdown: () => void events.push("shutdown"),
  });
  await assert.rejects(component.start(nopHost()), /port in use/);
  await assert.rejects(component.start(nopHost()), /port in use/);
  await component.shutdown();
  await assert.rejects(component.start(nopHost()), /already been shut down/);
  assert.deepEqual(events, ["start", "shutdown"]);
});

Deno.test("shutdown without start still releases resources", async () => {
  let released = false;
  await newComponent({ shutdown: () => void (released = true) }).shutdown();
  assert.ok(released);
});

Deno.test("shutdown waits for a start in progress", async () => {
  const events: string[] = [];
  let finishStart = () => {};
  const component = newComponent({
    start: () =>
      new Promise<void>((resolve) => {
        finishStart = () => {
          events.push("started");
          resolve();
        };
      }),
    shutdown: () => void events.push("stopped"),
  });
  const starting = component.start(nopHost());
  const stopping = component.shutdown();
  await Promise.resolve();
  assert.deepEqual(events, []);
  finishStart();
  await Promise.all([starting, stopping]);
  assert.deepEqual(events, ["started", "stopped"]);
});

Deno.test("guardLifecycle keeps other members and makes shutdown idempotent", async () => {
  class Listener implements Component {
    closes = 0;
    hostSeen: Host | undefined;
    start(host: Host): Promise<void> {
      this.hostSeen = host;
      return Promise.resolve();
    }
    shutdown(): Promise<void> {
      this.closes++;
      return Promise.resolve();
    }
  }
  const listener = guardLifecycle(new Listener());
  const host = nopHost();
  await listener.start(host);
  await listener.shutdown();
  await listener.shutdown();
  assert.equal(listener.closes, 1);
  assert.equal(listener.hostSeen, host);
});

Deno.test("newBaseFactory validates the type and applies config options", () => {
  assert.throws(() => newBaseFactory("bad-type", () => ({}), []), /invalid component type/);
  const factory = newBaseFactory("ok", () => ({ port: 1 }), [
    withValidateConfig((config: { port: number }) => {
      if (config.port < 1) throw new Error("port: expected >= 1");
    }),
  ]);
  assert.equal(factory.type, "ok");
  factory.validateConfig?.({ port: 1 });
  assert.throws(() => factory.validateConfig?.({ port: 0 }), /port: expected >= 1/);
});

Deno.test("SignalNotSupportedError names the kind, type and signal", () => {
  const error = new SignalNotSupportedError("receiver", "filelog", "traces");
  assert.equal(error.message, 'receiver "filelog" does not support the traces signal');
  assert.equal(error.signal, "traces");
});
