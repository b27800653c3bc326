/*
 * The "Leave a Reply" form, the WordPress way: one form on the page, moved
 * under the comment being answered. Without JavaScript the Reply links
 * (?replytocom=ID#respond) and the form still work.
 *
 * With reCAPTCHA v3 the token is fetched when the reader presses
 * "Post Comment" (tokens expire after two minutes). If Google's script is
 * blocked or fails, the comment is posted without a token: the server keeps
 * it for the moderators instead of losing it.
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

  // reCAPTCHA v3: fetch a fresh token at submit time.
  var tokenInput = form.querySelector("input.g-recaptcha[data-action]");
  var button = form.querySelector("button[type=submit]");
  var sending = false;

  function send() {
    HTMLFormElement.prototype.submit.call(form);
  }

  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    if (!tokenInput) {
      sending = true;
      return; // v2 or no captcha: a normal submission.
    }
    event.preventDefault();
    sending = true;
    button.disabled = true;
    var done = false;
    function finish(token) {
      if (done) {
        return;
      }
      done = true;
      tokenInput.value = token || "";
      send();
    }
    // Never leave the reader waiting on Google.
    window.setTimeout(function () { finish(""); }, 10000);
    var grecaptcha = window.grecaptcha;
    if (!grecaptcha || typeof grecaptcha.ready !== "function") {
      finish("");
      return;
    }
    try {
      grecaptcha.ready(function () {
        grecaptcha
          .execute(tokenInput.getAttribute("data-sitekey"), {
            action: tokenInput.getAttribute("data-action") || "comment",
          })
          .then(finish, function () { finish(""); });
      });
    } catch (error) {
      finish("");
    }
  });

  // Back from the browser's page cache after posting: allow posting again.
  window.addEventListener("pageshow", function () {
    sending = false;
    if (button) {
      button.disabled = false;
    }
  });
})();
