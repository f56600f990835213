// Switchyard dashboard: plain JavaScript, no build step. Renders the router's snapshot
// (/dashboard/api/snapshot, live through /dashboard/api/events) and acts through the admin API
// with the session cookie and its CSRF token. Text is always set with textContent (no HTML
// from the server is ever interpreted).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { csrf: null, source: null, poll: null, snapshot: null, failures: 0 };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(headers, rows, empty) {
  if (!rows.length) return el("p", { class: "empty" }, empty);
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
}

const bytes = (n) => (n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + " GiB" : (n / (1 << 20)).toFixed(1) + " MiB");
const when = (unix) => new Date(unix * 1000).toLocaleTimeString();
const ms = (v) => (v === null || v === undefined ? "—" : v < 10 ? v.toFixed(2) + " ms" : Math.round(v) + " ms");

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["x-csrf-token"] = state.csrf;
  const response = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (response.status === 401 && path !== "/dashboard/login") { showLogin(); }
  if (!response.ok) throw new Error((data && data.error && data.error.message) || `HTTP ${response.status}`);
  return data;
}

// ---- login and live updates ----

function showLogin() {
  stopLive();
  $("app").hidden = true; $("logout").hidden = true; $("login").hidden = false;
  $("live").textContent = "";
  $("key").focus();
}

function showApp() {
  $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
  startLive();
}

function startLive() {
  stopLive();
  if (!("EventSource" in window)) return startPolling();
  const source = new EventSource("/dashboard/api/events");
  state.source = source;
  source.addEventListener("snapshot", (event) => {
    state.failures = 0;
    $("live").textContent = "Live";
    render(JSON.parse(event.data));
  });
  source.onerror = () => {
    state.failures += 1;
    if (state.failures >= 3) startPolling();  // the stream keeps failing: fall back to polling
  };
}

function startPolling() {
  stopLive();
  const tick = async () => {
    try {
      render(await api("GET", "/dashboard/api/snapshot"));
      $("live").textContent = "Updating every 5 s";
    } catch (error) {
      $("live").textContent = "Offline: " + error.message;
    }
  };
  tick();
  state.poll = setInterval(tick, 5000);
}

function stopLive() {
  if (state.source) { state.source.close(); state.source = null; }
  if (state.poll) { clearInterval(state.poll); state.poll = null; }
}

async function refresh() {
  try { render(await api("GET", "/dashboard/api/snapshot")); } catch { /* the next update will tell */ }
}

function render(snapshot) {
  state.snapshot = snapshot;
  $("routing").textContent = snapshot.routing;
  renderNodes(snapshot.nodes);
  renderRegistered(snapshot.registered.models);
  renderServed(snapshot.served);
  renderTraffic(snapshot.traffic, snapshot.recent);
}

// ---- nodes ----

function renderNodes(nodes) {
  const container = $("nodes");
  if (!nodes.length) return container.replaceChildren(el("p", { class: "empty" }, "No node has registered yet."));
  container.replaceChildren(...nodes.map((node) => el("article", { class: "card node", "data-node": node.name, "aria-label": `Node ${node.name}` },
    el("div", { class: "row" },
      el("h3", {}, node.name),
      el("span", { class: "status " + node.state }, node.state)),
    el("dl", {},
      ...(node.kind === "endpoint"
        ? [el("dt", {}, "Server"), el("dd", { class: "backend", "data-endpoint": node.server_type }, `${node.server_type} · agentless`),
           el("dt", {}, "Devices"), el("dd", { class: "hint" }, "not reported (no agent)")]
        : [el("dt", {}, "Backend"), el("dd", { class: "backend" }, node.backend),
           el("dt", {}, "Devices"), el("dd", {}, node.devices.map((d) => el("span", { class: "chip" }, d)))]),
      el("dt", {}, "Engine"), el("dd", { class: "engine" }, node.engine || "—"),
      el("dt", {}, "Load"), el("dd", {}, el("meter", { min: 0, max: node.capacity, value: node.in_flight, "aria-label": "requests in flight" }),
        ` ${node.in_flight} / ${node.capacity}`),
      el("dt", {}, "Serves"), el("dd", {}, node.executable_models.length ? node.executable_models.map((m) => modelChip(m, node.warm_models.includes(m), (node.engines || []).find((e) => e.model === m), (node.estimated_seconds || {})[m])) : "nothing")),
    node.exclusions.map((exclusion) => el("div", { class: "excluded", "data-excluded": exclusion.model },
      el("strong", {}, exclusion.model), " excluded",
      exclusion.at ? ` at ${when(exclusion.at)}` : "", exclusion.reason ? `: ${exclusion.reason}` : "", " ",
      el("button", { type: "button", class: "quiet", onclick: () => clearExclusion(node, exclusion.model) }, "Clear"))),
    el("div", { class: "row" },
      node.kind === "endpoint" ? null : el("button", { type: "button", class: "quiet", onclick: () => showNode(node) }, "Details"),
      el("button", { type: "button", class: "danger", onclick: () => removeNode(node) }, "Remove")))));
}

// A served model; a warm one (its engine is loaded or starting there) gets requests first, and
// the engine's measured speed, when the agent reported one, weighs where they go: the router's
// estimate of when a new request would finish there (a cold start included) is what it compares.
function modelChip(model, warm, engine, estimate) {
  const finish = estimate === undefined ? "" : ` · ~${estimate < 10 ? estimate.toFixed(1) : Math.round(estimate)} s`;
  const title = estimate === undefined ? "" : "estimated time for a new request here now";
  if (!warm) return el("span", { class: "chip", title }, model, finish);
  const speed = engine && engine.tokens_per_second ? ` · ${engine.tokens_per_second.toFixed(1)} tokens/s` : "";
  return el("span", { class: "chip warm", "data-warm": model, title: `engine warm: requests for this model go here first. ${title}` },
    model, " · warm", speed, finish);
}

async function clearExclusion(node, model) {
  try {
    await api("DELETE", `/v0/nodes/${encodeURIComponent(node.id)}/exclusions/${model.split("/").map(encodeURIComponent).join("/")}`);
    await refresh();
  } catch (error) { alert(error.message); }
}

async function removeNode(node) {
  if (!confirm(`Remove node ${node.name}? It registers again when its agent next contacts the router.`)) return;
  try { await api("DELETE", `/v0/nodes/${encodeURIComponent(node.id)}`); await refresh(); } catch (error) { alert(error.message); }
}

async function showNode(node) {
  const panel = $("node-detail");
  $("detail-title").textContent = `Node ${node.name}`;
  $("detail-body").replaceChildren(el("p", {}, "Loading…"));
  panel.hidden = false;
  panel.scrollIntoView({ behavior: "smooth" });
  try {
    const [system, models] = await Promise.all([
      api("GET", `/v0/nodes/${encodeURIComponent(node.id)}/system`),
      api("GET", `/v0/nodes/${encodeURIComponent(node.id)}/models`),
    ]);
    $("detail-body").replaceChildren(
      el("h3", {}, "Detection"),
      el("p", {}, el("strong", {}, system.backend + (system.forced ? " (forced)" : "")), ": ", system.reason),
      table(["API", "Outcome", "Detail", "Devices"], system.probes.map((p) => [p.backend, p.status, p.message || "",
        p.devices.map((d) => `${d.name} (${bytes(d.memory_total_bytes)})${d.software ? " — software" : ""}`).join(", ") || "—"]), "No probes."),
      el("h3", {}, "Models on this node"),
      table(["Model", "Format", "Size", "Served", "Why not"], models.models.map((m) => [m.id, m.format, bytes(m.size_bytes),
        m.executable ? "yes" : "no", m.reason || ""]), "No local models."));
  } catch (error) {
    $("detail-body").replaceChildren(el("p", { class: "error" }, error.message));
  }
}

// ---- models ----

function renderRegistered(models) {
  $("registered").replaceChildren(table(["Model", "Artifact", "State", "On each node", ""], models.map((model) => [
    model.id,
    `${model.format}${model.quantization ? " " + model.quantization : ""}, ${bytes(model.size_bytes)}`,
    el("span", { class: "state-" + model.state, "data-state": model.state }, model.state.replaceAll("_", " ")),
    el("div", {}, model.nodes.map((n) => el("div", { "data-node-state": `${n.node_name}:${n.state}` },
      `${n.node_name}: `, el("span", { class: "state-" + n.state }, n.state.replaceAll("_", " ")),
      n.state === "downloading" ? [" ", el("progress", { max: 100, value: n.percent, "aria-label": `download on ${n.node_name}` }),
        ` ${Math.floor(n.percent)}%${n.eta_seconds ? `, ${n.eta_seconds} s left` : ""}`] : "",
      n.reason ? ` — ${n.reason}` : ""))),
    el("button", { type: "button", class: "danger", onclick: () => unregister(model.id) }, "Unregister"),
  ]), "No registered models. Register one above."));
}

function renderServed(served) {
  $("served").replaceChildren(table(["Model", "Nodes"], served.map((m) => [m.id, m.nodes.join(", ")]), "No model is served right now."));
}

async function register(event) {
  event.preventDefault();
  const result = $("register-result");
  const body = { repo: $("repo").value.trim() };
  if ($("file").value.trim()) body.file = $("file").value.trim();
  result.className = ""; result.textContent = "Asking the hub…";
  try {
    const model = await api("POST", "/v0/models/register", body);
    result.className = "ok";
    result.textContent = `Registered ${model.id}: ${model.format}${model.quantization ? " " + model.quantization : ""}, ` +
      `${model.files.length} file(s), ${bytes(model.files.reduce((sum, f) => sum + f.size_bytes, 0))}. Agents are downloading it.`;
    $("register-form").reset();
    await refresh();
  } catch (error) {
    result.className = "error"; result.textContent = error.message;
  }
}

// Registers an endpoint: the router pulls its model list now and says what it found.
async function addEndpoint(event) {
  event.preventDefault();
  const result = $("endpoint-result");
  const body = { url: $("endpoint-url").value.trim() };
  if ($("endpoint-key").value) body.api_key = $("endpoint-key").value;
  if ($("endpoint-name").value.trim()) body.name = $("endpoint-name").value.trim();
  result.className = ""; result.textContent = "Asking the server for its models…";
  try {
    const node = await api("POST", "/v0/endpoints", body);
    result.className = "ok";
    result.textContent = `Added ${node.name} (${node.server_type}, ${node.capacity} at once): ${node.models.join(", ")}.`;
    $("endpoint-form").reset();
    await refresh();
  } catch (error) {
    result.className = "error"; result.textContent = error.message;
  }
}

async function unregister(id) {
  if (!confirm(`Unregister ${id}? Agents delete the copies they downloaded.`)) return;
  try { await api("DELETE", `/v0/models/${id.split("/").map(encodeURIComponent).join("/")}`); await refresh(); } catch (error) { alert(error.message); }
}

// ---- traffic ----

function chart(title, series, format) {
  const width = 600, height = 170, left = 70, bottom = 26;
  const values = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const max = Math.max(1e-9, ...values);
  const x = (i) => left + (i * (width - left - 4)) / 59;
  const y = (v) => height - bottom - (v / max) * (height - bottom - 8);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${title}, last hour, peak ${format(values.length ? max : 0)}`);
  const add = (tag, attributes, text) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
  };
  add("line", { class: "grid", x1: left, x2: width, y1: height - bottom, y2: height - bottom });
  add("line", { class: "grid", x1: left, x2: width, y1: 8, y2: 8 });
  add("text", { x: 2, y: 22 }, values.length ? format(max) : "");
  add("text", { x: 2, y: height - bottom }, "0");
  add("text", { x: left, y: height - 3 }, "−60 min");
  add("text", { x: width - 40, y: height - 3 }, "now");
  series.forEach((s, index) => {
    const points = s.values.map((v, i) => (v === null || v === undefined ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    if (points.length > 1) add("polyline", { class: "s" + index, points: points.join(" ") });
    for (const point of points.length > 1 ? points.slice(-1) : points) {
      const [cx, cy] = point.split(",");
      add("circle", { class: "s" + index, cx, cy, r: 4 });
    }
  });
  return el("figure", { class: "card" }, el("figcaption", {}, title), svg,
    el("div", { class: "legend" }, series.map((s, index) => el("span", { class: "s" + index }, s.name))));
}

function renderTraffic(traffic, recent) {
  const minutes = traffic.minutes;
  const pick = (key) => minutes.map((m) => m[key]);
  const models = [...new Set(minutes.flatMap((m) => Object.keys(m.queue_depth)))].slice(0, 4);
  const errors = {};
  for (const m of minutes) for (const [code, count] of Object.entries(m.errors)) errors[code] = (errors[code] || 0) + count;
  $("charts").replaceChildren(
    chart("Requests per second", [{ name: "requests/s", values: pick("requests_per_second") }], (v) => v.toFixed(2)),
    chart("Latency", [{ name: "p50", values: pick("latency_p50_ms") }, { name: "p95", values: pick("latency_p95_ms") }], ms),
    chart("Time to first byte", [{ name: "p50", values: pick("ttfb_p50_ms") }, { name: "p95", values: pick("ttfb_p95_ms") }], ms),
    chart("Queue depth", models.length ? models.map((model) => ({ name: model, values: minutes.map((m) => m.queue_depth[model] || 0) }))
      : [{ name: "all models", values: minutes.map(() => 0) }], (v) => v.toFixed(0)),
    el("figure", { class: "card" }, el("figcaption", {}, "Errors by code, last hour"),
      table(["Status and code", "Count"], Object.entries(errors).sort((a, b) => b[1] - a[1]), "No errors in the last hour.")));
  const tokens = (r) => (r.prompt_tokens === undefined && r.completion_tokens === undefined ? "—"
    : `${r.prompt_tokens ?? "?"} in, ${r.completion_tokens ?? 0} out`);
  $("recent").replaceChildren(table(["Time", "Model", "Node", "Status", "Latency", "First byte", "Tokens"], recent.map((r) => [
    when(r.at), r.model, r.node_name || "—", `${r.status}${r.code ? " " + r.code : ""}`, ms(r.latency_ms), ms(r.ttfb_ms), tokens(r),
  ]), "No requests yet."));
}

// ---- tabs and start-up ----

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
}

document.addEventListener("DOMContentLoaded", async () => {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (step) selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
    });
  }
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const session = await api("POST", "/dashboard/login", { key: $("key").value });
      state.csrf = session.csrf;
      $("key").value = "";
      showApp();
    } catch (error) {
      $("login-error").textContent = "That key was not accepted.";
      $("key").select();
    }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("POST", "/dashboard/logout"); } catch { /* logged out anyway */ }
    state.csrf = null;
    showLogin();
  });
  $("register-form").addEventListener("submit", register);
  $("endpoint-form").addEventListener("submit", addEndpoint);
  $("detail-close").addEventListener("click", () => { $("node-detail").hidden = true; });
  try {
    state.csrf = (await api("GET", "/dashboard/session")).csrf;
    showApp();
  } catch {
    showLogin();
  }
});
