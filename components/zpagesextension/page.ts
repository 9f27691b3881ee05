// The status page: one HTML document with its style and script inside, served as it is.

import { PAGE_SCRIPT } from "./page_script.ts";
import { PAGE_STYLE } from "./page_style.ts";

/** The status page served at `/` and `/debug/servicez`. */
export const PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>denocol status</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>denocol</h1>
  <span class="fact" id="build"></span>
  <span class="fact" id="state"></span>
  <span class="fact" id="uptime"></span>
  <span class="fact" id="rss"></span>
  <span class="fact">extensions: <span id="extensions"></span></span>
</header>
<h2>Pipelines</h2>
<p class="hint">Counters of this process, refreshed while the page is open.</p>
<svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="pipeline graph"></svg>
<h2>Components</h2>
<table id="status"><thead><tr><th>kind</th><th>id</th><th>pipeline / signal</th><th>status</th>
<th>last error</th></tr></thead><tbody></tbody></table>
<details id="profiles">
  <summary>Flame graphs of recent profiles</summary>
  <p class="hint">The latest profiles of each service, seen while this section is open.</p>
  <div id="flame-graphs"></div>
</details>
<details id="samples">
  <summary>Recent samples</summary>
  <p class="hint">The last requests entering a pipeline, kept only while this section is open.</p>
  <label>pipeline <select id="sample-pipeline"></select></label>
  <div id="sample-list"></div>
</details>
<h2>Feature gates</h2>
<table id="gates"><thead><tr><th>gate</th><th>state</th><th>stage</th><th>description</th></tr>
</thead><tbody></tbody></table>
<h2>Effective configuration</h2>
<p class="hint">Defaults filled in; secrets replaced by [REDACTED].</p>
<pre id="config"></pre>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
