// Snippet for an office's own site: <script src="https://<doradca>/static/embed.js" defer></script>
// Adds a "Zapytaj doradcę" button that opens the chat (served by doradca) in a panel.
(function () {
  "use strict";
  const script = document.currentScript;
  const origin = new URL(script.src).origin;
  const label = script.getAttribute("data-label") || "Zapytaj doradcę zawodowego";
  const color = script.getAttribute("data-color") || "#0b4f8a";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:9999;padding:.7rem 1rem;border:0;border-radius:2rem;" +
    "font:16px system-ui,sans-serif;color:#fff;background:" + color + ";cursor:pointer";
  const frame = document.createElement("iframe");
  frame.title = label;
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
})();
