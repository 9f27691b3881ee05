// File globs: `*` and `?` within one path segment, `[...]` character classes, `{a,b}`
// alternatives, and `**` for any number of directories. Walks only below the part of the
// pattern that has no glob characters.

const GLOB_CHARS = /[*?[{]/;

function segmentRegExp(segment: string): RegExp {
  let source = "";
  let braces = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) source += "\\[";
      else {
        let body = segment.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = "^" + body.slice(1);
        source += `[${body}]`;
        i = end;
      }
    } else if (c === "{") {
      braces++;
      source += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (c === "," && braces > 0) source += "|";
    else source += c.replace(/[.+^$()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Whether `pattern` has glob characters (otherwise it names one file). */
export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

async function walk(dir: string, segments: readonly string[], found: Set<string>): Promise<void> {
  if (segments.length === 0) return;
  const [segment, ...rest] = segments;
  if (segment === "**") {
    // `**` matches no directory at all, or one more level and `**` again.
    await walk(dir, rest, found);
    for (const entry of await entries(dir)) {
      if (entry.isDirectory) await walk(`${dir}/${entry.name}`, segments, found);
    }
    return;
  }
  if (!isGlob(segment)) {
    await visit(`${dir}/${segment}`, rest, found);
    return;
  }
  const matcher = segmentRegExp(segment);
  for (const entry of await entries(dir)) {
    // Hidden files match only a pattern that names the dot, as in shells.
    if (entry.name.startsWith(".") && !segment.startsWith(".")) continue;
    if (matcher.test(entry.name)) await visit(`${dir}/${entry.name}`, rest, found);
  }
}

async function visit(path: string, rest: readonly string[], found: Set<string>): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    return;
  }
  if (rest.length === 0) {
    if (info.isFile) found.add(path);
  } else if (info.isDirectory) await walk(path, rest, found);
}

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  const list: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) list.push(entry);
  } catch {
    // A directory that vanished or cannot be read has no matches.
  }
  return list;
}

/** The regular files matching any of `patterns`, as absolute paths, sorted. */
export async function expandGlobs(
  patterns: readonly string[],
  cwd: string = Deno.cwd(),
): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const absolute = pattern.startsWith("/") ? pattern : `${cwd.replace(/\/$/, "")}/${pattern}`;
    const segments = absolute.split("/").filter((s) => s !== "" && s !== ".");
    let base = "";
    let i = 0;
    while (i < segments.length - 1 && !isGlob(segments[i])) base += `/${segments[i++]}`;
    await walk(base === "" ? "/" : base, segments.slice(i), found);
  }
  return [...found].map((p) => p.replace(/^\/\//, "/")).sort();
}
