// dossier's search page. The URL holds the whole state (query, filters, order, page,
// open document), so back and forward work and a link can be shared. Text from the index
// is only ever set as text (textContent), never as HTML.
"use strict";

const PAGE_SIZE = 10;
const FACETS_SHOWN = 15;
const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The state the URL describes. */
function readState(search) {
  const params = new URLSearchParams(search);
  const number = (name) => {
    const value = Number.parseInt(params.get(name) || "", 10);
    return Number.isFinite(value) && value >= 0 ? value : null;
  };
  return {
    q: params.get("q") || "",
    company: params.getAll("company"),
    topic: params.getAll("topic"),
    since: params.get("since") || "",
    until: params.get("until") || "",
    sort: ["date", "path"].includes(params.get("sort")) ? params.get("sort") : "score",
    any: params.get("any") === "true",
    offset: number("offset") || 0,
    doc: params.get("doc") || "",
    line: number("line"),
    page: number("page"),
    para: number("paragraph"),
  };
}

/** The query string of a state: the page's URL, or an API request's parameters. */
function searchParams(state, forApi) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  state.company.forEach((name) => params.append("company", name));
  state.topic.forEach((name) => params.append("topic", name));
  if (state.since) params.set("since", state.since);
  if (state.until) params.set("until", state.until);
  if (state.sort !== "score") params.set("sort", state.sort);
  if (state.any) params.set("any", "true");
  if (state.offset) params.set("offset", String(state.offset));
  if (forApi) {
    params.set("limit", String(PAGE_SIZE));
    params.set("facets", "true");
  } else if (state.doc) {
    params.set("doc", state.doc);
    if (state.line !== null) params.set("line", String(state.line));
    if (state.page !== null) params.set("page", String(state.page));
    if (state.para !== null) params.set("paragraph", String(state.para));
  }
  return params.toString();
}

let state = readState(location.search);

/** Moves to a new state: a new history entry, then the page drawn for it. */
function go(changes) {
  state = { ...state, ...changes };
  const query = searchParams(state, false);
  history.pushState(null, "", query ? `/?${query}` : "/");
  draw();
}

window.addEventListener("popstate", () => {
  state = readState(location.search);
  draw();
});

let lastSearch = null;
let searchToken = 0;

/** Draws the page for the current state, asking the API only for what changed. */
function draw() {
  $("q").value = state.q;
  $("sort").value = state.sort;
  $("any").checked = state.any;
  document.title = state.q ? `${state.q} – dossier` : "dossier";
  drawActiveFilters();
  const key = searchParams(state, true);
  if (key !== lastSearch) {
    lastSearch = key;
    if (state.q) {
      runSearch(key);
    } else {
      clearResults("Type words to search for and press Enter.");
    }
  }
  drawDocument();
}

function clearResults(message) {
  $("status").textContent = message;
  $("problem").hidden = true;
  $("hits").replaceChildren();
  $("pager").hidden = true;
  drawFacets(null);
}

async function runSearch(query) {
  const token = ++searchToken;
  $("results").setAttribute("aria-busy", "true");
  $("status").textContent = "Searching…";
  let answer;
  let failed = null;
  try {
    const response = await fetch(`/api/search?${query}`);
    answer = await response.json();
    if (!response.ok) failed = answer;
  } catch (error) {
    failed = { error: `The server did not answer (${error.message}).` };
  }
  if (token !== searchToken) return;
  $("results").setAttribute("aria-busy", "false");
  if (failed) {
    clearResults("");
    showProblem(failed);
    return;
  }
  $("problem").hidden = true;
  $("q").removeAttribute("aria-invalid");
  drawHits(answer);
  drawFacets(answer.facets);
}

function showProblem(failed) {
  const problem = $("problem");
  problem.replaceChildren(failed.error || "The search failed.");
  if (failed.column) {
    // The query with a caret under the mistake, in a fixed-width font so they line up.
    const caret = `${" ".repeat(Math.max(0, failed.column - 1))}^`;
    problem.append(element("pre", "", `${state.q}\n${caret}`));
    $("q").setAttribute("aria-invalid", "true");
  }
  problem.hidden = false;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** The snippet with its matched words marked; the ranges are bytes of its UTF-8. */
function snippetNode(snippet, ranges) {
  const node = element("p", "snippet");
  const bytes = encoder.encode(snippet);
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > bytes.length || start >= end) continue;
    node.append(decoder.decode(bytes.subarray(at, start)));
    node.append(element("mark", "", decoder.decode(bytes.subarray(start, end))));
    at = end;
  }
  node.append(decoder.decode(bytes.subarray(at)));
  return node;
}

function placeOf(hit) {
  return hit.page ? `${hit.path}:p${hit.page}:${hit.line}` : `${hit.path}:${hit.line}`;
}

function chip(kind, name, pressed) {
  const button = element("button", `chip ${kind}`, name);
  button.type = "button";
  button.setAttribute("aria-pressed", String(pressed));
  button.title = pressed ? `Stop filtering by ${kind} ${name}` : `Only ${kind} ${name}`;
  button.addEventListener("click", () => toggle(kind, name));
  return button;
}

/** Adds a company or topic filter, or removes it if it is in use. */
function toggle(kind, name) {
  const list = state[kind];
  const next = list.includes(name) ? list.filter((n) => n !== name) : [...list, name];
  go({ [kind]: next, offset: 0, doc: "", line: null, page: null, para: null });
}

function drawHits(answer) {
  const hits = $("hits");
  hits.replaceChildren();
  const first = answer.offset + 1;
  const last = answer.offset + answer.hits.length;
  const total = answer.total;
  if (answer.hits.length === 0) {
    $("status").textContent = total
      ? `No hits after the first ${answer.offset} of ${total} matching paragraphs.`
      : "No paragraph matches.";
  } else {
    $("status").textContent = `Hits ${first}–${last} of ${total} matching paragraph${total === 1 ? "" : "s"}`;
  }
  if (answer.dropped_words.length) {
    $("status").textContent += ` (no paragraph has every word; showing paragraphs without “${answer.dropped_words.join(" ")}”)`;
  }
  for (const hit of answer.hits) {
    const item = element("li", "hit");
    item.append(element("h3", "", hit.title || hit.path));
    const meta = element("p", "meta");
    meta.append(element("span", "location", placeOf(hit)));
    if (hit.section) meta.append(` · ${hit.section}`);
    if (hit.date) meta.append(` · ${hit.date}`);
    item.append(meta);
    item.append(snippetNode(hit.snippet, hit.highlights));
    if (hit.companies.length || hit.topics.length) {
      const chips = element("ul", "chips");
      chips.setAttribute("aria-label", "Companies and topics of this paragraph");
      for (const name of hit.companies) {
        const li = element("li");
        li.append(chip("company", name, state.company.includes(name)));
        chips.append(li);
      }
      for (const name of hit.topics) {
        const li = element("li");
        li.append(chip("topic", name, state.topic.includes(name)));
        chips.append(li);
      }
      item.append(chips);
    }
    const open = element("button", "open", "Open in context");
    open.type = "button";
    open.setAttribute("aria-label", `Open ${placeOf(hit)} in context`);
    open.addEventListener("click", () =>
      go({ doc: hit.path, line: hit.line, page: hit.page ?? null, para: hit.paragraph }),
    );
    item.append(open);
    hits.append(item);
  }
  const pager = $("pager");
  pager.hidden = total <= PAGE_SIZE && answer.offset === 0;
  $("previous").disabled = answer.offset === 0;
  $("next").disabled = last >= total || answer.hits.length < PAGE_SIZE;
  $("page-of").textContent = `Page ${Math.floor(answer.offset / PAGE_SIZE) + 1} of ${Math.max(1, Math.ceil(total / PAGE_SIZE))}`;
}

function drawFacets(facets) {
  drawFacetList($("facet-companies"), "company", facets ? facets.companies : []);
  drawFacetList($("facet-topics"), "topic", facets ? facets.topics : []);
  drawTimeline(facets ? facets.months : []);
}

function drawFacetList(list, kind, counts) {
  list.replaceChildren();
  const shown = counts.slice(0, FACETS_SHOWN);
  // Filters in use stay listed, so a second click can remove them.
  for (const name of state[kind]) {
    if (!shown.some((count) => count.name === name)) shown.unshift({ name, paragraphs: null });
  }
  if (!shown.length) {
    list.append(element("li", "meta", "none"));
    return;
  }
  for (const count of shown) {
    const pressed = state[kind].includes(count.name);
    const button = element("button");
    button.type = "button";
    button.setAttribute("aria-pressed", String(pressed));
    button.append(element("span", "", count.name));
    if (count.paragraphs !== null) {
      const number = element("span", "count", count.paragraphs);
      number.setAttribute("aria-label", `${count.paragraphs} paragraphs`);
      button.append(number);
    }
    button.addEventListener("click", () => toggle(kind, count.name));
    const item = element("li");
    item.append(button);
    list.append(item);
  }
}

function drawTimeline(months) {
  const section = $("timeline-section");
  const timeline = $("timeline");
  timeline.replaceChildren();
  section.querySelector(".timeline-range")?.remove();
  section.hidden = months.length === 0;
  if (!months.length) return;
  const most = Math.max(...months.map((m) => m.paragraphs));
  for (const month of months) {
    const chosen = state.since === month.month && state.until === month.month;
    const button = element("button");
    button.type = "button";
    button.style.height = `${Math.max(4, Math.round((month.paragraphs / most) * 100))}%`;
    button.setAttribute("aria-pressed", String(chosen));
    button.setAttribute("aria-label", `${month.month}: ${month.paragraphs} paragraphs`);
    button.title = `${month.month}: ${month.paragraphs}`;
    button.addEventListener("click", () =>
      go(chosen
        ? { since: "", until: "", offset: 0 }
        : { since: month.month, until: month.month, offset: 0 }),
    );
    const item = element("li");
    item.append(button);
    timeline.append(item);
  }
  const range = element("p", "timeline-range");
  range.append(element("span", "", months[0].month), element("span", "", months[months.length - 1].month));
  section.append(range);
}

function drawActiveFilters() {
  const active = $("active");
  active.replaceChildren();
  const add = (label, remove) => {
    const button = element("button", "chip remove", label);
    button.type = "button";
    button.setAttribute("aria-label", `Remove the filter ${label}`);
    button.addEventListener("click", remove);
    const item = element("li");
    item.append(button);
    active.append(item);
  };
  for (const kind of ["company", "topic"]) {
    for (const name of state[kind]) add(`${kind}: ${name}`, () => toggle(kind, name));
  }
  if (state.since || state.until) {
    const label = state.since === state.until ? state.since : `${state.since || "…"} to ${state.until || "…"}`;
    add(`date: ${label}`, () => go({ since: "", until: "", offset: 0 }));
  }
}

let shownDocument = null;

/** Opens the document of the state in the dialog, or closes the dialog. */
async function drawDocument() {
  const dialog = $("document");
  if (!state.doc) {
    shownDocument = null;
    if (dialog.open) dialog.close();
    return;
  }
  const key = `${state.doc}\n${state.line}\n${state.page}\n${state.para}`;
  if (key === shownDocument && dialog.open) return;
  shownDocument = key;
  const params = new URLSearchParams({ path: state.doc });
  if (state.line !== null) params.set("line", String(state.line));
  if (state.page !== null) params.set("page", String(state.page));
  if (state.para !== null) params.set("paragraph", String(state.para));
  const list = $("paragraphs");
  list.replaceChildren();
  $("document-title").textContent = state.doc;
  $("document-meta").textContent = "Loading…";
  if (!dialog.open) dialog.showModal();
  let answer;
  try {
    const response = await fetch(`/api/show?${params}`);
    answer = await response.json();
    if (!response.ok) {
      $("document-meta").textContent = answer.error || "The document cannot be shown.";
      return;
    }
  } catch (error) {
    $("document-meta").textContent = `The server did not answer (${error.message}).`;
    return;
  }
  if (shownDocument !== key) return;
  $("document-title").textContent = answer.title || answer.path;
  const meta = [answer.path, answer.date, answer.people.join(", ")].filter(Boolean);
  $("document-meta").textContent = meta.join(" · ");
  let marked = null;
  for (const paragraph of answer.paragraphs) {
    const item = element("li");
    item.value = paragraph.paragraph;
    if (paragraph.section) item.append(element("div", "section", paragraph.section));
    item.append(element("p", "snippet", paragraph.text));
    const place = paragraph.page ? `page ${paragraph.page}, line ${paragraph.line}` : `line ${paragraph.line}`;
    const tags = [...paragraph.companies, ...paragraph.topics];
    item.append(element("p", "meta", tags.length ? `${place} · ${tags.join(", ")}` : place));
    if (paragraph.paragraph === answer.marked) {
      item.className = "marked";
      item.setAttribute("aria-current", "true");
      marked = item;
    }
    list.append(item);
  }
  if (marked) {
    marked.tabIndex = -1;
    marked.scrollIntoView({ block: "center" });
    marked.focus({ preventScroll: true });
  }
}

function closeDocument() {
  if (state.doc) go({ doc: "", line: null, page: null, para: null });
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 700px)").matches) $("facet-box").open = false;
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ q: $("q").value.trim(), offset: 0, doc: "", line: null, page: null, para: null });
  });
  $("sort").addEventListener("change", () => go({ sort: $("sort").value, offset: 0 }));
  $("any").addEventListener("change", () => go({ any: $("any").checked, offset: 0 }));
  $("previous").addEventListener("click", () => go({ offset: Math.max(0, state.offset - PAGE_SIZE) }));
  $("next").addEventListener("click", () => go({ offset: state.offset + PAGE_SIZE }));
  $("close").addEventListener("click", closeDocument);
  $("document").addEventListener("cancel", (event) => {
    event.preventDefault();
    closeDocument();
  });
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey && !$("document").open) {
      event.preventDefault();
      $("q").focus();
      $("q").select();
    }
  });
  draw();
  if (!state.q) $("q").focus();
});
