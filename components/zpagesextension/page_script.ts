// The status page's script, served inside the page. It draws the pipeline graph as SVG from
// /debug/api/overview, refreshes each node's counters from /debug/api/metrics every second,
// and, only while their sections are open, polls recent samples and flame graphs.
// (Plain ES2020 in a raw string: no template literals or backslashes inside it.)

/** The JavaScript of the status page. */
export const PAGE_SCRIPT: string = String.raw`
"use strict";
const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 190, NODE_H = 62, COL_GAP = 70, ROW_GAP = 14, LANE_GAP = 26, LABEL_W = 110;
let overview = null;
const refreshMs = Number(new URLSearchParams(location.search).get("refresh_ms")) || 1000;

function el(tag, attrs, parent, text) {
  const node = tag.startsWith("svg:")
    ? document.createElementNS(SVG, tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return await response.json();
}

function fmtDuration(ms) {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? h + "h" : "") + (h || m ? m + "m" : "") + (s % 60) + "s";
}

function fmtBytes(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(1) + " MiB" : Math.round(n / 1024) + " KiB";
}

function statusOf(kind, id, signal) {
  const found = overview.status.find((s) =>
    s.kind === kind && s.id === id && (s.signal === undefined || s.signal === signal ||
      s.outputSignal === signal)
  );
  return found ? found.status : "unknown";
}

function drawGraph() {
  const svg = document.getElementById("graph");
  svg.replaceChildren();
  const pipelines = overview.pipelines;
  const connectors = new Set(overview.connectors);
  const maxProcessors = Math.max(0, ...pipelines.map((p) => p.processors.length));
  const colX = (col) => LABEL_W + col * (NODE_W + COL_GAP);
  const exporterCol = maxProcessors + 1;
  const ends = { out: new Map(), into: new Map() };
  let y = 10;
  for (const pipeline of pipelines) {
    const rows = Math.max(1, pipeline.receivers.length, pipeline.exporters.length);
    const laneH = rows * (NODE_H + ROW_GAP) - ROW_GAP;
    const lane = el("svg:g", { class: "lane", "data-pipeline": pipeline.id }, svg);
    el("svg:text", { class: "lane-label", x: 0, y: y + laneH / 2 + 4 }, lane, pipeline.id);
    const column = (ids, col, kindOf) => ids.map((id, i) => {
      const top = y + (laneH - (ids.length * (NODE_H + ROW_GAP) - ROW_GAP)) / 2 +
        i * (NODE_H + ROW_GAP);
      return drawNode(lane, kindOf(id), id, pipeline, colX(col), top);
    });
    const receivers = column(pipeline.receivers, 0,
      (id) => connectors.has(id) ? "connector" : "receiver");
    const processors = pipeline.processors.map((id, i) => {
      const top = y + (laneH - NODE_H) / 2;
      return drawNode(lane, "processor", id, pipeline, colX(i + 1), top);
    });
    const exporters = column(pipeline.exporters, exporterCol,
      (id) => connectors.has(id) ? "connector" : "exporter");
    const chain = [receivers, ...processors.map((p) => [p]), exporters];
    for (let i = 0; i + 1 < chain.length; i++) {
      for (const a of chain[i]) for (const b of chain[i + 1]) drawEdge(svg, a, b, "edge");
    }
    for (const box of exporters) if (box.kind === "connector") ends.out.set(box.id + "|" + pipeline.id, box);
    for (const box of receivers) if (box.kind === "connector") {
      const list = ends.into.get(box.id) || [];
      list.push(box);
      ends.into.set(box.id, list);
    }
    y += laneH + LANE_GAP;
  }
  // A connector joins the pipelines it exports from to the pipelines it receives for.
  for (const [key, from] of ends.out) {
    const id = key.split("|")[0];
    for (const to of ends.into.get(id) || []) drawEdge(svg, from, to, "edge connector");
  }
  const width = colX(exporterCol) + NODE_W + 20;
  svg.setAttribute("viewBox", "0 0 " + width + " " + y);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(y));
}

function drawNode(parent, kind, id, pipeline, x, y) {
  const signal = pipeline.signal;
  const g = el("svg:g", {
    class: "node", "data-kind": kind, "data-id": id, "data-pipeline": pipeline.id,
    "data-signal": signal, "data-status": statusOf(kind, id, signal),
    transform: "translate(" + x + "," + y + ")",
  }, parent);
  el("svg:rect", { width: NODE_W, height: NODE_H }, g);
  el("svg:text", { class: "kind", x: 8, y: 14 }, g, kind);
  el("svg:text", { class: "name", x: 8, y: 29 }, g, id);
  el("svg:text", {
    class: "counters", x: 8, y: 45, "data-key": kind + "|" + id + "|" + signal,
  }, g);
  el("svg:text", { class: "counters second", x: 8, y: 58 }, g);
  return { kind, id, x, y, g };
}

function drawEdge(svg, a, b, cls) {
  const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
  const path = x2 > x1
    ? "M" + x1 + "," + y1 + " C" + (x1 + COL_GAP / 2) + "," + y1 + " " + (x2 - COL_GAP / 2) +
      "," + y2 + " " + x2 + "," + y2
    : "M" + x1 + "," + y1 + " C" + (x1 + 60) + "," + y1 + " " + (x2 - 60) + "," + y2 + " " +
      x2 + "," + y2;
  el("svg:path", { class: cls, d: path }, svg, undefined).setAttribute("data-from", a.id);
}

const SHOWN = {
  receiver: [["accepted", "accepted"], ["refused", "refused"]],
  exporter: [["sent", "sent"], ["send_failed", "failed"], ["enqueue_failed", "refused"]],
};

function counterLines(kind, counters) {
  // Receivers and exporters show their main counters from the start, at 0 until data flows.
  for (const [name] of SHOWN[kind] || []) if (name !== "enqueue_failed") counters[name] ??= 0;
  const names = Object.keys(counters).sort();
  if (kind === "exporter") {
    const first = SHOWN.exporter.filter(([n]) => n in counters);
    const queue = "queue_size" in counters
      ? [["queue_size", "queue " + counters.queue_size + "/" + (counters.queue_capacity ?? "?")]]
      : [];
    return [first, queue];
  }
  if (kind === "receiver") return [SHOWN.receiver.filter(([n]) => n in counters), []];
  const pairs = names.map((n) => [n, n.replaceAll("_", " ")]);
  return [pairs.slice(0, 2), pairs.slice(2, 4)];
}

function fillLine(text, pairs, counters) {
  text.replaceChildren();
  pairs.forEach(([name, label], i) => {
    const value = label.startsWith("queue ") ? label : label + " " + counters[name];
    el("svg:tspan", { "data-counter": name, "data-value": counters[name] }, text,
      (i > 0 ? "  " : "") + value);
  });
}

async function refreshCounters() {
  const data = await getJson("/debug/api/metrics");
  for (const text of document.querySelectorAll("#graph text.counters[data-key]")) {
    const key = text.getAttribute("data-key");
    const parts = key.split("|");
    const counters = Object.assign({}, data.nodes[parts[0] + "|" + parts[1] + "|*"] || {},
      data.nodes[key] || {});
    const [first, second] = counterLines(parts[0], counters);
    fillLine(text, first, counters);
    fillLine(text.nextElementSibling, second, counters);
  }
  for (const node of document.querySelectorAll("#graph .node")) {
    const status = data.status.find((s) =>
      s.kind === node.dataset.kind && s.id === node.dataset.id &&
      (s.signal === undefined || s.signal === node.dataset.signal ||
        s.outputSignal === node.dataset.signal)
    );
    if (status) node.setAttribute("data-status", status.status);
  }
  document.getElementById("uptime").textContent = "up " + fmtDuration(data.uptimeMs);
  document.getElementById("rss").textContent = "RSS " + fmtBytes(data.rssBytes);
  document.getElementById("state").textContent = data.state;
  drawStatus(data.status);
  document.body.setAttribute("data-refreshes",
    String(Number(document.body.getAttribute("data-refreshes") || 0) + 1));
}

function drawStatus(statuses) {
  const body = document.querySelector("#status tbody");
  body.replaceChildren();
  for (const s of statuses) {
    const row = el("tr", {}, body);
    el("td", {}, row, s.kind);
    el("td", {}, row, s.id);
    el("td", {}, row, s.pipeline || s.signal || "");
    el("td", { class: "status-" + s.status }, row, s.status);
    el("td", {}, row, s.error ? s.error + " (" + s.failures + " failures)" : "");
  }
}

function drawGates() {
  const body = document.querySelector("#gates tbody");
  body.replaceChildren();
  for (const gate of overview.featureGates) {
    const row = el("tr", { "data-gate": gate.id }, body);
    el("td", {}, row, gate.id);
    el("td", {}, row, gate.enabled ? "on" : "off");
    el("td", {}, row, gate.stage);
    el("td", {}, row, gate.description);
  }
}

function drawFlame(container, graph) {
  const box = el("div", { class: "flame", "data-service": graph.service }, container);
  el("h3", {}, box, graph.service + " (" + graph.sampleType + ", " + graph.samples +
    " samples, " + new Date(graph.receivedMs).toLocaleTimeString() + ")");
  const rowH = 18, width = 1000;
  let depth = 0;
  const measure = (node, d) => {
    depth = Math.max(depth, d);
    node.children.forEach((c) => measure(c, d + 1));
  };
  measure(graph.root, 0);
  const height = (depth + 1) * rowH;
  const svg = el("svg:svg", { viewBox: "0 0 " + width + " " + height, height }, box);
  const total = graph.root.value || 1;
  const draw = (node, x, d) => {
    const w = (node.value / total) * width;
    if (w < 0.3) return;
    const g = el("svg:g", { class: "frame", "data-name": node.name, "data-value": node.value }, svg);
    el("svg:title", {}, g, node.name + " (" + node.value + ")");
    const hue = 20 + (node.name.length * 37) % 40;
    el("svg:rect", {
      x, y: height - (d + 1) * rowH, width: w, height: rowH - 1,
      fill: "hsl(" + hue + ",85%," + (58 + (d % 3) * 5) + "%)",
    }, g);
    if (w > 40) {
      el("svg:text", { x: x + 3, y: height - d * rowH - 5 }, g,
        node.name.slice(0, Math.floor(w / 7)));
    }
    let cx = x;
    for (const child of node.children) {
      draw(child, cx, d + 1);
      cx += (child.value / total) * width;
    }
  };
  draw(graph.root, 0, 0);
}

async function refreshFlames() {
  const data = await getJson("/debug/api/profiles");
  const container = document.getElementById("flame-graphs");
  container.replaceChildren();
  if (data.graphs.length === 0) {
    el("p", { class: "hint" }, container, "Waiting for profiles (watching since this section opened).");
  }
  for (const graph of data.graphs) drawFlame(container, graph);
}

async function refreshSamples() {
  const pipeline = document.getElementById("sample-pipeline").value;
  if (!pipeline) return;
  const data = await getJson("/debug/api/samples/" + encodeURIComponent(pipeline));
  const list = document.getElementById("sample-list");
  list.replaceChildren();
  if (data.samples.length === 0) {
    el("p", { class: "hint" }, list, "Waiting for data (watching since this section opened).");
  }
  for (const sample of data.samples) {
    const item = el("div", { class: "sample" }, list);
    el("div", { class: "hint" }, item, new Date(sample.receivedMs).toLocaleTimeString() + ": " +
      sample.items + " items" + (sample.shownItems < sample.items ? ", first " +
        sample.shownItems + " shown" : "") + (sample.truncated ? " (cut)" : ""));
    let text = sample.json;
    try {
      text = JSON.stringify(JSON.parse(sample.json), null, 2);
    } catch (_) {
      // a cut document stays as it is
    }
    el("pre", {}, item, text);
  }
}

function whileOpen(id, refresh) {
  const section = document.getElementById(id);
  let timer = 0;
  const tick = () => refresh().catch(() => {}).finally(() => {
    if (section.open) timer = setTimeout(tick, Math.max(refreshMs, 1000));
  });
  section.addEventListener("toggle", () => {
    clearTimeout(timer);
    if (section.open) tick();
  });
  return tick;
}

async function main() {
  overview = await getJson("/debug/api/overview");
  document.getElementById("build").textContent = overview.buildInfo.description + " " +
    overview.buildInfo.version;
  document.getElementById("extensions").textContent = overview.extensions.join(", ") || "none";
  drawGraph();
  drawGates();
  const config = await getJson("/debug/api/config");
  document.getElementById("config").textContent = JSON.stringify(config, null, 2);
  const select = document.getElementById("sample-pipeline");
  for (const p of overview.pipelines) el("option", { value: p.id }, select, p.id);
  const samples = whileOpen("samples", refreshSamples);
  select.addEventListener("change", () => samples());
  const hasProfiles = overview.pipelines.some((p) => p.signal === "profiles");
  document.getElementById("profiles").hidden = !hasProfiles;
  whileOpen("profiles", refreshFlames);
  const loop = () => refreshCounters().catch(() => {}).finally(() => setTimeout(loop, refreshMs));
  await loop();
  document.body.setAttribute("data-ready", "true");
}

main().catch((error) => {
  document.body.setAttribute("data-error", String(error));
});
`;
