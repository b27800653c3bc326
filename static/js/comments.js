/*
 * The "Leave a Reply" form, the WordPress way: one form on the page, moved
 * under the comment being answered. Without JavaScript the Reply links
 * (?replytocom=ID#respond) and the form still work.
 *
 * With reCAPTCHA v3 the token is fetched when the reader presses
 * "Post Comment" (tokens expire after two minutes). If Google's script is
 * blocked or fails, the comment is posted without a token within a few
 * seconds and the "browser" field says so: the server holds it for the
 * moderators instead of losing it or filing it as spam.
 *
 * The page is the same for every reader (a shared cache serves it), so what
 * belongs to one reader is asked for here: the form's signed timestamp when
 * the reader starts writing (data-timestamp-url), and, for a reader who has
 * the comment cookies (the comment_personal marker), their saved name, email
 * and website and their own comments (data-personal-url).
 */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  if (!respond) {
    return;
  }
  var form = document.getElementById("commentform");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var parentInput = form.querySelector("input[name=parent]");
  var textarea = form.querySelector("textarea[name=comment]");
  var defaultTitle = "Leave a Reply";

  function moveForm(link) {
    var commentId = link.getAttribute("data-comment-id");
    var item = document.getElementById("comment-" + commentId);
    var body = document.getElementById("div-comment-" + commentId);
    if (!item || !body) {
      return false;
    }
    body.parentNode.insertBefore(respond, body.nextSibling);
    parentInput.value = commentId;
    title.textContent = "Leave a Reply to " + link.getAttribute("data-author");
    cancel.hidden = false;
    textarea.focus();
    return true;
  }

  function resetForm() {
    if (home) {
      home.appendChild(respond);
    }
    parentInput.value = "";
    title.textContent = defaultTitle;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (link && moveForm(link)) {
      event.preventDefault();
    }
  });

  cancel.addEventListener("click", function (event) {
    if (!home) {
      return; // the page was opened with ?replytocom: follow the link.
    }
    event.preventDefault();
    resetForm();
    textarea.focus();
  });

  // The form's timestamp ("too fast" check): fetched on the reader's first
  // focus or keystroke in the form, and at the latest when they press Post
  // Comment (never waiting more than TIMESTAMP_WAIT_MS).
  var TIMESTAMP_WAIT_MS = 5000;
  var timestampInput = form.querySelector("input[name=timestamp]");
  var timestampRequest = null;

  function fetchTimestamp() {
    if (!timestampRequest) {
      var url = form.getAttribute("data-timestamp-url");
      timestampRequest = !url || !window.fetch
        ? Promise.resolve()
        : window.fetch(url, { credentials: "same-origin", cache: "no-store" })
            .then(function (answer) { return answer.ok ? answer.json() : {}; })
            .then(function (data) {
              if (data && data.timestamp && timestampInput && !timestampInput.value) {
                timestampInput.value = data.timestamp;
              }
            })
            .catch(function () { timestampRequest = null; });
    }
    return timestampRequest;
  }

  form.addEventListener("focusin", fetchTimestamp);
  form.addEventListener("input", fetchTimestamp);

  var timestampChecked = false;
  form.addEventListener("submit", function (event) {
    if (timestampChecked || !timestampInput || timestampInput.value) {
      return;
    }
    // Registered before the reCAPTCHA handler below: hold the submission
    // until the timestamp is there, then submit again.
    event.preventDefault();
    event.stopImmediatePropagation();
    var again = function () {
      if (timestampChecked) {
        return;
      }
      timestampChecked = true;
      if (!timestampInput.value) {
        // The request failed or is too slow: say so, and the comment is held
        // for a moderator (comments.spam), not filed as spam.
        timestampInput.value = "unavailable";
      }
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else if (form.dispatchEvent(new Event("submit", { cancelable: true }))) {
        HTMLFormElement.prototype.submit.call(form); // nobody held it: send it
      }
    };
    window.setTimeout(again, TIMESTAMP_WAIT_MS);
    fetchTimestamp().then(again, again);
  });

  // What is personal on this page, for a reader with the comment cookies.
  function fillAuthor(author) {
    if (!author) {
      return;
    }
    ["author", "email", "url"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (input && !input.value && author[name]) {
        input.value = author[name];
      }
    });
    var consent = form.querySelector("input[name=cookie_consent]");
    if (consent) {
      consent.checked = true;
    }
  }

  function childList(item) {
    for (var i = 0; i < item.children.length; i += 1) {
      if (item.children[i].matches("ol.children")) {
        return item.children[i];
      }
    }
    var list = document.createElement("ol");
    list.className = "children";
    item.appendChild(list);
    return list;
  }

  function topList() {
    var section = document.getElementById("comments");
    var list = section && section.querySelector("ol.comment-list");
    if (!list && section) {
      list = document.createElement("ol");
      list.className = "comment-list";
      section.insertBefore(list, home || section.firstChild);
    }
    return list;
  }

  function showOwnComments(comments) {
    var page = form.getAttribute("data-comment-page") || "1";
    (comments || []).forEach(function (comment) {
      if (document.getElementById("comment-" + comment.id) || String(comment.page) !== page) {
        return;
      }
      var parent = comment.parent ? document.getElementById("comment-" + comment.parent) : null;
      var list = parent ? childList(parent) : comment.parent ? null : topList();
      if (list) {
        list.insertAdjacentHTML("beforeend", comment.html);
      }
    });
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (target && target.scrollIntoView) {
      target.scrollIntoView();
    }
  }

  var personalUrl = form.getAttribute("data-personal-url");
  if (personalUrl && window.fetch && /(^|;\s*)comment_personal=1(;|$)/.test(document.cookie)) {
    window.fetch(personalUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) {
        if (data) {
          fillAuthor(data.author);
          showOwnComments(data.comments);
        }
      })
      .catch(function () { /* the shared page stays as it is */ });
  }

  // reCAPTCHA. The hidden "browser" field tells the server what happened to
  // Google's script: "token" (a token came), "unticked" (v2: the box was
  // shown but not ticked), or, when Google is out of reach (blocked, a
  // firewall, an outage), "no-script" (its script never loaded), "no-token"
  // (no token within WAIT_MS) or "error". The server holds those comments for
  // a moderator instead of filing them as spam. Without JavaScript the field
  // stays empty and the form's <noscript> marker is posted instead.
  var WAIT_MS = 5000;
  var tokenInput = form.querySelector("input.g-recaptcha[data-action]");
  var checkbox = form.querySelector("div.g-recaptcha");
  var browserInput = form.querySelector("input[name=browser]");
  var button = form.querySelector("button[type=submit]");
  var sending = false;
  var scriptFailed = false;

  var googleScript = document.querySelector("script[src*='/recaptcha/']");
  if (googleScript) {
    googleScript.addEventListener("error", function () { scriptFailed = true; });
  }

  function report(value) {
    if (browserInput) {
      browserInput.value = value;
    }
  }

  function googleLoaded() {
    var grecaptcha = window.grecaptcha;
    return Boolean(grecaptcha && typeof grecaptcha.ready === "function");
  }

  function send() {
    HTMLFormElement.prototype.submit.call(form);
  }

  function checkboxState() {
    // v2: Google's script adds a g-recaptcha-response textarea to the widget.
    var response = checkbox.querySelector("textarea[name='g-recaptcha-response']");
    if (!googleLoaded() || !response) {
      return "no-script";
    }
    var token = response.value;
    if (!token && typeof window.grecaptcha.getResponse === "function") {
      try {
        token = window.grecaptcha.getResponse();
      } catch (error) {
        token = "";
      }
    }
    return token ? "token" : "unticked";
  }

  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    if (!tokenInput) {
      if (checkbox) {
        report(checkboxState());
      }
      sending = true;
      return; // v2 or no captcha: a normal submission.
    }
    event.preventDefault();
    sending = true;
    button.disabled = true;
    var done = false;
    var deadline = Date.now() + WAIT_MS;
    function finish(token, state) {
      if (done) {
        return;
      }
      done = true;
      tokenInput.value = token || "";
      report(token ? "token" : state);
      send();
    }
    function ask() {
      var grecaptcha = window.grecaptcha;
      try {
        grecaptcha.ready(function () {
          grecaptcha
            .execute(tokenInput.getAttribute("data-sitekey"), {
              action: tokenInput.getAttribute("data-action") || "comment",
            })
            .then(
              function (token) { finish(token, "no-token"); },
              function () { finish("", "error"); }
            );
        });
      } catch (error) {
        finish("", "error");
      }
    }
    // Google's script may still be loading: wait for it, but never longer
    // than WAIT_MS in all, and not at all once it has failed to load (the
    // page's load event waits for async scripts, so once the document is
    // complete without grecaptcha, the script is not coming).
    (function waitForGoogle() {
      if (done) {
        return;
      }
      if (googleLoaded()) {
        window.setTimeout(function () { finish("", "no-token"); }, deadline - Date.now());
        ask();
      } else if (scriptFailed || document.readyState === "complete" || Date.now() >= deadline) {
        finish("", "no-script");
      } else {
        window.setTimeout(waitForGoogle, 100);
      }
    })();
  });

  // Back from the browser's page cache after posting: allow posting again.
  window.addEventListener("pageshow", function () {
    sending = false;
    if (button) {
      button.disabled = false;
    }
  });
})();
