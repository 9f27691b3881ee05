import assert from "node:assert/strict";
import { parse } from "yaml";
import denoJson from "./deno.json" with { type: "json" };
import { main, parseWorkers } from "./main.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

async function run(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** `file:line:column` of the first `needle` in `text`, located by hand. */
function at(file: string, text: string, needle: string): string {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `fixture error: ${needle} not in text`);
  const before = text.slice(0, offset).split("\n");
  return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
}

async function withConfigFile<T>(text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/config.yaml`;
    await Deno.writeTextFile(file, text.replaceAll("$DIR", dir));
    return await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("otelcol --version prints the package version", async () => {
  const result = await run("--version");
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), `otelcol (denocol) ${denoJson.version}`);
});

Deno.test("otelcol --help prints usage with every flag", async () => {
  const result = await run("--help");
  assert.equal(result.code, 0);
  for (const flag of ["--config", "--set", "--feature-gates", "validate", "components"]) {
    assert.ok(result.stdout.includes(flag), flag);
  }
});

Deno.test("otelcol rejects an unknown flag or command with usage and exit code 2", async () => {
  const flag = await run("--no-such-flag");
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /no-such-flag/);
  const command = await run("frobnicate");
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command "frobnicate"/);
});

Deno.test("otelcol components lists every core factory with its stability per signal", async () => {
  const result = await run("components");
  assert.equal(result.code, 0, result.stderr);
  const listing = parse(result.stdout);
  const names = (kind: string) =>
    (listing[kind] as { name: string }[]).map((entry) => entry.name).sort();
  assert.deepEqual(names("receivers"), ["nop", "otlp", "pprof"]);
  assert.deepEqual(names("processors"), [
    "attributes",
    "batch",
    "filter",
    "memory_limiter",
    "resource",
    "script",
    "transform",
  ]);
  assert.deepEqual(names("exporters"), [
    "debug",
    "loadbalancing",
    "nop",
    "otlp",
    "otlphttp",
    "pprof",
  ]);
  assert.deepEqual(names("connectors"), ["forward", "profilestometrics", "routing"]);
  assert.deepEqual(names("extensions"), [
    "bearertokenauth",
    "file_storage",
    "health_check",
    "zpages",
  ]);
  const otlp = listing.receivers.find((entry: { name: string }) => entry.name === "otlp");
  assert.equal(otlp.stability.traces, "Stable");
  assert.ok(typeof otlp.stability.profiles === "string", "the otlp receiver lists profiles");
  const forward = listing.connectors[0];
  assert.equal(forward.stability["traces-to-traces"], "Beta");
  assert.ok(typeof listing.extensions[0].stability.extension === "string");
  assert.equal(listing.buildinfo.version, denoJson.version);
});

/**
 * Configuration shaped like the Go collector's documentation for the core components.
 * (memory_limiter is left out: its duration keys default to numbers, so the documented
 * `check_interval: 1s` is refused by the config decoder; reported to its owner.)
 */
const GO_SHAPED = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318
  nop:

processors:
  batch:
    send_batch_size: 10000
    timeout: 10s

exporters:
  otlp:
    endpoint: otelcol2:4317
  otlphttp:
    endpoint: https://example.com:4318
  debug:
    verbosity: detailed
  nop:

connectors:
  forward:

extensions:
  file_storage:
    directory: $DIR
  bearertokenauth:
    token: "somerandomtoken"

service:
  extensions: [file_storage, bearertokenauth]
  telemetry:
    logs:
      level: debug
      encoding: json
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 0.0.0.0
                port: 8888
  pipelines:
    traces/in:
      receivers: [otlp]
      processors: [batch]
      exporters: [forward]
    traces/out:
      receivers: [forward]
      exporters: [otlp, debug]
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp]
    logs:
      receivers: [nop]
      exporters: [nop]
`;

Deno.test("otelcol validate accepts a Go-documentation-shaped configuration and the default one", async () => {
  await withConfigFile(GO_SHAPED, async (file) => {
    const result = await run("validate", `--config=${file}`);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /valid/);
  });
  const builtIn = await run("validate");
  assert.equal(builtIn.code, 0, builtIn.stderr);
});

Deno.test("otelcol validate rejects documented mistakes with path and line, starting nothing", async () => {
  const mistaken = GO_SHAPED
    .replace(
      "    send_batch_size: 10000\n",
      "    send_batch_size: 10000\n    send_batch_max_size: 100\n",
    )
    .replace("  otlp:\n    endpoint: otelcol2:4317\n", "  otlp:\n    compression: gzip\n")
    .replace("        endpoint: 0.0.0.0:4318\n", "        endpont: 0.0.0.0:4318\n")
    .replace("      exporters: [otlp, debug]", "      exporters: [otlp, debugg]")
    // The port would be taken if validate started anything; it must not.
    .replace("port: 8888", "port: 1");
  await withConfigFile(mistaken, async (file) => {
    const text = await Deno.readTextFile(file);
    const result = await run("validate", `--config=${file}`);
    assert.equal(result.code, 1, result.stdout);
    const expectations: [string, RegExp][] = [
      [
        at(file, text, "endpont"),
        /receivers\.otlp\.protocols\.http\.endpont: .*unknown key/,
      ],
      [at(file, text, "batch:"), /processors\.batch.*send_batch_max_size/],
      [at(file, text, "otlp:\n    compression"), /exporters\.otlp.*endpoint/],
      [
        at(file, text, "debugg"),
        /service\.pipelines\.traces\/out\.exporters\[1\]: exporter "debugg"/,
      ],
    ];
    for (const [where, pattern] of expectations) {
      const line = result.stderr.split("\n").find((l) => l.includes(`${where}: `));
      assert.ok(line !== undefined, `an error at ${where} in:\n${result.stderr}`);
      assert.match(line, pattern);
    }
  });
});

Deno.test("otelcol validate names every built-in type beside an unknown one, whatever it loaded", async () => {
  const config = [
    "receivers:",
    "  kafka: {}",
    "exporters:",
    "  debug: {}",
    "service:",
    "  pipelines:",
    "    traces: {receivers: [kafka], exporters: [debug]}",
    "",
  ].join("\n");
  await withConfigFile(config, async (file) => {
    const result = await run("validate", `--config=${file}`);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /receivers\.kafka.*known receiver types: nop, otlp, pprof/);
  });
});

Deno.test("otelcol validate refuses a profiles pipeline without the gate, and accepts it with --feature-gates", async () => {
  const config = `receivers:
  otlp:
    protocols:
      grpc:
exporters:
  debug:
service:
  pipelines:
    profiles:
      receivers: [otlp]
      exporters: [debug]
`;
  await withConfigFile(config, async (file) => {
    const refused = await run("validate", `--config=${file}`);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /config\.yaml:9:5: service\.pipelines\.profiles: .*service\.profilesSupport/,
    );
    const accepted = await run(
      "validate",
      `--config=${file}`,
      "--feature-gates=service.profilesSupport",
    );
    assert.equal(accepted.code, 0, accepted.stderr);
  });
});

/** Reads lines of `stream` into `lines`, resolving waiters when a line matches. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const done = (async () => {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.pattern.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    }
  })();
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) => {
    const found = lines.find((line) => pattern.test(line));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no line matching ${pattern} in:\n${lines.join("\n")}`)),
        timeoutMs,
      );
      waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  };
  return { lines, waitFor, done };
}

Deno.test("otelcol runs the default configuration, serves internal metrics, and stops cleanly on SIGINT", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "--set=receivers.otlp.protocols.grpc.endpoint=127.0.0.1:0",
      "--set=receivers.otlp.protocols.http.endpoint=127.0.0.1:0",
      "--set=service.telemetry.metrics.address=127.0.0.1:0",
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = lineReader(child.stderr);
  const stdout = lineReader(child.stdout);
  try {
    await stderr.waitFor(/everything is ready/);
    const metricsLine = await stderr.waitFor(/serving internal metrics/);
    const metricsUrl = /http:\/\/[^"\s]+\/metrics/.exec(metricsLine)![0];
    const httpLine = await stderr.waitFor(/Starting HTTP server/);
    const httpEndpoint = /"endpoint":"([^"]+)"/.exec(httpLine)![1];

    const body = JSON.stringify({
      resourceSpans: [{
        scopeSpans: [{
          spans: [{
            traceId: "0102030405060708090a0b0c0d0e0f10",
            spanId: "0102030405060708",
            name: "checkout",
          }],
        }],
      }],
    });
    const posted = await fetch(`http://${httpEndpoint}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await posted.body?.cancel();
    assert.equal(posted.status, 200);

    const text = await (await fetch(metricsUrl)).text();
    assert.match(
      text,
      /^otelcol_receiver_accepted_spans(_total)?\{[^}]*receiver="otlp"[^}]*\} 1$/m,
    );
    for (
      const name of [
        "otelcol_process_memory_rss",
        "otelcol_process_uptime",
        "otelcol_process_runtime_heap_alloc_bytes",
      ]
    ) {
      assert.match(text, new RegExp(`^${name}(_total)? `, "m"), name);
    }
  } finally {
    try {
      child.kill("SIGINT");
    } catch {
      // Already exited; the status below says how.
    }
  }
  const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const status = await child.status;
  clearTimeout(timeout);
  await Promise.all([stderr.done, stdout.done]);
  assert.equal(status.code, 0, stderr.lines.join("\n"));
  assert.ok(stderr.lines.some((line) => line.includes("received SIGINT")), "logs the signal");
  assert.ok(stderr.lines.some((line) => line.includes("shutdown complete")));
  // The span went through batch into the debug exporter, at the latest when shutdown flushed it.
  const all = [...stderr.lines, ...stdout.lines].join("\n");
  assert.match(all, /\b1 span\b/);
});

Deno.test("main: --workers takes a count or auto; anything else is a usage error", async () => {
  assert.equal(parseWorkers(undefined), 1);
  assert.equal(parseWorkers("3"), 3);
  assert.equal(parseWorkers("auto"), Math.max(1, navigator.hardwareConcurrency));
  for (const bad of ["0", "-1", "two", "1.5", "100000"]) {
    assert.match(String(parseWorkers(bad)), /--workers: expected a number of worker processes/);
  }
  const errors: string[] = [];
  const code = await main(["--workers=none"], { err: (line) => errors.push(line) });
  assert.equal(code, 2);
  assert.match(errors.join("\n"), /got "none"/);
});
