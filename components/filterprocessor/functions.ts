import {
  type Argument,
  converterFunctions,
  dataPointsOf,
  expected,
  type FunctionDefinition,
  type FunctionTable,
  functionTable,
  type Getter,
  type MetricTransformContext,
  param,
} from "@denocol/ottl";
import { AttributeMap } from "@denocol/pdata";

/**
 * `HasAttrKeyOnDatapoint(key)` and `HasAttrOnDatapoint(key, value)`: whether any data point of
 * the metric has the attribute key (with that string value).
 */
export function datapointAttributeFunctions(): FunctionDefinition<MetricTransformContext>[] {
  const has = (
    t: MetricTransformContext,
    key: string,
    value?: string,
  ): boolean =>
    (dataPointsOf(t.metric!) ?? []).some((point) => {
      const attributes = new AttributeMap(point.attributes);
      return value === undefined ? attributes.has(key) : attributes.get(key) === value;
    });
  const text = (getter: Getter<MetricTransformContext>, t: MetricTransformContext): string => {
    const v = getter(t);
    if (typeof v !== "string") throw expected("string", v);
    return v;
  };
  return [
    {
      name: "HasAttrKeyOnDatapoint",
      params: [param("key", "getter")],
      create: (args: readonly Argument<MetricTransformContext>[]) => (t) =>
        has(t, text(args[0] as Getter<MetricTransformContext>, t)),
    },
    {
      name: "HasAttrOnDatapoint",
      params: [param("key", "getter"), param("value", "getter")],
      create: (args: readonly Argument<MetricTransformContext>[]) => (t) =>
        has(
          t,
          text(args[0] as Getter<MetricTransformContext>, t),
          text(args[1] as Getter<MetricTransformContext>, t),
        ),
    },
  ];
}

/** The functions of the `metric` context of `filter`: the converters and the two above. */
export function metricFunctions(): FunctionTable<MetricTransformContext> {
  return functionTable<MetricTransformContext>(
    [...converterFunctions<MetricTransformContext>().values()],
    datapointAttributeFunctions(),
  );
}
