// The status page's style sheet, served inside the page: no build step, nothing from elsewhere.

/** The CSS of the status page. */
export const PAGE_STYLE: string = String.raw`
:root { --ok: #2e7d32; --warn: #ef6c00; --bad: #c62828; --muted: #777; --line: #bbb;
  font-family: system-ui, sans-serif; font-size: 14px; color: #222; }
body { margin: 0 1.5rem 2rem; }
header { display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap;
  border-bottom: 1px solid var(--line); padding: .6rem 0; }
header h1 { font-size: 1.3rem; margin: 0; }
header .fact { color: var(--muted); }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
summary { cursor: pointer; font-weight: 600; font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: .2rem .7rem .2rem 0; border-bottom: 1px solid #eee;
  vertical-align: top; }
th { color: var(--muted); font-weight: 500; }
pre { background: #f6f6f6; padding: .6rem; overflow: auto; max-height: 30rem; }
#graph { display: block; max-width: 100%; }
.node rect { fill: #fafafa; stroke: var(--line); stroke-width: 1.2; rx: 6; }
.node[data-status="ok"] rect { stroke: var(--ok); }
.node[data-status="recoverable_error"] rect, .node[data-status="starting"] rect { stroke: var(--warn); }
.node[data-status="permanent_error"] rect, .node[data-status="fatal_error"] rect { stroke: var(--bad); }
.node .name { font-weight: 600; font-size: 12px; }
.node .kind { fill: var(--muted); font-size: 10px; }
.node .counters { font-size: 11px; fill: #333; }
.lane-label { fill: var(--muted); font-size: 12px; font-weight: 600; }
.edge { stroke: #999; stroke-width: 1.2; fill: none; }
.edge.connector { stroke-dasharray: 5 4; stroke: #5e35b1; }
.status-ok { color: var(--ok); }
.status-recoverable_error, .status-starting, .status-stopping { color: var(--warn); }
.status-permanent_error, .status-fatal_error { color: var(--bad); }
.flame { margin-bottom: 1rem; }
.flame svg { width: 100%; display: block; }
.frame rect { stroke: #fff; stroke-width: .5; }
.frame text { font-size: 11px; pointer-events: none; }
.hint { color: var(--muted); }
`;
