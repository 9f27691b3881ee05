// The persistent queue across a crash, with the exporter in a child process: the test feeds the
// child one batch at a time and kills it with SIGKILL the instant it reads the child's
// acknowledgement of a batch (`consume` resolved, "queued <n>" printed), before it does anything
// else; then a new process resumes from the store. Every acknowledged batch must arrive: a queue that resolved `consume` before its
// write was committed loses the batches acknowledged just before the kill.
import assert from "node:assert/strict";
import { Backend } from "./testutil_test.ts";

const CHILD = new URL("./testdata/persistent_child.ts", import.meta.url).pathname;

/** A running child and every stdout line it printed so far. */
interface RunningChild {
  child: Deno.ChildProcess;
  lines: string[];
  /** Resolves once stdout is closed (the child exited); `lines` is then complete. */
  closed: Promise<void>;
}

/**
 * Runs the child and resolves once a line satisfies `until`. With `killAtAck`, the child is paced
 * (`--paced`): the test lets it queue one batch at a time and sends SIGKILL, synchronously,
 * at the moment it reads the matching acknowledgement, before anything else runs.
 */
async function runChild(
  args: string[],
  until: (line: string) => boolean,
  killAtAck = false,
): Promise<RunningChild> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, ...args, ...(killAtAck ? ["--paced"] : [])],
    cwd: new URL(".", import.meta.url).pathname,
    stdin: killAtAck ? "piped" : "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const go = killAtAck ? child.stdin.getWriter() : undefined;
  const next = () => void go?.write(new TextEncoder().encode("\n")).catch(() => {});
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let matched!: () => void;
  const found = new Promise<void>((resolve) => matched = resolve);
  // Reads to the end so that every line printed before the kill is seen, and the child never
  // blocks on a full pipe.
  const closed = (async () => {
    let done = false;
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += chunk.value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (done) continue;
        if (until(line)) {
          if (killAtAck) child.kill("SIGKILL");
          done = true;
          matched();
        } else if (line.startsWith("queued ")) {
          next();
        }
      }
    }
    await go?.close().catch(() => {});
  })();
  next();
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    await Promise.race([
      found,
      closed.then(() => {
        throw new Error(`child exited before the condition; last lines: ${lines.slice(-3)}`);
      }),
    ]);
  } finally {
    clearTimeout(deadline);
  }
  return { child, lines, closed };
}

Deno.test("otlphttp + file_storage: SIGKILL at the instant a batch is acknowledged, then restart: every acknowledged batch arrives", async () => {
  const directory = await Deno.makeTempDir({ prefix: "denocol-pq-" });
  const backend = new Backend();
  // Phase 1: the backend accepts one request in three and answers 503 to the rest, so the
  // killed process has sent some, has some in flight and many waiting.
  backend.responder = (_r, i) => (i % 3 === 0 ? undefined : new Response(null, { status: 503 }));
  const batches = 200;
  const perBatch = 50;
  const killAt = 100;
  try {
    const first = await runChild(
      [directory, backend.url, String(batches), String(perBatch)],
      (line) => line === `queued ${killAt}`,
      true,
    );
    const status = await first.child.status;
    await first.closed;
    assert.equal(status.signal, "SIGKILL");
    // Paced, the child queues nothing after the line that triggered the kill.
    const acknowledged = Math.max(
      ...first.lines.filter((l) => l.startsWith("queued ")).map((l) => Number(l.slice(7))),
    );
    assert.equal(acknowledged, killAt);
    const beforeRestart = backend.acceptedSpanNames().length;
    assert.ok(
      beforeRestart < acknowledged * perBatch,
      "some spans must still be unsent at the kill",
    );

    // Phase 2: the backend is healthy; a new process resumes from the store.
    backend.responder = () => undefined;
    const second = await runChild([directory, backend.url, "0", "0"], (line) => line === "drained");
    await second.child.status;
    await second.closed;

    const names = backend.acceptedSpanNames();
    const unique = new Set(names);
    const missing: string[] = [];
    for (let b = 0; b < acknowledged; b++) {
      for (let s = 0; s < perBatch; s++) {
        if (!unique.has(`k-${b}-${s}`)) missing.push(`k-${b}-${s}`);
      }
    }
    assert.deepEqual(
      missing.slice(0, 5),
      [],
      `${missing.length} spans of the ${acknowledged} acknowledged batches lost (first shown)`,
    );
    // Nothing the child never queued may arrive.
    const unexpected = [...unique].filter((n) => {
      const match = /^k-(\d+)-(\d+)$/.exec(n);
      return match === null || Number(match[1]) >= acknowledged || Number(match[2]) >= perBatch;
    });
    assert.deepEqual(unexpected, []);
    const duplicates = names.length - unique.size;
    console.log(
      `SIGKILL test: killed at the acknowledgement of batch ${killAt} (${acknowledged} of ` +
        `${batches} batches acknowledged), ${beforeRestart} spans accepted before the kill, ` +
        `${unique.size} distinct after the restart, ${duplicates} duplicates (at-least-once ` +
        `re-sends of in-flight requests)`,
    );
    // Only requests in flight at the kill can be sent twice: at most num_consumers batches.
    assert.ok(duplicates <= 4 * perBatch, `${duplicates} duplicates`);
  } finally {
    await backend.close();
    await Deno.remove(directory, { recursive: true });
  }
});
