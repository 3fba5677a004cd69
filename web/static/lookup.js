// Counsellor's look-up: autocomplete occupations, search passages, open a whole description, copy a passage.
(function () {
  "use strict";
  const api = (window.DORADCA_CONFIG && window.DORADCA_CONFIG.apiServer) || "";
  const $ = (id) => document.getElementById(id);
  const q = $("q"), list = $("suggestions"), results = $("results"), status = $("status");
  let byLabel = {};
  let timer = null;

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
    const data = await getJSON("/api/search?k=20&q=" + encodeURIComponent(text));
    results.replaceChildren();
    if (data.occupation) {
      const b = el("button", "Cały opis: " + data.occupation.name + " (" + data.occupation.code + ")", "occ-link");
      b.type = "button";
      b.addEventListener("click", function () { showDescription(data.occupation.code); });
      results.appendChild(b);
    }
    status.textContent = data.hits.length ? "Znalezione fragmenty: " + data.hits.length : "Brak fragmentów dla tego pytania.";
    groupBySection(data.hits.map(function (h) {
      return { section: h.section, label: h.section, occupation: h.occupation_name + " (" + h.occupation_code + ")",
               passage_id: h.passage_id, task_id: h.task_id, text: h.text, source: h.source };
    }));
  }

  async function showDescription(code) {
    const d = await getJSON("/api/occupations/" + encodeURIComponent(code));
    results.replaceChildren();
    results.appendChild(el("h2", d.name + " (" + d.code + ")"));
    if (d.group_name) results.appendChild(el("p", "Grupa " + d.group + ": " + d.group_name, "note"));
    if (d.synonyms.length) results.appendChild(el("p", "Inne nazwy: " + d.synonyms.join(", "), "note"));
    d.competences.forEach(function (c) {
      results.appendChild(el("p", "Kompetencja " + c.id + ": " + c.name + " (zadania " + c.tasks.join(", ") + ")"));
    });
    status.textContent = "Opis zawodu " + d.name;
    const rows = [];
    d.sections.forEach(function (s) {
      s.passages.forEach(function (p) { rows.push(Object.assign({ section: s.section, label: s.label }, p)); });
    });
    groupBySection(rows);
  }

  const KIND = { example: "oferta zakodowana przez eksperta", name: "nazwa zawodu", passage: "opis zawodu" };

  $("offer-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const title = $("offer-name").value.trim(), description = $("offer-text").value.trim();
    const out = $("offer-results"), note = $("offer-status");
    out.replaceChildren();
    if (!title && !description) { note.textContent = "Wpisz stanowisko albo wklej treść oferty."; return; }
    note.textContent = "Szukam kodów…";
    try {
      const r = await fetch(api + "/api/classify", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: title, description: description || null, k: 3 }),
      });
      const data = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(typeof data.detail === "string" ? data.detail : "HTTP " + r.status);
      data.candidates.forEach(function (c) { out.appendChild(suggestion(c)); });
      note.textContent = data.ambiguous
        ? "Niepewne: porównaj propozycje, zanim wybierzesz kod."
        : "Propozycje: " + data.candidates.length;
    } catch (e) { note.textContent = e.message; }
  });

  function suggestion(c) {
    const li = el("li", undefined, "suggestion");
    const head = el("div", undefined, "passage");
    head.appendChild(el("strong", c.code + " " + c.name + " · pewność " + Math.round(c.score * 100) + "%"));
    const copy = el("button", "Kopiuj kod");
    copy.type = "button";
    copy.setAttribute("aria-label", "Kopiuj kod " + c.code);
    copy.addEventListener("click", async function () {
      try {
        await navigator.clipboard.writeText(c.code);
        $("offer-status").textContent = "Skopiowano kod " + c.code;
      } catch (e) { $("offer-status").textContent = "Nie udało się skopiować: " + e.message; }
    });
    head.appendChild(copy);
    li.appendChild(head);
    const ul = el("ul", undefined, "evidence");
    c.evidence.forEach(function (e) { ul.appendChild(el("li", (KIND[e.kind] || e.kind) + ": " + e.text)); });
    li.appendChild(ul);
    return li;
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
    body.appendChild(el("div", "Źródło: " + r.source + " · " + r.passage_id, "source"));
    const copy = el("button", "Kopiuj");
    copy.type = "button";
    copy.setAttribute("aria-label", "Kopiuj fragment " + r.passage_id);
    copy.addEventListener("click", async function () {
      try {
        await navigator.clipboard.writeText(r.text + " (Źródło: " + r.source + ")");
        status.textContent = "Skopiowano fragment " + r.passage_id;
      } catch (e) { status.textContent = "Nie udało się skopiować: " + e.message; }
    });
    row.appendChild(body);
    row.appendChild(copy);
    return row;
  }
})();
