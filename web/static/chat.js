// doradca chat widget: talks to the Rasa server over socket.io; keeps the conversation in this browser tab only
// (sessionStorage: gone when the tab closes), with a "new conversation" button and an optional kiosk idle reset.
// Of what the user typed, the tab keeps only the server's redacted echo ("user_echo": a PESEL comes back as
// [PESEL]), never the raw text: the next person at a shared computer scrolls back to placeholders.
(function () {
  "use strict";
  const cfg = window.DORADCA_CONFIG;
  // The page's strings in every language, from the sentence catalog (bot/sentences.yml) by /runtime-config.js.
  const UI = window.DORADCA_STRINGS;
  const KEY = "doradca-chat";
  const $ = (id) => document.getElementById(id);
  const log = $("log"), input = $("input"), typing = $("typing"), status = $("status");
  // Kiosk reset (on unless the office sets kioskIdleMinutes to 0): a conversation idle this long starts over.
  const idleMs = Math.max(0, Number(cfg.kioskIdleMinutes) || 0) * 60000;
  let state = load();
  // A tab restored later (after a reload, or with the browser's "continue where you left off") keeps its
  // sessionStorage: an idle one starts empty, as the timer would have made it.
  if (stale()) state = { lang: state.lang };

  document.documentElement.style.setProperty("--primary", cfg.primary);
  document.documentElement.style.setProperty("--accent", cfg.accent);

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  // Messages still waiting for their redacted echo are shown but not stored.
  function save() {
    const kept = state.messages.filter(function (m) { return !m.echo; })
      .map(function (m) { return { from: m.from, text: m.text, buttons: m.buttons }; });
    sessionStorage.setItem(KEY, JSON.stringify({ lang: state.lang, session: state.session, messages: kept,
                                                 active: state.active }));
  }
  // Idle too long for a kiosk, with something of a conversation to hide (the greeting alone is nobody's).
  function stale() {
    return idleMs > 0 && (state.messages || []).length > 1 && Date.now() - (state.active || 0) >= idleMs;
  }
  // An id the server accepts (A-Z a-z 0-9 _ . : -, at most 128): a UUID, or 32 random hex digits where
  // crypto.randomUUID is missing (a page served over plain HTTP); never a number-like id.
  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  localStorage.removeItem(KEY);  // conversations kept by earlier versions of this page on a shared computer
  state.messages = state.messages || [];
  if (!UI[state.lang]) state.lang = "pl";  // Polish until the user picks another language
  if (!state.session) state.session = newId();

  function applyLanguage() {
    const t = UI[state.lang];
    document.documentElement.lang = state.lang;
    $("title").textContent = t.title + " – " + cfg.officeName;
    document.title = t.title;
    $("lang-label").textContent = t.lang;
    $("input-label").textContent = t.input;
    input.placeholder = t.placeholder;
    $("send").textContent = t.send;
    $("restart").textContent = t.restart;
    typing.textContent = t.typing;
    $("lang").value = state.lang;
  }

  // Every text goes into the page with textContent: user and bot text are never parsed as HTML.
  function render(msg) {
    const div = document.createElement("div");
    div.className = "msg " + msg.from;
    appendText(div, msg.text || "");
    if (msg.buttons && msg.buttons.length) {
      const box = document.createElement("div");
      box.className = "buttons";
      msg.buttons.forEach(function (b) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(btn);
      });
      div.appendChild(box);
    }
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }
  // Links (http/https only) become <a>; everything else stays plain text.
  function appendText(parent, text) {
    const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        const a = document.createElement("a");
        a.href = part; a.textContent = part; a.rel = "noopener noreferrer"; a.target = "_blank";
        parent.appendChild(a);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }
  function add(msg) { state.messages.push(msg); save(); return render(msg); }
  const shown = {};  // echo id -> the message and its bubble, until the redacted echo replaces the typed text

  const socket = io(cfg.botServer, { transports: ["websocket"], reconnection: true, reconnectionDelay: 1000,
                                     reconnectionDelayMax: 5000, timeout: 5000 });
  // A message typed before the server has confirmed the session would be answered into no room: it waits.
  // The page's <html data-session="ready"> says the session is confirmed (the browser tests wait for it too).
  const pending = [];
  function ready() { return document.documentElement.dataset.session === "ready"; }
  socket.on("connect", function () {
    status.hidden = true;
    delete document.documentElement.dataset.session;
    socket.emit("session_request", { session_id: state.session });
  });
  socket.on("session_confirm", function (id) {
    if (id && typeof id === "string") { state.session = id; save(); }
    document.documentElement.dataset.session = "ready";
    pending.splice(0).forEach(function (m) { socket.emit("user_uttered", m); });
  });
  socket.on("connect_error", offline);
  socket.on("disconnect", offline);
  function offline() { status.textContent = UI[state.lang].offline; status.hidden = false; typing.hidden = true; }
  socket.on("user_echo", function (data) {
    const entry = data && shown[data.id];
    if (!entry || typeof data.text !== "string") return;
    delete shown[data.id];
    delete entry.msg.echo;
    entry.msg.text = data.text;
    entry.div.textContent = "";
    appendText(entry.div, data.text);
    save();
  });
  socket.on("bot_uttered", function (data) {
    typing.hidden = true;
    const buttons = (data.quick_replies || data.buttons || []).map(function (b) { return { title: b.title, payload: b.payload }; });
    add({ from: "bot", text: data.text || "", buttons: buttons });
  });

  // A button's title comes from the bot and is stored as it is; typed text waits for its redacted echo.
  function send(text, title) {
    text = (text || "").trim();
    if (!text) return;
    const msg = { message: text, session_id: state.session, metadata: { language: state.lang } };
    const entry = { from: "user", text: title || text };
    if (!title) { entry.echo = msg.echo = newId(); }
    const div = add(entry);
    if (entry.echo) shown[entry.echo] = { msg: entry, div: div };
    if (!socket.connected) { add({ from: "bot", text: UI[state.lang].error }); return; }
    typing.hidden = false;
    if (ready()) socket.emit("user_uttered", msg); else pending.push(msg);
  }

  $("form").addEventListener("submit", function (e) {
    e.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  // A new conversation: a new session id, an empty page (the next person at a kiosk sees nothing of this one).
  function restart() {
    sessionStorage.setItem(KEY, JSON.stringify({ lang: state.lang }));
    location.reload();
  }
  $("restart").addEventListener("click", restart);
  // Kiosk mode: after kioskIdleMinutes without a message, a key press or a click the conversation starts over.
  // The timer is checked again when the tab comes back into view or the page gets focus: a sleeping computer's
  // or a hidden tab's timers run late. The page says the reset is armed in <html data-kiosk-idle="minutes">.
  if (idleMs > 0) {
    let idle = null;
    const check = function () { if (stale()) restart(); };
    const arm = function () {
      state.active = Date.now();
      save();
      clearTimeout(idle);
      idle = setTimeout(check, idleMs);
    };
    ["keydown", "pointerdown", "submit"].forEach(function (e) { document.addEventListener(e, arm, true); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
    window.addEventListener("focus", check);
    socket.on("bot_uttered", arm);
    arm();
    document.documentElement.dataset.kioskIdle = String(cfg.kioskIdleMinutes);
  }
  $("lang").addEventListener("change", function (e) {
    state.lang = e.target.value; save(); applyLanguage();
  });

  applyLanguage();
  // The office may set its own greeting in config.js; otherwise the catalog's.
  const greeting = (cfg.greeting && (cfg.greeting[state.lang] || cfg.greeting.pl)) || UI[state.lang].greeting;
  if (!state.messages.length) add({ from: "bot", text: greeting });
  else state.messages.forEach(render);
})();
