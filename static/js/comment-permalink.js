// With comments in pages, a link to #comment-ID (an old link, the admin, a feed)
// may open a page that does not show that comment: ask the site which page does.
// /comment/ID/ answers with a redirect to it, or 404 for a comment not shown.
(function () {
  "use strict";
  var script = document.currentScript;
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!script || !match || document.getElementById("comment-" + match[1])) {
    return;
  }
  window.location.replace(script.dataset.permalink.replace("/0/", "/" + match[1] + "/"));
})();
