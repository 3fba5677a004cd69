// Snippet for an office's own site: <script src="https://<doradca>/static/embed.js" defer></script>
// Adds a button that opens the chat (served by doradca) in a panel. Its label is the sentence catalog's
// (bot/sentences.yml, page_embed_label) in the language of the office's page (<html lang>), Polish otherwise,
// unless the office writes its own in data-label.
(function () {
  "use strict";
  const script = document.currentScript;
  const origin = new URL(script.src).origin;
  const color = script.getAttribute("data-color") || "#0b4f8a";

  function label() {
    const own = script.getAttribute("data-label");
    if (own) return own;
    const strings = window.DORADCA_STRINGS || {};
    const lang = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
    return (strings[lang] || strings.pl || {}).embed_label;
  }

  function add() {
    const text = label();
    if (!text) return; // no strings from the server (an older one): no button rather than an empty one
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.setAttribute("aria-expanded", "false");
    button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:9999;padding:.7rem 1rem;border:0;" +
      "border-radius:2rem;font:16px system-ui,sans-serif;color:#fff;background:" + color + ";cursor:pointer";
    const frame = document.createElement("iframe");
    frame.title = text;
    frame.src = origin + "/chat";
    frame.hidden = true;
    frame.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;z-index:9999;width:min(400px,calc(100vw - 2rem));" +
      "height:min(600px,calc(100vh - 6rem));border:1px solid #999;border-radius:.6rem;background:#fff";
    button.addEventListener("click", function () {
      frame.hidden = !frame.hidden;
      button.setAttribute("aria-expanded", String(!frame.hidden));
      if (!frame.hidden) frame.focus();
    });
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }

  if (script.getAttribute("data-label")) { add(); return; }
  // The catalog's strings come the way the chat page gets them: doradca's /runtime-config.js. No button when
  // doradca cannot be reached (the chat in the panel would not answer either).
  const strings = document.createElement("script");
  strings.src = origin + "/runtime-config.js";
  strings.addEventListener("load", add);
  document.head.appendChild(strings);
})();
