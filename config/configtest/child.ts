// A server in a child process, for tests that judge its memory: `Deno.memoryUsage().rss` of the
// test process also counts every other test file `deno test --parallel` runs in it.

/** A child process running a server script. */
export interface ChildServer {
  /** The port the script printed. */
  readonly port: number;
  /** The child's resident memory now, in bytes (`VmRSS`). */
  rssBytes(): number;
  /** Stops the child and waits for it. */
  close(): Promise<void>;
  /** The same as {@linkcode ChildServer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Runs `script` (TypeScript, evaluated with every permission, in the working directory `cwd`)
 * in a child process; the script starts a server and prints `PORT <n>` as its first line, then
 * runs until its stdin closes.
 *
 * @param script The module source.
 * @param cwd Where it runs (so that its imports resolve through that package's import map).
 */
export async function startChildServer(script: string, cwd: URL): Promise<ChildServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  let text = "";
  const deadline = Date.now() + 30_000;
  while (!text.includes("\n") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const match = /^PORT (\d+)/.exec(text);
  if (match === null) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`child server did not start: ${text} ${await stderr}`);
  }
  const drain = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await child.stdin.close().catch(() => {});
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await child.status;
    clearTimeout(timer);
    await drain;
    await stderr;
  };
  return {
    port: Number(match[1]),
    rssBytes: () => {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
