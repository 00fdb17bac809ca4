// The console's only script: it keeps a live page current without reloading, by asking the
// console for the same markup the server renders (escaped there) and swapping it in.
'use strict';
(function () {
  var live = document.body.getAttribute('data-live');
  if (!live) return;
  var target = document.getElementById('pending-list');
  if (!target) return;
  function refresh() {
    fetch(live, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (markup) { if (markup !== null && markup !== target.innerHTML) target.innerHTML = markup; })
      .catch(function () { /* the next tick tries again */ });
  }
  setInterval(refresh, 2000);
})();
