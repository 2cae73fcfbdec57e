// Keel's page: the cluster as every agent sees it in etcd, live from the agent's /events stream, and the operator's
// actions through the same REST endpoints as the CLI (token in this tab's sessionStorage, never in a URL).
"use strict";

const $ = (id) => document.getElementById(id);
const svgNs = "http://www.w3.org/2000/svg";
let status = null;
let refreshQueued = false;

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function svgEl(tag, attrs = {}, text) {
  const e = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

async function getJson(path) {
  const answer = await fetch(path, { cache: "no-store" });
  if (!answer.ok) throw new Error(`${path}: ${answer.status}`);
  return answer.json();
}

// Several events in one tick cause one refresh.
function queueRefresh() {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => { refreshQueued = false; refresh(); }, 50);
}

async function refresh() {
  try {
    status = await getJson("api/status");
    renderStatus(status);
  } catch (e) {
    $("live").textContent = `cannot read the cluster: ${e.message}`;
    $("live").className = "down";
  }
  loadHistory().catch(() => {});
  loadDecisions().catch(() => {});
}

function renderStatus(s) {
  $("cluster-name").textContent = s.cluster;
  $("served-by").textContent = `served by ${s.served_by}'s agent`;
  document.body.dataset.leader = s.leader ?? "";
  const warnings = $("warnings");
  warnings.replaceChildren(...[...s.status.warnings, ...(s.etcd_reachable ? [] : ["this agent cannot read etcd: the view may be old"])].map((w) => el("li", w)));
  for (const b of s.status.blockers ?? []) warnings.appendChild(el("li", `${b.member} cannot take over: ${b.reason} (${b.code})`, { "data-blocker": b.code }));
  renderTopology(s);
  renderTable(s);
  const target = $("target");
  const chosen = target.value;
  target.replaceChildren(el("option", "the best replica (Keel picks)", { value: "" }),
    ...s.status.rows.filter((r) => r.member !== s.leader).map((r) => el("option", r.member, { value: r.member })));
  target.value = [...target.options].some((o) => o.value === chosen) ? chosen : "";
  $("pause").disabled = s.paused;
  $("resume").disabled = !s.paused;
}

function renderTopology(s) {
  const svg = $("topology");
  svg.replaceChildren();
  const defs = svgEl("defs");
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
  marker.appendChild(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#888" }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  const rows = s.status.rows;
  const primary = rows.filter((r) => r.member === s.leader);
  const others = rows.filter((r) => r.member !== s.leader);
  const w = 200, h = 84, place = new Map();
  const width = Math.max(760, others.length * (w + 30) + 30);
  svg.setAttribute("width", width);
  svg.setAttribute("viewBox", `0 0 ${width} 260`);
  primary.forEach((r) => place.set(r.member, { x: (width - w) / 2, y: 10 }));
  others.forEach((r, i) => place.set(r.member, { x: 30 + i * ((width - 60 - w) / Math.max(1, others.length - 1)), y: 160 }));
  if (others.length === 1) place.set(others[0].member, { x: (width - w) / 2, y: 160 });
  for (const r of rows) {
    const source = s.following[r.member];
    const from = place.get(r.member), to = source && place.get(source);
    if (from && to) svg.appendChild(svgEl("line", { class: "follows", x1: from.x + w / 2, y1: from.y, x2: to.x + w / 2, y2: to.y + h, "data-follows": `${r.member}->${source}` }));
  }
  for (const r of rows) {
    const p = place.get(r.member);
    const role = r.member === s.leader ? "primary" : r.role;
    const g = svgEl("g", { class: `member ${role} ${r.state}`, transform: `translate(${p.x},${p.y})`, "data-member": r.member, "data-role": role, "data-state": r.state });
    g.appendChild(svgEl("rect", { width: w, height: h }));
    g.appendChild(svgEl("text", { x: 10, y: 20, class: "name" }, r.member));
    g.appendChild(svgEl("text", { x: w - 10, y: 20, "text-anchor": "end" }, role));
    g.appendChild(svgEl("text", { x: 10, y: 40 }, `${r.state}${lagText(r) ? `, lag ${lagText(r)}` : ""}`));
    g.appendChild(svgEl("text", { x: 10, y: 58 }, r.gtid ? `GTID ${r.gtid}` : "no GTID yet"));
    g.appendChild(svgEl("text", { x: 10, y: 76 }, `semi-sync ${r.semi_sync === true ? "on" : r.semi_sync === false ? "off" : "-"}${s.paused ? ", paused" : ""}`));
    svg.appendChild(g);
  }
  // The text alternative: the same facts as sentences.
  const sentences = rows.map((r) => r.member === s.leader
    ? `${r.member} is the primary (${r.state}).`
    : `${r.member} is ${r.role === "replica" ? "a replica" : r.role} (${r.state})${s.following[r.member] ? `, following ${s.following[r.member]}` : ""}${lagText(r) ? `, ${lagText(r)} behind` : ""}.`);
  $("topology-summary").textContent = `${s.leader ? `Primary: ${s.leader}.` : "No primary right now."} ${sentences.join(" ")}${s.paused ? " The cluster is paused." : ""}`;
}

// Keel's own measure when there is one (Seconds_Behind_Master reads 0 while semi-sync blocks).
function lagText(r) {
  if (r.measured_lag_seconds != null) return `${r.measured_lag_seconds.toFixed(1)} s`;
  return r.lag_seconds != null ? `${r.lag_seconds} s` : "";
}

function renderTable(s) {
  $("members").tBodies[0].replaceChildren(...s.status.rows.map((r) => {
    const tr = el("tr", undefined, { "data-member": r.member });
    for (const v of [r.member, r.address, r.member === s.leader ? "primary" : r.role, r.state, s.following[r.member] ?? "", lagText(r), r.gtid, r.semi_sync === true ? "on" : r.semi_sync === false ? "off" : ""]) tr.appendChild(el("td", v));
    return tr;
  }));
}

async function loadHistory() {
  const entries = await getJson("api/history");
  $("history").tBodies[0].replaceChildren(...entries.slice(-20).reverse().map((h) => {
    const tr = el("tr");
    for (const v of [h.at.replace("T", " ").slice(0, 23), h.old_primary ?? "", h.new_primary ?? "", h.reason]) tr.appendChild(el("td", v));
    return tr;
  }));
}

async function loadDecisions() {
  const agents = await getJson("api/decisions");
  $("decisions").replaceChildren(...agents.map((a) => {
    const box = el("div", undefined, { class: "agent", "data-agent": a.member });
    box.appendChild(el("h3", a.member));
    if (a.error) box.appendChild(el("p", `not reachable: ${a.error}`));
    const list = el("ol");
    for (const e of (a.entries ?? []).slice(-8)) list.appendChild(el("li", `${e.at.slice(11, 19)} ${e.text}`));
    box.appendChild(list);
    return box;
  }));
}

async function loadBench() {
  const reports = await getJson("api/bench");
  if (!reports.length) return;
  $("bench").replaceChildren(...reports.map((r) => {
    const box = el("div", undefined, { class: "bench", "data-bench": r.kind });
    box.appendChild(el("h3", `keel bench ${r.kind}, ${r.at.replace("T", " ").slice(0, 16)} UTC`));
    box.appendChild(el("pre", r.markdown));
    r.timelines.forEach((name, i) => box.appendChild(el("img", undefined, { src: `api/bench/${encodeURIComponent(r.kind)}/${i}.svg`, alt: `timeline ${name} of the ${r.kind} benchmark: writes, faults and the agents' decisions over time` })));
    return box;
  }));
}

// Actions ------------------------------------------------------------------------------------------------------------

function token() { return sessionStorage.getItem("keel-token"); }

function showResult(text, kind) {
  const p = $("action-result");
  p.textContent = text;
  p.className = kind;
}

function confirmAction(text) {
  return new Promise((resolve) => {
    const dialog = $("confirm");
    $("confirm-text").textContent = text;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}

async function act(path, description) {
  if (!token()) {
    showResult("The API token is required: enter it above first (it stays in this tab only).", "refused");
    $("token").focus();
    return;
  }
  if (!(await confirmAction(description))) {
    showResult("Cancelled: nothing was asked.", "");
    return;
  }
  const answer = await fetch(path, { method: "POST", headers: { Authorization: `Bearer ${token()}` } });
  const text = (await answer.text()).trim();
  if (answer.status === 401) {
    sessionStorage.removeItem("keel-token");
    $("token-state").textContent = "";
    showResult(`Refused: the token was not accepted (${text}). Enter it again.`, "refused");
  } else if (answer.ok) {
    showResult(text, "accepted");
  } else {
    showResult(`Refused: ${text}`, "refused");
  }
  queueRefresh();
}

function wireActions() {
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("token").value.trim();
    if (value) sessionStorage.setItem("keel-token", value);
    $("token").value = "";
    $("token-state").textContent = token() ? "token kept for this tab" : "";
  });
  $("token-state").textContent = token() ? "token kept for this tab" : "";
  $("switchover-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const to = $("target").value;
    const from = status?.leader ?? "the primary";
    const description = to
      ? `Switch over from ${from} to ${to}: writes pause for a moment, ${to} catches up with every transaction and takes over, and ${from} follows it.`
      : `Switch over from ${from} to the replica Keel picks (the most caught up): writes pause for a moment while it takes over.`;
    act(to ? `../switchover?to=${encodeURIComponent(to)}` : "../switchover", description);
  });
  $("pause").addEventListener("click", () => act("../pause", "Pause the cluster: the agents take no automatic action (no failover) until it is resumed."));
  $("resume").addEventListener("click", () => act("../resume", "Resume the cluster: the agents act on failures again."));
}

// Live updates -------------------------------------------------------------------------------------------------------

function listen() {
  const events = new EventSource("../events");
  events.onopen = () => { $("live").textContent = "live"; $("live").className = ""; queueRefresh(); };
  events.onerror = () => { $("live").textContent = "reconnecting to the agent…"; $("live").className = "down"; };
  for (const type of ["decision", "leader", "action", "observation"]) events.addEventListener(type, queueRefresh);
}

wireActions();
refresh();
loadBench().catch(() => {});
listen();
// Lag and positions change without an event: read them again at a few agent loops' pace, never faster than the loop.
setInterval(() => { if (!document.hidden) queueRefresh(); }, 5000);
