/* The Meldpunt chat page. No libraries, no cookies: the conversation id and what was said live in
   sessionStorage ("meldpunt.chat") only, gone when the tab closes or "Snel weg" is used. */
(function () {
  "use strict";

  var KEY = "meldpunt.chat";
  var ENDPOINT = "/webhooks/chat/webhook";
  var OPENING = "/greet"; // asks the assistant for its opening; not shown as said by the person
  var TIMEOUT_MS = 45000;

  var TEXTS = {
    nl: {
      skip: "Naar het invoerveld",
      tagline: "Integriteit en ongewenst gedrag Rijk",
      exit: "Snel weg",
      exit_title: "Verlaat deze pagina meteen. Het gesprek verdwijnt van dit scherm.",
      heading: "Gesprek met de Meldpunt-assistent",
      privacy: "Je bent anoniem. Het Meldpunt krijgt alleen iets als jij daar toestemming voor geeft.",
      log_label: "Gesprek",
      typing: "De assistent schrijft een antwoord…",
      input_label: "Jouw bericht",
      hint: "Enter verstuurt. Shift en Enter geeft een nieuwe regel.",
      send: "Verstuur",
      you: "Jij",
      assistant: "Assistent",
      failed: "Niet verstuurd. Controleer je verbinding.",
      unavailable: "Niet verstuurd: de assistent is even niet bereikbaar.",
      retry: "Probeer opnieuw",
      too_long: "Je bericht is te lang: {n} tekens. Er passen {max} tekens in één bericht. Maak het korter of stuur het in delen.",
      empty: "Typ eerst een bericht.",
      busy: "Wacht even op het antwoord van de assistent.",
      count: "{n} van {max} tekens",
      error: "Er ging iets mis. Probeer het opnieuw."
    },
    en: {
      skip: "Go to the message field",
      tagline: "Integrity and unwanted behaviour, central government",
      exit: "Quick exit",
      exit_title: "Leave this page at once. The conversation disappears from this screen.",
      heading: "Conversation with the Meldpunt assistant",
      privacy: "You are anonymous. The Meldpunt only receives something if you agree to it.",
      log_label: "Conversation",
      typing: "The assistant is writing an answer…",
      input_label: "Your message",
      hint: "Enter sends. Shift and Enter starts a new line.",
      send: "Send",
      you: "You",
      assistant: "Assistant",
      failed: "Not sent. Please check your connection.",
      unavailable: "Not sent: the assistant cannot be reached right now.",
      retry: "Try again",
      too_long: "Your message is too long: {n} characters. One message can hold {max}. Please shorten it or send it in parts.",
      empty: "Please type a message first.",
      busy: "Please wait for the assistant's answer.",
      count: "{n} of {max} characters",
      error: "Something went wrong. Please try again."
    }
  };

  var body = document.body;
  var list = document.querySelector("#messages > ol");
  var form = document.getElementById("composer");
  var input = document.getElementById("message-input");
  var sendButton = document.getElementById("send");
  var typing = document.getElementById("typing");
  var errorBox = document.getElementById("composer-error");
  var countBox = document.getElementById("composer-count");
  var exitButton = document.getElementById("quick-exit");
  var maxLength = parseInt(input.getAttribute("data-max-length"), 10) || 2000;
  var exitUrl = body.getAttribute("data-exit-url") || "about:blank";
  var embedded = body.getAttribute("data-embed") === "true";

  var state = load();
  var pending = null; // the AbortController of the message on its way

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      if (saved && typeof saved.id === "string" && Array.isArray(saved.messages)) {
        saved.messages.forEach(function (m) { if (m.status === "sending") { m.status = "failed"; } });
        return saved;
      }
    } catch (e) { /* unreadable: start afresh */ }
    return { id: newId(), lang: "nl", messages: [] };
  }

  function save() {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* full or blocked */ }
  }

  function t(name, values) {
    var text = (TEXTS[state.lang] || TEXTS.nl)[name] || TEXTS.nl[name];
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-title]"), function (el) {
      el.title = t(el.getAttribute("data-i18n-title"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
    });
    document.title = state.lang === "en" ? "Meldpunt assistant" : "Meldpunt-assistent";
  }

  // Links and phone numbers in the assistant's text become real links (tel: on a phone, one tap);
  // everything stays text. Numbers: 112, 113, 0800-... and 0900-... (113.nl is a web address).
  var LINKABLE = /(https?:\/\/[^\s<>"]+|\b(?:[a-z0-9-]+\.)+nl(?:\/[^\s<>"]*)?|\b0[89]00-?\d{4}\b|\b11[23]\b(?![.,]?\d))/gi;
  var PHONE = /^(?:0[89]00-?\d{4}|11[23])$/;

  function appendText(parent, text) {
    var last = 0;
    text.replace(LINKABLE, function (match, _g, offset) {
      var trimmed = match.replace(/[.,;:!?)]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = document.createElement("a");
      a.textContent = trimmed;
      if (PHONE.test(trimmed)) {
        a.href = "tel:" + trimmed.replace(/-/g, "");
      } else {
        a.href = /^https?:/i.test(trimmed) ? trimmed : "https://" + trimmed;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
      parent.appendChild(a);
      last = offset + trimmed.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function render(message, index) {
    var li = document.createElement("li");
    li.className = "msg " + (message.from === "notice" ? "notice-msg" : message.from) +
      (message.status === "failed" && message.from === "user" ? " failed" : "");
    li.lang = message.lang || state.lang;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = message.from === "user" ? t("you") : t("assistant");
    if (message.from !== "notice") { li.appendChild(who); }
    var text = document.createElement("span");
    text.className = "text";
    appendText(text, message.text || "");
    li.appendChild(text);
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      message.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "choice" + (message.chosen === b.payload ? " chosen" : "");
        button.textContent = b.title;
        button.disabled = index !== lastBotIndex() || pending !== null;
        if (message.chosen === b.payload) { button.setAttribute("aria-pressed", "true"); }
        button.addEventListener("click", function () { choose(message, b); });
        group.appendChild(button);
      });
      li.appendChild(group);
    }
    if (message.status === "failed") {
      var failure = document.createElement("span");
      failure.className = "failure";
      failure.appendChild(document.createTextNode(t(message.reason === "unavailable" ? "unavailable" : "failed")));
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "retry secondary";
      retry.textContent = t("retry");
      retry.addEventListener("click", function () {
        if (message.opening) {
          state.messages.splice(state.messages.indexOf(message), 1);
          deliver({ from: "opening", text: OPENING });
        } else {
          deliver(message);
        }
      });
      failure.appendChild(retry);
      li.appendChild(failure);
    }
    return li;
  }

  function lastBotIndex() {
    for (var i = state.messages.length - 1; i >= 0; i--) {
      if (state.messages[i].from === "bot") { return i; }
      if (state.messages[i].status !== "failed") { return -1; }
    }
    return -1;
  }

  function renderAll() {
    list.replaceChildren();
    state.messages.forEach(function (m, i) { list.appendChild(render(m, i)); });
  }

  function refresh(showFrom) {
    // Re-render only what changed: earlier messages stay put, so screen readers announce new ones only.
    var items = list.children;
    for (var i = 0; i < state.messages.length; i++) {
      var fresh = render(state.messages[i], i);
      if (i >= items.length) {
        list.appendChild(fresh);
      } else if (items[i].outerHTML !== fresh.outerHTML) {
        items[i].replaceWith(fresh);
      }
    }
    while (list.children.length > state.messages.length) { list.lastChild.remove(); }
    // Bring the start of what is new into view (the composer's height is kept free, see below),
    // then make sure the question, the last message, is in view too.
    var target = list.children[Math.min(showFrom, list.children.length - 1)];
    if (target && target.scrollIntoView) { target.scrollIntoView({ block: "start" }); }
    var question = list.lastElementChild;
    if (question && question !== target && question.scrollIntoView) {
      var box = question.getBoundingClientRect();
      var bottom = window.innerHeight - (parseFloat(document.documentElement.style.scrollPaddingBottom) || 0);
      if (box.top > bottom - 48 || box.bottom > bottom) { question.scrollIntoView({ block: "nearest" }); }
    }
  }

  // The composer sticks to the bottom of the window on taller screens: keep that strip free when the
  // browser scrolls something into view, also for keyboard focus (WCAG 2.4.11, focus not obscured).
  function keepComposerFree() {
    var sticky = window.getComputedStyle(form).position === "sticky";
    document.documentElement.style.scrollPaddingBottom = sticky ? (form.offsetHeight + 16) + "px" : "";
    // The header with "Snel weg" sticks to the top: nothing scrolled into view hides under it.
    var header = document.querySelector(".site-header");
    var stuck = header && window.getComputedStyle(header).position === "sticky";
    document.documentElement.style.scrollPaddingTop = stuck ? (header.offsetHeight + 8) + "px" : "";
  }

  function showError(text) { errorBox.textContent = text || ""; }

  function updateCount() {
    var n = input.value.length;
    countBox.textContent = n > maxLength * 0.8 ? t("count", { n: n, max: maxLength }) : "";
    countBox.classList.toggle("over", n > maxLength);
  }

  function setBusy(busy) {
    typing.hidden = !busy;
    sendButton.disabled = busy;
    body.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function choose(message, button) {
    if (pending) { showError(t("busy")); return; }
    message.chosen = button.payload;
    var sent = { from: "user", text: button.title, payload: button.payload, lang: state.lang };
    state.messages.push(sent);
    deliver(sent);
    input.focus();
  }

  function submit(event) {
    if (event) { event.preventDefault(); }
    var text = input.value.trim();
    if (!text) { showError(t("empty")); input.focus(); return; }
    if (input.value.length > maxLength) {
      showError(t("too_long", { n: input.value.length, max: maxLength }));
      input.focus();
      return;
    }
    if (pending) { showError(t("busy")); return; }
    var sent = { from: "user", text: text, lang: state.lang };
    state.messages.push(sent);
    input.value = "";
    updateCount();
    deliver(sent);
  }

  function deliver(message) {
    if (pending) { showError(t("busy")); return; }
    showError("");
    message.status = "sending";
    save();
    var from = message.from === "user" ? state.messages.indexOf(message) : state.messages.length;
    var request = post(message.payload || message.text);
    refresh(from);
    request.then(function (answers) {
      message.status = "sent";
      var firstAnswer = state.messages.length;
      var turn = [];
      answers.forEach(function (a) {
        if (a.lang === "nl" || a.lang === "en") { state.lang = a.lang; }
        if (!a.text && !(a.buttons && a.buttons.length)) { return; }
        turn.push({
          from: "bot",
          text: a.text || "",
          lang: a.lang || state.lang,
          buttons: (a.buttons || []).map(function (b) { return { title: String(b.title), payload: String(b.payload) }; })
        });
      });
      grouped(turn).forEach(function (m) { state.messages.push(m); });
      save();
      applyLanguage();
      refresh(firstAnswer);
    }).catch(function (problem) {
      if (problem && problem.code === "too_long") {
        // The server's limit: take the message back into the field, nothing is lost.
        state.messages.splice(state.messages.indexOf(message), 1);
        input.value = message.text;
        showError(t("too_long", { n: message.text.length, max: maxLength }));
      } else if (problem && problem.code === "aborted") {
        return;
      } else if (message.from === "opening") {
        state.messages.push({ from: "notice", status: "failed", reason: reasonOf(problem), opening: true });
      } else {
        message.status = "failed";
        message.reason = reasonOf(problem);
      }
      save();
      refresh(state.messages.length - 1);
    });
  }

  // A turn shows at most two bubbles: what the assistant tells, and its question (the last message,
  // with its buttons). Messages without buttons in a row become one bubble, their texts kept apart
  // by an empty line.
  function grouped(turn) {
    var out = [];
    turn.forEach(function (m, i) {
      var previous = out[out.length - 1];
      var isQuestion = i === turn.length - 1 && turn.length > 1;
      if (previous && !previous.buttons.length && !isQuestion && previous.lang === m.lang) {
        previous.text = previous.text + "\n\n" + m.text;
        previous.buttons = m.buttons;
      } else {
        out.push(m);
      }
    });
    return out;
  }

  function reasonOf(problem) {
    // The assistant answered, but could not handle the message (through the API's relay, or straight
    // from Rasa or nginx in the production stack): not a problem of the person's connection.
    var code = (problem && problem.code) || "";
    return /^assistant_|^http_5/.test(code) ? "unavailable" : "network";
  }

  function post(text) {
    var controller = new AbortController();
    pending = controller;
    setBusy(true);
    var timer = window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.id, message: text }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller.signal
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.ok && Array.isArray(data)) { return data; }
        throw { code: (data && data.error) || "http_" + response.status };
      });
    }, function () {
      throw { code: pending === controller ? "network" : "aborted" };
    }).finally(function () {
      window.clearTimeout(timer);
      if (pending === controller) { pending = null; setBusy(false); }
    });
  }

  function quickExit() {
    if (pending) { var p = pending; pending = null; p.abort(); }
    try { window.sessionStorage.removeItem(KEY); window.sessionStorage.clear(); } catch (e) { /* blocked */ }
    state = { id: "", lang: "nl", messages: [] };
    document.title = "";
    document.body.replaceChildren();
    if (embedded && window.parent !== window) {
      window.parent.postMessage({ type: "meldpunt:exit", url: exitUrl }, "*");
    }
    window.location.replace(exitUrl);
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { submit(event); }
  });
  input.addEventListener("input", function () { updateCount(); if (input.value.length <= maxLength) { showError(""); } });
  form.addEventListener("submit", submit);
  exitButton.addEventListener("click", quickExit);
  // The widget's own "Snel weg", outside this frame, asks for the same exit.
  window.addEventListener("message", function (event) {
    if (embedded && event.source === window.parent && event.data && event.data.type === "meldpunt:quick-exit") {
      quickExit();
    }
  });

  applyLanguage();
  renderAll();
  keepComposerFree();
  window.addEventListener("resize", keepComposerFree);
  if (window.ResizeObserver) { new ResizeObserver(keepComposerFree).observe(form); }
  if (state.messages.length === 0) {
    deliver({ from: "opening", text: OPENING });
  }
})();
