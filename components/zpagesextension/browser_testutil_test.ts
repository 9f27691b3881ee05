// A headless Chromium driven over the DevTools protocol (its WebSocket, which Deno has built
// in), for the status page tests; this file has no tests of its own.

/** Where Debian's `chromium` package puts the browser, or `undefined` when it is not there. */
export function findChromium(): string | undefined {
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One page of a headless browser. */
export class BrowserPage {
  readonly #socket: WebSocket;
  readonly #sessionId: string;
  readonly #pending: Map<number, Pending>;
  readonly #nextId: { value: number };

  private constructor(
    socket: WebSocket,
    sessionId: string,
    pending: Map<number, Pending>,
    nextId: { value: number },
  ) {
    this.#socket = socket;
    this.#sessionId = sessionId;
    this.#pending = pending;
    this.#nextId = nextId;
  }

  /** Opens a page on the browser at `socket`. */
  static async open(
    socket: WebSocket,
    pending: Map<number, Pending>,
    nextId: { value: number },
  ): Promise<BrowserPage> {
    const send = (method: string, params: Record<string, unknown>, sessionId?: string) =>
      call(socket, pending, nextId, method, params, sessionId);
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
    const page = new BrowserPage(socket, String(sessionId), pending, nextId);
    await page.send("Page.enable", {});
    await page.send("Runtime.enable", {});
    return page;
  }

  /** Sends a command to the page. */
  send(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return call(this.#socket, this.#pending, this.#nextId, method, params, this.#sessionId);
  }

  /** Loads `url`. */
  async goto(url: string): Promise<void> {
    await this.send("Page.navigate", { url });
  }

  /** The value of `expression` evaluated in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    const exception = answer.exceptionDetails as { text?: string; exception?: unknown } | undefined;
    if (exception !== undefined) {
      throw new Error(`page: ${exception.text} ${JSON.stringify(exception.exception)}`);
    }
    return (answer.result as { value: T }).value;
  }

  /**
   * Polls `expression` until it is truthy (its value), failing after `ms` with `what`. An
   * evaluation that throws counts as not yet: while a navigation commits, the document may have
   * no body, or the context the expression ran in may be replaced.
   */
  async waitFor<T>(what: string, expression: string, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const value = await this.evaluate<T>(expression);
        if (value) return value;
        last = value;
      } catch (error) {
        last = `${error}`;
      }
      await new Promise((wake) => setTimeout(wake, 100));
    }
    throw new Error(`timed out waiting for ${what}; last value or error ${JSON.stringify(last)}`);
  }
}

function call(
  socket: WebSocket,
  pending: Map<number, Pending>,
  nextId: { value: number },
  method: string,
  params: Record<string, unknown>,
  sessionId?: string,
): Promise<Record<string, unknown>> {
  const id = nextId.value++;
  const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
    pending.set(id, { resolve, reject });
  });
  socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  return answer;
}

/** A headless Chromium with its DevTools socket; `close` ends the process and its profile. */
export class Browser {
  readonly #process: Deno.ChildProcess;
  readonly #socket: WebSocket;
  readonly #profile: string;
  readonly #pending = new Map<number, Pending>();
  readonly #nextId = { value: 1 };

  private constructor(process: Deno.ChildProcess, socket: WebSocket, profile: string) {
    this.#process = process;
    this.#socket = socket;
    this.#profile = profile;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (typeof message.id !== "number") return;
      const waiting = this.#pending.get(message.id);
      if (waiting === undefined) return;
      this.#pending.delete(message.id);
      if (message.error) waiting.reject(new Error(JSON.stringify(message.error)));
      else waiting.resolve(message.result ?? {});
    };
  }

  /** Starts `executable` headless and connects to it. */
  static async launch(executable: string): Promise<Browser> {
    const profile = await Deno.makeTempDir({ prefix: "denocol-chromium-" });
    const process = new Deno.Command(executable, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const url = await devtoolsUrl(process.stderr);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new Browser(process, socket, profile);
  }

  /** Opens a new page. */
  newPage(): Promise<BrowserPage> {
    return BrowserPage.open(this.#socket, this.#pending, this.#nextId);
  }

  /** Ends the browser and removes its profile. */
  async close(): Promise<void> {
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
    try {
      this.#process.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.#process.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** Reads stderr until the DevTools line, then keeps draining it so the browser never blocks. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
    if (match !== null) {
      (async () => {
        while (!(await reader.read()).done) {
          // drained
        }
      })().catch(() => {});
      return match[1];
    }
  }
  throw new Error(`chromium printed no DevTools URL; its stderr:\n${text}`);
}
