// The console's own script: it keeps a live page current without reloading (asking the
// console for the markup it renders, escaped there), and runs the passkey ceremonies with
// the WebAuthn browser library. Everything it shows is set as text, never as markup.
'use strict';
(function () {
  var csrfMeta = document.querySelector('meta[name="writ-csrf"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function call(path, body) {
    return fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-writ-csrf': csrf },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw answer;
        return answer;
      });
    });
  }

  function say(id, text) {
    var target = document.getElementById(id);
    if (target) target.textContent = text;
  }

  function refusal(error) {
    if (error && error.code) return error.code + ': ' + error.message;
    return 'the authenticator did not answer: ' + (error && error.name ? error.name : String(error));
  }

  function registerPasskey() {
    var webauthn = window.SimpleWebAuthnBrowser;
    say('passkey-status', 'Touch your authenticator to make the passkey…');
    call('/api/passkeys/registration-options')
      .then(function (options) { return webauthn.startRegistration({ optionsJSON: options }); })
      .then(function (response) { return call('/api/passkeys/registration', { response: response }); })
      .then(function (options) {
        say('passkey-status', 'Touch it again to bind it to your sign-in…');
        return webauthn.startAuthentication({ optionsJSON: options });
      })
      .then(function (response) { return call('/api/passkeys/binding', { response: response }); })
      .then(function (bound) {
        say('passkey-status', 'Passkey ' + bound.credentialId + ' bound to ' + bound.principal + '.');
        setTimeout(function () { window.location.reload(); }, 500);
      })
      .catch(function (error) { say('passkey-status', 'Refused: ' + refusal(error)); });
  }

  // Signs an operator statement with the passkey: the console prepares it, the
  // authenticator signs it, the console sends it where it goes, the workers verify it.
  function signStatement(optionsPath, fields, statusId, done) {
    var webauthn = window.SimpleWebAuthnBrowser;
    say(statusId, 'Touch your authenticator to sign…');
    call(optionsPath, fields)
      .then(function (options) { return webauthn.startAuthentication({ optionsJSON: options }); })
      .then(function (response) { return call('/api/statements', { response: response }); })
      .then(function (answer) { say(statusId, done(answer)); })
      .catch(function (error) { say(statusId, 'Refused: ' + refusal(error)); });
  }

  function decide(button) {
    var workflowId = button.getAttribute('data-workflow-id');
    var decision = button.getAttribute('data-decision');
    var typed = button.closest('td').querySelector('input[name="reason"]');
    var fields = { workflowId: workflowId, decision: decision };
    if (typed && typed.value.trim() !== '') fields.reason = typed.value;
    signStatement('/api/decisions/options', fields, 'decision-status', function (answer) {
      return (answer.decision === 'approve' ? 'Approved' : 'Denied') + ' by ' + answer.approver + ': ' + answer.approvals + '/' + answer.required + ' approvals.';
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.id !== 'revoke' && form.id !== 'kill-switch') return;
    event.preventDefault();
    var reason = form.querySelector('[name="reason"]').value;
    var confirm = form.querySelector('[name="confirm"]').value;
    if (form.id === 'revoke') {
      signStatement('/api/revocations/options', { workflowId: form.getAttribute('data-workflow-id'), reason: reason, confirm: confirm }, 'statement-status', function (answer) {
        return 'Revoked by ' + answer.by + ' at ' + answer.at + '.';
      });
    } else {
      var engage = form.getAttribute('data-engage') === 'true';
      signStatement('/api/kill-switch/options', { engage: engage, reason: reason, confirm: confirm }, 'statement-status', function (answer) {
        return (engage ? 'Kill switch engaged' : 'Kill switch lifted') + ' by ' + answer.by + ' at ' + answer.at + '.';
      });
    }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[data-action]') : null;
    if (!button) return;
    var action = button.getAttribute('data-action');
    if (action === 'register-passkey') registerPasskey();
    if (action === 'decide') decide(button);
  });

  // Time left counts down every second between live updates, formatted as the page
  // renders it (pendingPage.ts formatDuration).
  function formatDuration(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    if (h > 0) return h + ' h ' + String(m).padStart(2, '0') + ' min';
    if (m > 0) return m + ' min ' + String(s).padStart(2, '0') + ' s';
    return s + ' s';
  }
  function countDown() {
    var clocks = document.querySelectorAll('time[data-countdown]');
    for (var i = 0; i < clocks.length; i++) {
      var left = Math.max(0, Math.round((Date.parse(clocks[i].getAttribute('data-countdown')) - Date.now()) / 1000));
      var text = isNaN(left) ? 'unknown' : left === 0 ? 'expired' : formatDuration(left);
      if (clocks[i].textContent !== text) clocks[i].textContent = text;
    }
  }
  setInterval(countDown, 1000);

  // A live update replaces the list; an operator moving through it with the keyboard keeps
  // their place: the control that had focus gets it back in the new markup.
  function replaceKeepingFocus(target, markup) {
    var focused = document.activeElement;
    var key = null;
    if (focused && target.contains(focused)) {
      var row = focused.closest('tr[data-workflow-id]');
      key = { workflowId: row ? row.getAttribute('data-workflow-id') : null, decision: focused.getAttribute('data-decision'), tag: focused.tagName };
    }
    // Reasons being typed survive the update, row by row.
    var typed = {};
    var inputs = target.querySelectorAll('tr[data-workflow-id] input[name="reason"]');
    for (var j = 0; j < inputs.length; j++) {
      if (inputs[j].value !== '') typed[inputs[j].closest('tr').getAttribute('data-workflow-id')] = { value: inputs[j].value, start: inputs[j].selectionStart, end: inputs[j].selectionEnd };
    }
    target.innerHTML = markup;
    countDown();
    var fresh = target.querySelectorAll('tr[data-workflow-id] input[name="reason"]');
    for (var k = 0; k < fresh.length; k++) {
      var kept = typed[fresh[k].closest('tr').getAttribute('data-workflow-id')];
      if (kept) fresh[k].value = kept.value;
    }
    if (key === null || key.workflowId === null) return;
    var rows = target.querySelectorAll('tr[data-workflow-id]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute('data-workflow-id') !== key.workflowId) continue;
      var again = key.decision ? rows[i].querySelector('button[data-decision="' + key.decision + '"]') : rows[i].querySelector(key.tag.toLowerCase());
      if (again) {
        again.focus();
        var caret = typed[key.workflowId];
        if (caret && again.setSelectionRange && caret.start !== null) again.setSelectionRange(caret.start, caret.end);
      }
    }
  }

  var live = document.body.getAttribute('data-live');
  var target = document.getElementById('pending-list');
  if (live && target) {
    setInterval(function () {
      fetch(live, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (markup) { if (markup !== null && markup !== target.innerHTML) replaceKeepingFocus(target, markup); })
        .catch(function () { /* the next tick tries again */ });
    }, 2000);
  }
})();
