import assert from "node:assert/strict";
import { Backend } from "./testutil_test.ts";

const CHILD = new URL("./testdata/persistent_child.ts", import.meta.url).pathname;

/** Runs the child, calling `onLine` per stdout line; resolves with the child when `until` holds. */
async function runChild(
  args: string[],
  until: (line: string) => boolean,
): Promise<{ child: Deno.ChildProcess; lines: string[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, ...args],
    cwd: new URL(".", import.meta.url).pathname,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(`child exited before the condition; last lines: ${lines.slice(-3)}`);
      }
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (until(line)) {
          reader.releaseLock();
          // Keep draining stdout so the child never blocks on a full pipe.
          child.stdout.pipeTo(new WritableStream()).catch(() => {});
          return { child, lines };
        }
      }
    }
  } finally {
    clearTimeout(deadline);
  }
}

Deno.test("otlphttp + file_storage: SIGKILL mid-export then restart loses nothing", async () => {
  const directory = await Deno.makeTempDir({ prefix: "denocol-pq-" });
  const backend = new Backend();
  // Phase 1: the backend accepts one request in three and answers 503 to the rest, so the
  // killed process has sent some, has some in flight and many waiting.
  backend.responder = (_r, i) => (i % 3 === 0 ? undefined : new Response(null, { status: 503 }));
  const batches = 200;
  const perBatch = 50;
  try {
    const first = await runChild(
      [directory, backend.url, String(batches), String(perBatch)],
      (line) => line === `queued ${batches}`,
    );
    await new Promise((r) => setTimeout(r, 150));
    first.child.kill("SIGKILL");
    const status = await first.child.status;
    assert.equal(status.signal, "SIGKILL");
    const beforeRestart = backend.acceptedSpanNames().length;
    assert.ok(beforeRestart < batches * perBatch, "some spans must still be unsent at the kill");

    // Phase 2: the backend is healthy; a new process resumes from the store.
    backend.responder = () => undefined;
    const second = await runChild([directory, backend.url, "0", "0"], (line) => line === "drained");
    await second.child.status;

    const names = backend.acceptedSpanNames();
    const unique = new Set(names);
    const expected = batches * perBatch;
    const missing: string[] = [];
    for (let b = 0; b < batches; b++) {
      for (let s = 0; s < perBatch; s++) {
        if (!unique.has(`k-${b}-${s}`)) missing.push(`k-${b}-${s}`);
      }
    }
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} spans lost`);
    assert.equal(unique.size, expected);
    const duplicates = names.length - unique.size;
    console.log(
      `SIGKILL test: ${expected} spans, ${beforeRestart} accepted before the kill, ` +
        `${duplicates} duplicates (at-least-once re-sends of in-flight requests)`,
    );
    // Only requests in flight at the kill can be sent twice: at most num_consumers batches.
    assert.ok(duplicates <= 4 * perBatch, `${duplicates} duplicates`);
  } finally {
    await backend.close();
    await Deno.remove(directory, { recursive: true });
  }
});
