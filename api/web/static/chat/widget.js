/* The Meldpunt chat as a widget on any intranet page, with one tag:
     <script src="https://<meldpunt>/chat/widget.js" defer></script>
   It adds a button; the button opens the chat page in a frame (/chat/?embed=1) from the Meldpunt's
   own address, so the conversation never touches the host page and sets no cookies there. The host
   page's origin must be in MELDPUNT_CHAT_EMBED_ORIGINS. "Snel weg" in the chat leaves the host page
   too. Styles are set through the DOM, so a strict CSP on the host page does not block them. */
(function () {
  "use strict";
  if (window.__meldpuntWidget) { return; }
  window.__meldpuntWidget = true;

  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/chat/widget.js", window.location.href).origin;
  var english = /^en\b/i.test(document.documentElement.lang || "");
  var T = english
    ? { open: "Report unwanted behaviour (anonymous)", close: "Close", title: "Meldpunt assistant", exit: "Quick exit" }
    : { open: "Ongewenst gedrag melden (anoniem)", close: "Sluiten", title: "Meldpunt-assistent", exit: "Snel weg" };

  function css(el, styles) { Object.keys(styles).forEach(function (k) { el.style[k] = styles[k]; }); return el; }

  var openButton = css(document.createElement("button"), {
    position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483000", font: "600 1rem/1.3 system-ui, sans-serif",
    background: "#154273", color: "#fff", border: "2px solid #fff", borderRadius: "6px", padding: "0.75rem 1rem",
    boxShadow: "0 2px 6px rgba(0,0,0,0.35)", cursor: "pointer", maxWidth: "calc(100vw - 2rem)"
  });
  openButton.type = "button";
  openButton.id = "meldpunt-widget-open";
  openButton.textContent = T.open;
  openButton.setAttribute("aria-expanded", "false");
  openButton.setAttribute("aria-controls", "meldpunt-widget");

  var panel = css(document.createElement("section"), {
    position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483001", width: "min(28rem, calc(100vw - 2rem))",
    height: "min(40rem, calc(100vh - 2rem))", display: "none", flexDirection: "column", background: "#fff",
    border: "1px solid #767676", borderRadius: "8px", boxShadow: "0 4px 16px rgba(0,0,0,0.35)", overflow: "hidden"
  });
  panel.id = "meldpunt-widget";
  panel.setAttribute("aria-label", T.title);

  var bar = css(document.createElement("div"), {
    display: "flex", alignItems: "center", justifyContent: "space-between", gap: "0.5rem",
    background: "#154273", color: "#fff", padding: "0.375rem 0.5rem 0.375rem 0.75rem", font: "600 1rem system-ui, sans-serif"
  });
  var heading = document.createElement("span");
  heading.textContent = T.title;
  var closeButton = css(document.createElement("button"), {
    font: "600 0.9375rem system-ui, sans-serif", background: "#fff", color: "#154273", border: "2px solid #fff",
    borderRadius: "6px", padding: "0.25rem 0.75rem", minHeight: "2.25rem", cursor: "pointer"
  });
  closeButton.type = "button";
  closeButton.id = "meldpunt-widget-close";
  closeButton.textContent = T.close;
  // "Snel weg" in the widget's own bar, outside the frame: always in view, whatever the frame shows.
  var exitButton = css(document.createElement("button"), {
    font: "700 0.9375rem system-ui, sans-serif", background: "#ffb612", color: "#000", border: "2px solid #ffb612",
    borderRadius: "6px", padding: "0.25rem 0.75rem", minHeight: "2.25rem", cursor: "pointer", marginLeft: "auto"
  });
  exitButton.type = "button";
  exitButton.id = "meldpunt-widget-exit";
  exitButton.textContent = T.exit;
  bar.appendChild(heading);
  bar.appendChild(exitButton);
  bar.appendChild(closeButton);

  var frame = null;

  function open() {
    if (!frame) {
      frame = css(document.createElement("iframe"), { flex: "1", width: "100%", border: "0" });
      frame.id = "meldpunt-widget-frame";
      frame.title = T.title;
      frame.src = origin + "/chat/?embed=1";
      frame.referrerPolicy = "no-referrer";
      panel.appendChild(frame);
    }
    panel.style.display = "flex";
    openButton.style.display = "none";
    openButton.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function close() {
    panel.style.display = "none";
    openButton.style.display = "";
    openButton.setAttribute("aria-expanded", "false");
    openButton.focus();
  }

  function leave(url) {
    panel.remove();
    openButton.remove();
    window.location.replace(url);
  }

  function quickExit() {
    // The frame forgets the conversation and answers with its exit address; if it cannot, leave anyway.
    if (frame && frame.contentWindow) { frame.contentWindow.postMessage({ type: "meldpunt:quick-exit" }, origin); }
    window.setTimeout(function () { leave("about:blank"); }, frame ? 400 : 0);
  }

  exitButton.addEventListener("click", quickExit);
  openButton.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { close(); } });
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.type !== "meldpunt:exit") { return; }
    leave(typeof event.data.url === "string" ? event.data.url : "about:blank");
  });

  function mount() {
    panel.appendChild(bar);
    document.body.appendChild(panel);
    document.body.appendChild(openButton);
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
