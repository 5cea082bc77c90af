// StoFlow dashboard: plain JavaScript over the HTTP API, no build step.
// Data is always inserted with textContent (never innerHTML), so marketplace messages cannot inject markup.
"use strict";

const KEY_STORE = "stoflow.apiKey";

function apiKey() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("key")) {
    localStorage.setItem(KEY_STORE, hash.get("key"));
    history.replaceState(null, "", location.pathname + location.search);  // keep the key out of the address bar
  }
  return localStorage.getItem(KEY_STORE) || "";
}

async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + apiKey() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) { showKeyPanel(); throw new Error("API key required"); }
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map(e => e.loc.slice(1).join(".") + ": " + e.msg).join("; ") : data.detail;
    throw new Error(detail || res.statusText);
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name === "style") node.style.cssText = value;  // CSSOM: allowed by the page's CSP
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

function percent(progress) { return Math.round(progress * 100) + "%"; }

// Server-sent events over fetch (EventSource cannot send the Authorization header).
async function followBatch(batchId, onProgress) {
  const res = await fetch(`/api/batches/${batchId}/events`, { headers: { Authorization: "Bearer " + apiKey() } });
  if (!res.ok) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (name === "progress") onProgress(JSON.parse(data));
    }
  }
}

function showKeyPanel() {
  const panel = document.getElementById("key-panel");
  if (panel) panel.hidden = false;
}

// -- overview page ---------------------------------------------------------------------------
const following = new Set();

function batchRow(batch) {
  const bar = el("div", { class: "bar " + batch.status, style: `width:${percent(batch.progress)}` });
  return el("li", { "data-batch": batch.id },
    el("a", { href: `/batches/${batch.id}` }, `#${batch.id} ${batch.action}`),
    el("div", { class: "progress", title: percent(batch.progress) }, bar),
    el("span", {}, el("span", { class: "status " + batch.status }, batch.status), " ", el("span", { class: "pct" }, percent(batch.progress))));
}

function updateBatchRow(batch) {
  const row = document.querySelector(`li[data-batch="${batch.id}"]`);
  if (row) row.replaceWith(batchRow(batch));
}

async function loadBatches() {
  const page = await api("GET", "/api/batches?limit=20");
  const list = document.getElementById("batches");
  list.replaceChildren(...page.items.map(batchRow));
  if (!page.items.length) list.append(el("li", { class: "muted" }, "No batch yet."));
  for (const batch of page.items) {
    if ((batch.status === "pending" || batch.status === "running") && !following.has(batch.id)) {
      following.add(batch.id);
      followBatch(batch.id, p => updateBatchRow(p.batch)).finally(() => { following.delete(batch.id); loadStats(); });
    }
  }
}

async function loadProducts() {
  const list = document.getElementById("products");
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const page = await api("GET", `/api/products?limit=200&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || !page.items.length) break;
  }
  list.replaceChildren(...items.map(p => el("li", {},
    el("label", {}, el("input", { type: "checkbox", name: "product", value: p.id, onchange: countSelected }),
      ` #${p.id} ${p.title} `, el("span", { class: "muted" }, `${p.price} ${p.currency} - ${p.images.length} photos`)))));
  if (!items.length) list.append(el("li", { class: "muted" }, "No product yet."));
}

function countSelected() {
  const n = document.querySelectorAll("input[name=product]:checked").length;
  document.getElementById("selected-count").textContent = `${n} selected`;
}

async function loadStats() {
  const stats = await api("GET", "/api/stats");
  document.getElementById("stats").replaceChildren(...stats.map(s => {
    const total = s.completed + s.failed + s.cancelled + s.pending + s.running || 1;
    const part = (cls, n) => el("div", { class: cls, style: `width:${(100 * n) / total}%`, title: `${n}` });
    return el("div", { "data-marketplace": s.marketplace },
      el("div", {}, el("strong", {}, s.marketplace), ` ${s.completed} ok, ${s.failed} failed, ${s.pending + s.running} waiting`,
        s.mean_job_ms === null ? "" : el("span", { class: "muted" }, ` - ${Math.round(s.mean_job_ms)} ms/job`)),
      el("div", { class: "bars" }, part("ok", s.completed), part("ko", s.failed), part("wait", s.pending + s.running)));
  }));
}

async function loadSideCards() {
  const [alerts, connections] = await Promise.all([api("GET", "/api/alerts"), api("GET", "/api/connections")]);
  const alertList = document.getElementById("alerts");
  alertList.replaceChildren(...alerts.map(a => el("li", { class: "error" }, `${a.marketplace ?? "all"}: ${a.message}`)));
  if (!alerts.length) alertList.append(el("li", { class: "muted" }, "No alert."));
  const conns = document.getElementById("connections");
  conns.replaceChildren(...connections.map(c => el("li", { "data-account": c.id }, el("strong", {}, c.marketplace), ` ${c.label} `,
    el("span", { class: "status " + (c.status === "connected" ? "completed" : "failed") }, c.status))));
  if (!connections.length) conns.append(el("li", { class: "muted" }, "No marketplace account connected."));
}

async function connect(marketplace) {
  const note = document.getElementById("connect-note");
  try {
    const started = await api("POST", `/api/connections/${marketplace}/connect`, { label: "default" });
    location.href = started.authorize_url;  // the marketplace's consent page, then our callback
  } catch (e) {
    note.textContent = e.message;
  }
}

async function pluginToken() {
  const note = document.getElementById("connect-note");
  try {
    const issued = await api("POST", "/api/connections/vinted/plugin-token", { label: "default" });
    note.replaceChildren("Paste this token into the StoFlow extension (shown once): ", el("code", {}, issued.token));
    await loadSideCards();
  } catch (e) {
    note.textContent = e.message;
  }
}

async function createBatch(event) {
  event.preventDefault();
  const error = document.getElementById("batch-error");
  error.textContent = "";
  const body = {
    action: document.getElementById("action").value,
    marketplaces: [...document.querySelectorAll("input[name=marketplace]:checked")].map(i => i.value),
    product_ids: [...document.querySelectorAll("input[name=product]:checked")].map(i => Number(i.value)),
  };
  try {
    const batch = await api("POST", "/api/batches", body);
    location.href = `/batches/${batch.id}`;
  } catch (e) {
    error.textContent = e.message;
  }
}

async function overviewPage() {
  document.getElementById("key-form").addEventListener("submit", e => {
    e.preventDefault();
    localStorage.setItem(KEY_STORE, document.getElementById("key-input").value.trim());
    location.reload();
  });
  if (!apiKey()) { showKeyPanel(); return; }
  document.getElementById("select-all").addEventListener("change", e => {
    for (const box of document.querySelectorAll("input[name=product]")) box.checked = e.target.checked;
    countSelected();
  });
  document.getElementById("batch-form").addEventListener("submit", createBatch);
  for (const button of document.querySelectorAll("[data-connect]")) button.addEventListener("click", () => connect(button.dataset.connect));
  document.getElementById("plugin-token").addEventListener("click", pluginToken);
  const connected = new URLSearchParams(location.search).get("connected");
  if (connected) document.getElementById("connect-note").textContent = `${connected} account connected.`;
  await Promise.all([loadProducts(), loadBatches(), loadStats(), loadSideCards()]);
  setInterval(loadBatches, 5000);  // new batches from other tabs or the CLI
}

// -- batch page ------------------------------------------------------------------------------
const batchId = Number(location.pathname.split("/").pop());
let jobOffset = 0;
let errorFilter = null;  // set by a click on a failure group

function showBatch(progress) {
  const b = progress.batch;
  document.getElementById("batch-title").textContent = `Batch #${b.id}: ${b.action}${b.paused ? " (paused)" : ""}`;
  const bar = document.getElementById("batch-bar");
  bar.style.width = percent(b.progress);
  bar.className = "bar " + b.status;
  document.getElementById("batch-percent").textContent = percent(b.progress);
  document.getElementById("batch-status").textContent = b.status;
  document.getElementById("batch-counts").textContent = `${b.completed} completed, ${b.failed} failed, ${b.cancelled} cancelled of ${b.total}`;
  if (progress.tasks_total !== undefined)
    document.getElementById("batch-tasks").textContent = `${progress.tasks_finished}/${progress.tasks_total} tasks`;
}

async function loadFailures() {
  const groups = await api("GET", `/api/batches/${batchId}/failures`);
  const list = document.getElementById("failures");
  list.replaceChildren(...groups.map(g => el("li", { "data-error": g.error_code ?? "", class: "clickable", title: "Show these jobs",
    onclick: () => { errorFilter = g.error_code; document.getElementById("job-filter").value = "failed"; loadJobs(); } },
    el("strong", {}, `${g.count} x ${g.marketplace} / ${g.error_code}`), ": ", g.example_message ?? "",
    g.example_marketplace_message ? el("div", { class: "muted" }, `"${g.example_marketplace_message}"`) : "")));
  if (!groups.length) list.append(el("li", { class: "muted" }, "No failed job."));
  document.getElementById("retry-failed").disabled = !groups.length;
}

function jobRow(job) {
  return el("tr", { "data-job": job.id, onclick: () => showJob(job.id) },
    el("td", {}, `#${job.id}`), el("td", {}, job.marketplace), el("td", {}, job.product_id ?? "-"),
    el("td", {}, el("span", { class: "status " + job.status }, job.status)), el("td", {}, job.attempts),
    el("td", { class: "error" }, job.error_code ?? ""));
}

async function loadJobs(append = false) {
  const status = document.getElementById("job-filter").value;
  if (!append) jobOffset = 0;
  const params = new URLSearchParams({ limit: "50", offset: String(jobOffset) });
  if (status) params.set("status", status);
  if (errorFilter && status === "failed") params.set("error_code", errorFilter);
  const page = await api("GET", `/api/batches/${batchId}/jobs?${params}`);
  const body = document.getElementById("jobs");
  if (append) body.append(...page.items.map(jobRow)); else body.replaceChildren(...page.items.map(jobRow));
  jobOffset += page.items.length;
  document.getElementById("more-jobs").hidden = jobOffset >= page.total;
}

async function showJob(jobId) {
  const job = await api("GET", `/api/jobs/${jobId}`);
  document.getElementById("job-panel").hidden = false;
  document.getElementById("job-title").textContent = `Job #${job.id}: ${job.action} on ${job.marketplace}, product ${job.product_id} - ${job.status}`;
  document.getElementById("job-error").textContent = job.error_message ? `${job.error_message}${job.marketplace_message ? " - " + job.marketplace_message : ""}` : "";
  const longest = Math.max(1, ...job.tasks.map(t => t.duration_ms ?? 0));
  document.getElementById("timeline").replaceChildren(...job.tasks.map(t => el("li", { class: t.status },
    el("span", {}, `${t.step_order}. ${t.name}`),
    el("span", { class: "status " + t.status }, `${t.status}${t.attempts > 1 ? " x" + t.attempts : ""}`),
    el("span", {}, el("div", { class: "dur", style: `width:${(100 * (t.duration_ms ?? 0)) / longest}%` }),
      el("span", { class: "muted" }, t.duration_ms === null ? "" : `${t.duration_ms} ms`)),
    t.error_message ? el("div", { class: "message" }, t.error_message, t.marketplace_message ? el("div", { class: "marketplace-message" }, t.marketplace_message) : "") : "")));
  document.getElementById("job-panel").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

async function follow() {
  await followBatch(batchId, p => { showBatch(p); });
  await Promise.all([loadFailures(), loadJobs()]);
}

async function operate(path) {
  await api("POST", `/api/batches/${batchId}/${path}`);
  showBatch({ batch: await api("GET", `/api/batches/${batchId}`) });
  await Promise.all([loadFailures(), loadJobs()]);
  follow();
}

async function batchPage() {
  if (!apiKey()) { location.href = "/"; return; }
  document.getElementById("job-filter").addEventListener("change", () => { errorFilter = null; loadJobs(); });
  document.getElementById("more-jobs").addEventListener("click", () => loadJobs(true));
  document.getElementById("retry-failed").addEventListener("click", () => operate("retry-failed"));
  document.getElementById("cancel").addEventListener("click", () => operate("cancel"));
  document.getElementById("pause").addEventListener("click", () => operate("pause"));
  document.getElementById("resume").addEventListener("click", () => operate("resume"));
  showBatch({ batch: await api("GET", `/api/batches/${batchId}`) });
  await Promise.all([loadFailures(), loadJobs()]);
  follow();
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  (page === "batch" ? batchPage() : overviewPage()).catch(e => console.error(e));
});
