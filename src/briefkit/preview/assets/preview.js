// The preview page: follows the server's events. Each event is the whole state after a rebuild;
// the page shows the chosen document's HTML at once and its PDF pages when they are written,
// or the located problem instead of a stale document.
"use strict";

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
let chosen = { doc: query.get("doc"), edition: query.get("edition") };
let source = null;

async function start() {
  const info = await (await fetch("/state")).json();
  $("plan").textContent = info.plan;
  fill($("doc-select"), info.documents, chosen.doc);
  fill($("edition-select"), info.editions, chosen.edition);
  $("pdf-pane").hidden = !info.pdf;
  for (const id of ["doc-select", "edition-select"]) {
    $(id).addEventListener("change", () => { frameKey = null; pagesKey = null; connect(); });
  }
  connect();
}

function fill(select, names, wanted) {
  for (const name of names) select.add(new Option(name, name));
  if (wanted && names.includes(wanted)) select.value = wanted;
}

function current() {
  return `${$("doc-select").value}.${$("edition-select").value}`;
}

function connect() {
  if (source) source.close();
  const doc = encodeURIComponent($("doc-select").value);
  const edition = encodeURIComponent($("edition-select").value);
  history.replaceState(null, "", `/?doc=${doc}&edition=${edition}`);
  source = new EventSource(`/events?doc=${doc}&edition=${edition}`);
  source.onmessage = (event) => show(JSON.parse(event.data));
  source.onerror = () => { $("status").textContent = "server unreachable: retrying…"; };
}

let frameKey = null;
let pagesKey = null;

function show(state) {
  const name = current();
  document.body.dataset.version = state.version;
  const problems = state.problems.length ? state.problems : (state.failures[name] ? [state.failures[name]] : []);
  if (problems.length) {
    document.body.dataset.state = "error";
    $("problem-list").textContent = problems.join("\n");
    $("problems").hidden = false;
    $("status").textContent = `${problems.length} problem${problems.length > 1 ? "s" : ""}`;
    $("pdf-link").hidden = true;
    frameKey = null;
    return;
  }
  document.body.dataset.state = "ok";
  $("problems").hidden = true;
  const key = state.keys[name] || `v${state.version}`;
  if (frameKey !== key) {
    frameKey = key;
    $("document").dataset.key = key;
    $("document").src = `/view/${name}.html?k=${key}`;
  }
  $("status").textContent = `rebuilt in ${state.seconds.toFixed(2)} s`;
  showPdf(state, name, key);
}

function showPdf(state, name, key) {
  if (!state.pdf_enabled) return;
  const pdf = state.pdfs[name];
  const error = state.pdf_errors[name];
  if (error) {
    $("pdf-status").textContent = "failed";
    $("pages").textContent = error;
    return;
  }
  if (!pdf || (state.keys[name] && pdf.key !== state.keys[name])) {
    $("pdf-status").textContent = "writing…";
    return;
  }
  $("pdf-status").textContent = `${pdf.pages} page${pdf.pages > 1 ? "s" : ""}, ${pdf.seconds.toFixed(1)} s`;
  $("pdf-link").hidden = false;
  $("pdf-link").href = `/pdf/${name}.pdf?k=${pdf.key}`;
  if (pagesKey === pdf.key) return;
  pagesKey = pdf.key;
  const pages = $("pages");
  pages.replaceChildren();
  pages.dataset.key = pdf.key;
  for (let number = 1; number <= pdf.pages; number++) {
    const image = new Image();
    image.alt = `page ${number}`;
    image.src = `/pages/${name}/${number}.jpg?k=${pdf.key}`;
    pages.append(image);
  }
}

start();
