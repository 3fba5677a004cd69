// Counsellor's look-up: autocomplete occupations, search passages, open a whole description, copy a passage;
// code one job offer, or a whole file of them. Every text it shows comes from the sentence catalog
// (bot/sentences.yml, served by /runtime-config.js as DORADCA_STRINGS), in the language chosen as on the chat page.
(function () {
  "use strict";
  const api = (window.DORADCA_CONFIG && window.DORADCA_CONFIG.apiServer) || "";
  const UI = window.DORADCA_STRINGS;
  const KEY = "doradca-lookup";
  const LOCALE = { pl: "pl-PL", uk: "uk-UA", en: "en-GB" };  // numbers and times as the reader writes them
  const $ = (id) => document.getElementById(id);
  const q = $("q"), list = $("suggestions"), results = $("results"), status = $("status");
  let byLabel = {};
  let timer = null;
  // The language is kept for this tab only (sessionStorage), as the chat page keeps its own; Polish until the
  // user picks another. The API names sources in it too (``lang``); the descriptions themselves are Polish.
  let lang = (function () {
    try { return JSON.parse(sessionStorage.getItem(KEY)).lang; } catch (e) { return null; }
  })();
  if (!UI[lang]) lang = "pl";

  // The catalog's string ``name`` (its key without "page_") in the page's language, its {fields} filled in.
  function say(name, values) {
    return UI[lang][name].replace(/\{(\w+)\}/g, function (all, field) {
      return values && field in values ? String(values[field]) : all;
    });
  }
  function number(n, digits) {
    return Number(n).toLocaleString(LOCALE[lang], { maximumFractionDigits: digits || 0 });
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;   // text only: nothing from the API is parsed as HTML
    if (cls) e.className = cls;
    return e;
  }
  async function getJSON(path) {
    const r = await fetch(api + path);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(typeof body.detail === "string" ? body.detail : "HTTP " + r.status);
    return body;
  }

  q.addEventListener("input", function () {
    clearTimeout(timer);
    const text = q.value.trim();
    if (text.length < 2 || byLabel[q.value]) return;
    timer = setTimeout(async function () {
      try {
        const data = await getJSON("/api/occupations?k=8&q=" + encodeURIComponent(text));
        list.replaceChildren();
        byLabel = {};
        data.candidates.forEach(function (c) {
          const label = c.name + " (" + c.code + ")";
          byLabel[label] = c.code;
          const opt = document.createElement("option");
          opt.value = label;
          list.appendChild(opt);
        });
      } catch (e) { status.textContent = e.message; }
    }, 150);
  });

  $("form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const text = q.value.trim();
    const code = byLabel[q.value] || (text.match(/^\d{6}$/) || [])[0];
    try {
      if (code) await showDescription(code); else await search(text);
    } catch (e) { status.textContent = e.message; }
  });

  async function search(text) {
    const data = await getJSON("/api/search?k=20&lang=" + lang + "&q=" + encodeURIComponent(text));
    results.replaceChildren();
    if (data.occupation) {
      const b = el("button", say("lookup_whole", { occupation: data.occupation.name + " (" + data.occupation.code + ")" }), "occ-link");
      b.type = "button";
      b.addEventListener("click", function () { showDescription(data.occupation.code); });
      results.appendChild(b);
    }
    status.textContent = data.hits.length ? say("lookup_found", { n: data.hits.length }) : say("lookup_none");
    groupBySection(data.hits.map(function (h) {
      return { section: h.section, label: h.section, occupation: h.occupation_name + " (" + h.occupation_code + ")",
               passage_id: h.passage_id, task_id: h.task_id, text: h.text, source: h.source };
    }));
  }

  async function showDescription(code) {
    const d = await getJSON("/api/occupations/" + encodeURIComponent(code) + "?lang=" + lang);
    results.replaceChildren();
    results.appendChild(el("h2", d.name + " (" + d.code + ")"));
    if (d.group_name) results.appendChild(el("p", say("lookup_group", { group: d.group, name: d.group_name }), "note"));
    if (d.synonyms.length) results.appendChild(el("p", say("lookup_synonyms", { names: d.synonyms.join(", ") }), "note"));
    d.competences.forEach(function (c) {
      results.appendChild(el("p", say("lookup_competence", { id: c.id, name: c.name, tasks: c.tasks.join(", ") })));
    });
    status.textContent = say("lookup_description", { name: d.name });
    const rows = [];
    d.sections.forEach(function (s) {
      s.passages.forEach(function (p) { rows.push(Object.assign({ section: s.section, label: s.label }, p)); });
    });
    groupBySection(rows);
    await showRelated(d.code);
  }

  // Related occupations, each with what the two share and what a move there would leave to learn: what a
  // counsellor talks through with a jobseeker who lost this job.
  async function showRelated(code) {
    let related;
    try {
      related = await getJSON("/api/occupations/" + encodeURIComponent(code) + "/related?k=5");
    } catch (e) { return; }   // the description is shown; the related list is an extra
    if (!related.length) return;
    const box = el("section", undefined, "section related");
    box.setAttribute("aria-labelledby", "related-title");
    const title = el("h3", say("lookup_related"));
    title.id = "related-title";
    box.appendChild(title);
    related.forEach(function (r) {
      const item = el("div", undefined, "passage related-item");
      const body = el("div");
      const open = el("button", r.name + " (" + r.code + ")", "occ-link");
      open.type = "button";
      open.addEventListener("click", function () {
        showDescription(r.code).catch(function (e) { status.textContent = e.message; });
      });
      body.appendChild(open);
      if (r.same_group) body.appendChild(el("span", " · " + say("lookup_same_group"), "note"));
      [[say("lookup_shared"), r.shared], [say("lookup_to_learn"), r.to_learn]].forEach(function (part) {
        if (!part[1].length) return;
        body.appendChild(el("strong", part[0] + ":"));
        const ul = el("ul");
        part[1].forEach(function (t) { ul.appendChild(el("li", t)); });
        body.appendChild(ul);
      });
      item.appendChild(body);
      box.appendChild(item);
    });
    results.appendChild(box);
  }

  const KIND = { example: "lookup_kind_example", name: "lookup_kind_name", passage: "lookup_kind_passage" };

  $("offer-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const title = $("offer-name").value.trim(), description = $("offer-text").value.trim();
    const out = $("offer-results"), note = $("offer-status");
    out.replaceChildren();
    if (!title && !description) { note.textContent = say("lookup_offer_empty"); return; }
    note.textContent = say("lookup_offer_wait");
    try {
      const r = await fetch(api + "/api/classify", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: title, description: description || null, k: 3 }),
      });
      const data = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(typeof data.detail === "string" ? data.detail : "HTTP " + r.status);
      data.candidates.forEach(function (c) { out.appendChild(suggestion(c)); });
      note.textContent = data.ambiguous
        ? say("lookup_offer_unsure")
        : say("lookup_offer_count", { n: data.candidates.length });
    } catch (e) { note.textContent = e.message; }
  });

  function suggestion(c) {
    const li = el("li", undefined, "suggestion");
    const head = el("div", undefined, "passage");
    head.appendChild(el("strong", c.code + " " + c.name + " · " + say("lookup_confidence", { percent: Math.round(c.score * 100) })));
    const copy = el("button", say("lookup_copy_code"));
    copy.type = "button";
    copy.setAttribute("aria-label", say("lookup_copy_code_of", { code: c.code }));
    copy.addEventListener("click", async function () {
      try {
        await navigator.clipboard.writeText(c.code);
        $("offer-status").textContent = say("lookup_copied_code", { code: c.code });
      } catch (e) { $("offer-status").textContent = say("lookup_copy_failed", { error: e.message }); }
    });
    head.appendChild(copy);
    li.appendChild(head);
    const ul = el("ul", undefined, "evidence");
    c.evidence.forEach(function (e) { ul.appendChild(el("li", (KIND[e.kind] ? say(KIND[e.kind]) : e.kind) + ": " + e.text)); });
    li.appendChild(ul);
    return li;
  }

  // --- a whole file of offers: upload, progress, download, the rows to check first --------------------------
  const limits = Object.assign({ maxBytes: 10000000, maxRows: 5000, keepMinutes: 60 },
                               (window.DORADCA_CONFIG && window.DORADCA_CONFIG.batch) || {});
  const maxMb = () => number(Math.round(limits.maxBytes / 1e5) / 10, 1);
  const bar = $("batch-progress"), bStatus = $("batch-status"), link = $("batch-download");
  // the API's reasons, said in the page's words (its detail is for other clients): reason -> the catalog's string
  const REFUSED = {
    empty: "lookup_refused_empty", no_rows: "lookup_refused_no_rows", no_title_column: "lookup_refused_no_title_column",
    no_column: "lookup_refused_no_column", too_large: "lookup_refused_too_large",
    too_many_rows: "lookup_refused_too_many_rows", xls: "lookup_refused_xls", ods: "lookup_refused_ods",
    binary: "lookup_refused_binary", unreadable: "lookup_refused_unreadable",
    rate_limited: "lookup_refused_rate_limited", busy: "lookup_refused_busy",
  };
  function refusal(reason) { return say(REFUSED[reason], { mb: maxMb(), rows: number(limits.maxRows) }); }
  let polling = null;

  // The file is saved under the counsellor's own file name + "-kody": fetched and handed over as a blob, since a
  // browser prefers the server's Content-Disposition name to the link's download attribute.
  link.addEventListener("click", async function (ev) {
    ev.preventDefault();
    try {
      const r = await fetch(link.href);
      if (!r.ok) throw new Error(r.status === 404 ? say("lookup_batch_gone") : "HTTP " + r.status);
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement("a");
      a.href = url; a.download = link.download;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    } catch (e) { bStatus.textContent = e.message; }
  });

  function refused(status, body) {
    let text = REFUSED[body.reason] ? refusal(body.reason)
      : typeof body.detail === "string" ? body.detail : say("lookup_server_error", { status: status });
    if (body.found && body.found.length) text += " " + say("lookup_first_row", { row: body.found.slice(0, 12).join(" · ") });
    return text;
  }

  function upload(file) {   // XMLHttpRequest: fetch cannot report the upload's progress
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", api + "/api/batch?k=3");
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.max = e.total; bar.value = e.loaded;
          bStatus.textContent = say("lookup_uploading", { percent: Math.round(100 * e.loaded / e.total) });
        }
      });
      xhr.addEventListener("load", function () {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: said below */ }
        if (xhr.status === 202) resolve(body); else reject(new Error(refused(xhr.status, body)));
      });
      xhr.addEventListener("error", function () { reject(new Error(say("lookup_no_connection"))); });
      xhr.send(file);
    });
  }

  $("batch-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const file = $("batch-file").files[0];
    clearTimeout(polling);
    link.hidden = true;
    $("batch-preview-box").hidden = true;
    if (!file) { bStatus.textContent = say("lookup_batch_choose"); return; }
    if (file.size > limits.maxBytes) { bStatus.textContent = refusal("too_large"); return; }
    bar.hidden = false; bar.value = 0;
    try {
      const job = await upload(file);
      const stem = file.name.replace(/\.[^.]*$/, "");
      link.download = stem + "-kody." + job.format;
      poll(job.id);
    } catch (e) { bar.hidden = true; bStatus.textContent = e.message; }
  });

  async function poll(id) {
    try {
      const job = await getJSON("/api/batch/" + encodeURIComponent(id));
      bar.max = Math.max(job.rows, 1); bar.value = job.done;
      if (job.state === "failed") { bar.hidden = true; bStatus.textContent = say("lookup_batch_failed"); return; }
      if (job.state !== "done") {
        bStatus.textContent = say(job.state === "queued" ? "lookup_batch_queued" : "lookup_batch_running",
                                  { done: job.done, rows: job.rows });
        polling = setTimeout(function () { poll(id); }, 700);
        return;
      }
      const n = job.counts;
      bStatus.textContent = say("lookup_batch_done", {
        rows: n.rows, unsure: n.unsure, blank: n.blank ? say("lookup_batch_blank", { n: n.blank }) : "",
        time: new Date(job.expires_at).toLocaleTimeString(LOCALE[lang], { hour: "2-digit", minute: "2-digit" }) });
      link.href = api + job.result;
      link.hidden = false;
      showPreview(job.preview);
    } catch (e) { bar.hidden = true; bStatus.textContent = e.message; }
  }

  function showPreview(rows) {
    const body = $("batch-preview").tBodies[0];
    body.replaceChildren();
    rows.forEach(function (r) {
      const tr = el("tr", undefined, r.unsure ? "unsure" : "");
      tr.appendChild(el("td", String(r.line)));
      tr.appendChild(el("td", r.title));
      const codes = el("td");
      r.candidates.forEach(function (c) {
        codes.appendChild(el("div", c.code + " " + c.name + " · " + Math.round(c.score * 100) + "%"));
      });
      tr.appendChild(codes);
      tr.appendChild(el("td", say(r.unsure ? "lookup_yes" : "lookup_no")));
      tr.appendChild(el("td", r.reason));
      body.appendChild(tr);
    });
    $("batch-preview-box").hidden = rows.length === 0;
  }

  function groupBySection(rows) {
    const groups = {};
    rows.forEach(function (r) { (groups[r.section] = groups[r.section] || []).push(r); });
    Object.keys(groups).forEach(function (section) {
      const box = el("section", undefined, "section");
      box.appendChild(el("h3", groups[section][0].label));
      groups[section].forEach(function (r) { box.appendChild(passage(r)); });
      results.appendChild(box);
    });
  }

  function passage(r) {
    const row = el("div", undefined, "passage");
    const body = el("div");
    const head = [r.occupation, r.task_id && !r.task_id.startsWith("kzis") ? r.task_id : null].filter(Boolean).join(" · ");
    if (head) body.appendChild(el("strong", head + ": "));
    body.appendChild(document.createTextNode(r.text));
    body.appendChild(el("div", say("lookup_source") + ": " + r.source + " · " + r.passage_id, "source"));
    const copy = el("button", say("lookup_copy"));
    copy.type = "button";
    copy.setAttribute("aria-label", say("lookup_copy_passage", { id: r.passage_id }));
    copy.addEventListener("click", async function () {
      try {
        await navigator.clipboard.writeText(r.text + " (" + say("lookup_source") + ": " + r.source + ")");
        status.textContent = say("lookup_copied_passage", { id: r.passage_id });
      } catch (e) { status.textContent = say("lookup_copy_failed", { error: e.message }); }
    });
    row.appendChild(body);
    row.appendChild(copy);
    return row;
  }

  // The page's own texts in the chosen language; what the page wrote after a search or a file stays as written
  // until the next one.
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = say("lookup_title");
    document.querySelectorAll("[data-text]").forEach(function (e) { e.textContent = say(e.dataset.text); });
    document.querySelectorAll("[data-placeholder]").forEach(function (e) { e.placeholder = say(e.dataset.placeholder); });
    $("batch-limits").textContent = say("lookup_batch_limits",
                                        { mb: maxMb(), rows: number(limits.maxRows), minutes: limits.keepMinutes });
    $("lang").value = lang;
  }
  $("lang").addEventListener("change", function (e) {
    lang = e.target.value;
    sessionStorage.setItem(KEY, JSON.stringify({ lang: lang }));
    applyLanguage();
  });
  applyLanguage();
})();
