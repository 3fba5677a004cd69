// Counsellor's look-up: autocomplete occupations, search passages, open a whole description, copy a passage;
// code one job offer, or a whole file of them.
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
    const title = el("h3", "Zawody pokrewne: co wspólne, czego się douczyć");
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
      if (r.same_group) body.appendChild(el("span", " · ta sama grupa elementarna", "note"));
      [["Wspólne", r.shared], ["Do nauczenia", r.to_learn]].forEach(function (part) {
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

  // --- a whole file of offers: upload, progress, download, the rows to check first --------------------------
  const limits = Object.assign({ maxBytes: 10000000, maxRows: 5000, keepMinutes: 60 },
                               (window.DORADCA_CONFIG && window.DORADCA_CONFIG.batch) || {});
  $("batch-max-mb").textContent = String(Math.round(limits.maxBytes / 1e5) / 10).replace(".", ",");
  $("batch-max-rows").textContent = limits.maxRows.toLocaleString("pl-PL");
  $("batch-keep").textContent = String(limits.keepMinutes);
  const bar = $("batch-progress"), bStatus = $("batch-status"), link = $("batch-download");
  const REFUSED = {   // the API's reasons, said in the page's words (its detail is for other clients)
    empty: "Plik jest pusty.",
    no_rows: "Pod wierszem z nagłówkami nie ma żadnej oferty.",
    no_title_column: "W pliku nie ma kolumny ze stanowiskiem. Nazwij ją „stanowisko” (albo „tytuł”, „nazwa stanowiska”, „title”).",
    no_column: "W pliku nie ma kolumny o tej nazwie.",
    too_large: "Plik jest za duży: najwyżej " + $("batch-max-mb").textContent + " MB.",
    too_many_rows: "Plik ma za dużo wierszy: najwyżej " + $("batch-max-rows").textContent + ". Podziel go na części.",
    xls: "To plik w starym formacie Excela (.xls). Zapisz go jako .xlsx albo CSV i wyślij ponownie.",
    ods: "To arkusz OpenDocument (.ods). Zapisz go jako .xlsx albo CSV i wyślij ponownie.",
    binary: "To nie jest arkusz ani plik tekstowy. Zapisz oferty jako .xlsx albo CSV.",
    unreadable: "Nie udało się odczytać pliku. Zapisz go jako .xlsx albo CSV (UTF-8) i wyślij ponownie.",
    rate_limited: "Za dużo plików w krótkim czasie. Spróbuj ponownie za kilka minut.",
    busy: "Serwer koduje teraz inne pliki. Spróbuj ponownie za kilka minut.",
  };
  let polling = null;

  // The file is saved under the counsellor's own file name + "-kody": fetched and handed over as a blob, since a
  // browser prefers the server's Content-Disposition name to the link's download attribute.
  link.addEventListener("click", async function (ev) {
    ev.preventDefault();
    try {
      const r = await fetch(link.href);
      if (!r.ok) throw new Error(r.status === 404 ? "Plik został już usunięty z serwera. Wyślij go ponownie." : "HTTP " + r.status);
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement("a");
      a.href = url; a.download = link.download;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    } catch (e) { bStatus.textContent = e.message; }
  });

  function refused(status, body) {
    let text = REFUSED[body.reason] || (typeof body.detail === "string" ? body.detail : "Błąd serwera (HTTP " + status + ").");
    if (body.found && body.found.length) text += " Pierwszy wiersz pliku: " + body.found.slice(0, 12).join(" · ") + ".";
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
          bStatus.textContent = "Wysyłam plik… " + Math.round(100 * e.loaded / e.total) + "%";
        }
      });
      xhr.addEventListener("load", function () {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: said below */ }
        if (xhr.status === 202) resolve(body); else reject(new Error(refused(xhr.status, body)));
      });
      xhr.addEventListener("error", function () { reject(new Error("Brak połączenia z serwerem.")); });
      xhr.send(file);
    });
  }

  $("batch-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const file = $("batch-file").files[0];
    clearTimeout(polling);
    link.hidden = true;
    $("batch-preview-box").hidden = true;
    if (!file) { bStatus.textContent = "Wybierz plik z ofertami."; return; }
    if (file.size > limits.maxBytes) { bStatus.textContent = REFUSED.too_large; return; }
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
      if (job.state === "failed") { bar.hidden = true; bStatus.textContent = "Nie udało się zakodować pliku."; return; }
      if (job.state !== "done") {
        bStatus.textContent = (job.state === "queued" ? "Plik czeka w kolejce… " : "Koduję oferty… ") +
          job.done + " z " + job.rows + " wierszy";
        polling = setTimeout(function () { poll(id); }, 700);
        return;
      }
      const n = job.counts;
      bStatus.textContent = "Gotowe. Wiersze: " + n.rows + ", do sprawdzenia: " + n.unsure +
        (n.blank ? ", puste: " + n.blank : "") + ". Plik jest na serwerze do " +
        new Date(job.expires_at).toLocaleTimeString("pl-PL", { hour: "2-digit", minute: "2-digit" }) + ".";
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
      tr.appendChild(el("td", r.unsure ? "tak" : "nie"));
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
