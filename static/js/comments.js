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
