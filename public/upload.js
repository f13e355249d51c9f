// Progressive enhancement of the photo upload form: each file is sent on its own with
// XMLHttpRequest so a <progress> can show how far it got on a slow connection. Without this
// script the form posts as a plain multipart form and the page shows the same per-file results.
(function () {
  'use strict';
  var form = document.querySelector('form[data-photo-upload]');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var input = form.querySelector('input[type=file]');
  var token = form.querySelector('input[name=_csrf]');

  function row(list, name) {
    var item = document.createElement('li');
    var label = document.createElement('span');
    label.textContent = name + ' ';
    var bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', 'Upload of ' + name);
    var note = document.createElement('span');
    item.appendChild(label);
    item.appendChild(bar);
    item.appendChild(note);
    list.appendChild(item);
    return { bar: bar, note: note };
  }

  function send(file, view) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append('_csrf', token.value);
      data.append('photos', file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('x-csrf-token', token.value);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) view.bar.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = function () {
        var ok = false;
        var message = 'The upload failed (' + xhr.status + ').';
        try {
          var body = JSON.parse(xhr.responseText);
          var result = body.results ? body.results[0] : null;
          if (result) { ok = result.ok; message = result.message; } else if (body.detail) { message = body.detail; }
        } catch (e) { /* keep the generic message */ }
        view.bar.value = 100;
        view.note.textContent = ' ' + (ok ? '' : 'Not uploaded: ') + message;
        resolve(ok);
      };
      xhr.onerror = function () {
        view.note.textContent = ' The connection failed; try this file again.';
        resolve(false);
      };
      xhr.send(data);
    });
  }

  form.addEventListener('submit', function (event) {
    if (!input.files || input.files.length === 0) return;
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files);
    var list = document.createElement('ul');
    list.setAttribute('role', 'status');
    list.className = 'upload-progress';
    form.appendChild(list);
    form.querySelector('button[type=submit]').disabled = true;
    var done = files.reduce(function (chain, file) {
      var view = row(list, file.name);
      return chain.then(function (okSoFar) {
        return send(file, view).then(function (ok) { return okSoFar && ok; });
      });
    }, Promise.resolve(true));
    done.then(function (allOk) {
      if (allOk) { window.location.reload(); return; }
      var again = document.createElement('a');
      again.href = window.location.pathname + '#photos';
      again.textContent = 'Reload the page to see the photos that were uploaded';
      form.appendChild(again);
    });
  });
})();
