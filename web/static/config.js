// The office sets its name, colours and (if not the catalog's) greeting here (one place for the page and the snippet).
// The Rasa server's address comes from the server (/runtime-config.js, env DORADCA_BOT_URL) and wins over botServer.
window.DORADCA_CONFIG = Object.assign({
  officeName: "Powiatowy Urząd Pracy",
  primary: "#0b4f8a",       // header and buttons (white text on it: contrast 8.6:1)
  accent: "#e8f1fa",        // bot bubbles
  botServer: "http://127.0.0.1:5005",   // the Rasa server (socket.io)
  apiServer: "",            // the look-up API ("" = the page's own server)
  kioskIdleMinutes: 10,     // a shared computer (office hall, library): the conversation starts over after this many
                            // idle minutes (fractions allowed); 0 = off, e.g. on a page only ever opened at home
  greeting: null            // the catalog's (bot/sentences.yml: page_greeting), or the office's own: {pl: "…", uk: "…", en: "…"}
}, window.DORADCA_CONFIG || {});
