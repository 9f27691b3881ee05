/**
 * The replacing editors: `replace_pattern`, `replace_all_patterns` (regular expressions, with
 * Go's group expansion), `replace_match` and `replace_all_matches` (glob patterns), each with
 * an optional function (such as `SHA256`) and format applied to the replacement.
 *
 * @module
 */

import { AttributeMap } from "@denocol/pdata";
import { OttlRuntimeError } from "./errors.ts";
import {
  type Argument,
  type FunctionArgument,
  type FunctionDefinition,
  optional,
  param,
} from "./functions.ts";
import type { GetSetter, Getter } from "./paths.ts";
import { expandTemplate, replaceAllMatches } from "./patterns.ts";
import { expected } from "./values.ts";
import { commit, glob, regex, stringArg, targetMap, writable } from "./editor_support.ts";

type Args<T> = readonly Argument<T>[];

/**
 * A replacement for one match: the expanded template, passed through the function and then the
 * format (`%s` placeholder) when a function is given.
 */
function replacer<T>(
  replacement: Getter<T>,
  fn: FunctionArgument<T> | undefined,
  format: Getter<T> | undefined,
): (tctx: T, expand: (template: string) => string) => string {
  return (tctx, expand) => {
    const template = stringArg(replacement, tctx, "replacement");
    const expanded = expand(template);
    if (fn === undefined) return expanded;
    const hashed = fn(tctx, expanded);
    if (typeof hashed !== "string") throw expected("string", hashed);
    if (format === undefined) return hashed;
    const pattern = stringArg(format, tctx, "replacement_format");
    if (pattern.split("%s").length !== 2 || /%[^s]/.test(pattern.replace("%s", ""))) {
      throw new OttlRuntimeError(
        `replacement_format must contain exactly one %s, got ${JSON.stringify(pattern)}`,
      );
    }
    return pattern.replace("%s", hashed);
  };
}

const REPLACE_TAIL = [optional("function", "function"), optional("replacement_format", "getter")];

/** The replacing editors. */
export function replaceEditors<T>(): FunctionDefinition<T>[] {
  return [
    {
      name: "replace_pattern",
      params: [
        param("target", "getsetter"),
        param("regex", "string"),
        param("replacement", "getter"),
        ...REPLACE_TAIL,
      ],
      create(args: Args<T>, env) {
        const target = writable(args[0] as GetSetter<T>, env);
        const pattern = regex(args[1] as string, env, 1, true);
        const replace = replacer(
          args[2] as Getter<T>,
          args[3] as FunctionArgument<T>,
          args[4] as Getter<T>,
        );
        return (t) => {
          const value = target.get(t);
          if (typeof value !== "string") return;
          const updated = replaceAllMatches(
            value,
            pattern,
            (match) => replace(t, (template) => expandTemplate(template, match)),
          );
          if (updated !== value) target.set!(t, updated);
        };
      },
    },
    {
      name: "replace_all_patterns",
      params: [
        param("target", "getsetter"),
        param("mode", "string"),
        param("regex", "string"),
        param("replacement", "getter"),
        ...REPLACE_TAIL,
      ],
      create(args: Args<T>, env) {
        const target = args[0] as GetSetter<T>;
        const mode = args[1] as string;
        if (mode !== "key" && mode !== "value") {
          env.fail(`invalid mode ${mode}, must be either 'key' or 'value'`, 1);
        }
        const pattern = regex(args[2] as string, env, 2, true);
        const replace = replacer(
          args[3] as Getter<T>,
          args[4] as FunctionArgument<T>,
          args[5] as Getter<T>,
        );
        const apply = (t: T, text: string) =>
          replaceAllMatches(
            text,
            pattern,
            (match) => replace(t, (tpl) => expandTemplate(tpl, match)),
          );
        return (t) => {
          const map = targetMap(target, t);
          if (mode === "value") {
            for (const kv of map.keyValues) {
              const v = kv.value?.value;
              if (v?.case !== "stringValue") continue;
              const updated = apply(t, v.value);
              if (updated !== v.value) kv.value!.value = { case: "stringValue", value: updated };
            }
          } else {
            const renamed = new AttributeMap();
            for (const kv of map.keyValues) {
              const key = apply(t, kv.key);
              const slot = renamed.getAnyValue(key, true)!;
              slot.value = kv.value === undefined ? { case: undefined } : kv.value.value;
            }
            map.keyValues.length = 0;
            map.keyValues.push(...renamed.keyValues);
          }
          commit(target, t, map);
        };
      },
    },
    {
      name: "replace_match",
      params: [
        param("target", "getsetter"),
        param("pattern", "string"),
        param("replacement", "getter"),
        ...REPLACE_TAIL,
      ],
      create(args: Args<T>, env) {
        const target = writable(args[0] as GetSetter<T>, env);
        const pattern = glob(args[1] as string, env, 1);
        const replace = replacer(
          args[2] as Getter<T>,
          args[3] as FunctionArgument<T>,
          args[4] as Getter<T>,
        );
        return (t) => {
          const value = target.get(t);
          if (typeof value === "string" && pattern.test(value)) {
            target.set!(t, replace(t, (template) => template));
          }
        };
      },
    },
    {
      name: "replace_all_matches",
      params: [
        param("target", "getsetter"),
        param("pattern", "string"),
        param("replacement", "getter"),
        ...REPLACE_TAIL,
      ],
      create(args: Args<T>, env) {
        const target = args[0] as GetSetter<T>;
        const pattern = glob(args[1] as string, env, 1);
        const replace = replacer(
          args[2] as Getter<T>,
          args[3] as FunctionArgument<T>,
          args[4] as Getter<T>,
        );
        return (t) => {
          const map = targetMap(target, t);
          for (const kv of map.keyValues) {
            const v = kv.value?.value;
            if (v?.case === "stringValue" && pattern.test(v.value)) {
              kv.value!.value = { case: "stringValue", value: replace(t, (tpl) => tpl) };
            }
          }
          commit(target, t, map);
        };
      },
    },
  ];
}
