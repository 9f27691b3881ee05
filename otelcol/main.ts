/**
 * The `otelcol` command: runs the denocol collector.
 *
 * ```sh
 * deno task collector --config config.yaml
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import denoJson from "./deno.json" with { type: "json" };

/** Usage text printed by `--help`. */
export const USAGE = `Usage: otelcol [command] [flags]

Commands:
  validate      check the configuration and exit
  components    list the built-in components and their stability

Flags:
  --config <file>         configuration file (repeatable)
  --set <key.path=value>  override one configuration value (repeatable)
  --feature-gates <list>  comma-separated feature gates to enable (prefix - to disable)
  --version               print the version and exit
  --help                  print this help and exit
`;

/**
 * Runs the command line and returns the process exit code.
 *
 * @param args the arguments after the program name
 */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: "string", multiple: true },
        set: { type: "string", multiple: true },
        "feature-gates": { type: "string", multiple: true },
        version: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`otelcol: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.values.version) {
    console.log(`otelcol (denocol) ${denoJson.version}`);
    return 0;
  }
  await Promise.resolve();
  console.error("otelcol: the service is not implemented yet");
  return 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
