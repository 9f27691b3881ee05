/** Names of the `ProfilesDictionary` tables that profile messages point into by index. */
export type ProfileTable =
  | "mappingTable"
  | "locationTable"
  | "functionTable"
  | "linkTable"
  | "stringTable"
  | "attributeTable"
  | "stackTable";

/**
 * A profile message holds an index that falls outside the dictionary table it points into.
 *
 * Index 0 is always accepted, even in an empty or missing table: it is the "unset" reference,
 * and it resolves to the table's zero value.
 */
export class ProfileReferenceError extends Error {
  /** The dictionary table the index points into. */
  readonly table: ProfileTable;
  /** The offending index. */
  readonly index: number;
  /** How many entries the table has. */
  readonly tableLength: number;
  /** Where the index was found, such as `resourceProfiles[0].scopeProfiles[0].profiles[1].samples[7].stackIndex`. */
  readonly path: string;

  /** Builds the error; the message names the table, the index, the table length and the path. */
  constructor(table: ProfileTable, index: number, tableLength: number, path: string) {
    super(
      `profiles: ${path} = ${index} is outside dictionary.${table} ` +
        `(${tableLength} ${tableLength === 1 ? "entry" : "entries"}, valid indices ` +
        `${tableLength <= 1 ? "0" : `0..${tableLength - 1}`})`,
    );
    this.name = "ProfileReferenceError";
    this.table = table;
    this.index = index;
    this.tableLength = tableLength;
    this.path = path;
  }
}
