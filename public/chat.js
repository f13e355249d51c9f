// Progressive enhancement of the chat on a dog's record: the question is sent to the streaming
// endpoint and the answer appears as the model writes it, then is replaced by the checked answer
// (with linked citations) that the server renders. Without this script, or when the browser lacks
// streams, the form posts as before and the whole answer comes back as a page.
(function () {
  'use strict';
  var form = document.querySelector('form[data-chat-stream]');
  if (!form || !window.fetch || !window.TextDecoder || !window.ReadableStream || !window.URLSearchParams) return;
  var list = document.querySelector('[data-chat-list]');
  var conversation = document.querySelector('[data-chat-conversation]');
  var field = form.querySelector('textarea[name=question]');
  var token = form.querySelector('input[name=_csrf]');
  var button = form.querySelector('button[type=submit]');
  var busy = false;

  function item(className) {
    var li = document.createElement('li');
    if (className) li.className = className;
    list.appendChild(li);
    return li;
  }

  // Splits an SSE text into complete events; returns the unfinished tail.
  function events(text, each) {
    var blocks = text.split('\n\n');
    var tail = blocks.pop();
    blocks.forEach(function (block) {
      var name = 'message';
      var data = '';
      block.split('\n').forEach(function (line) {
        if (line.indexOf('event: ') === 0) name = line.slice(7);
        else if (line.indexOf('data: ') === 0) data += line.slice(6);
      });
      if (data) each(name, JSON.parse(data));
    });
    return tail;
  }

  form.addEventListener('submit', function (event) {
    var question = field.value.trim();
    if (busy || question.length < 2 || question.length > 500) return; // the server's own page explains
    event.preventDefault();
    busy = true;
    button.disabled = true;
    conversation.hidden = false;
    var asked = item('chat-question');
    var strong = document.createElement('strong');
    strong.textContent = 'You asked:';
    asked.appendChild(strong);
    asked.appendChild(document.createTextNode(' ' + question));
    var answer = item('');
    answer.setAttribute('aria-busy', 'true');
    var status = document.createElement('p');
    status.className = 'hint';
    status.textContent = 'Answering…';
    var live = document.createElement('p');
    live.className = 'chat-streaming';
    live.setAttribute('data-chat-partial', '');
    answer.appendChild(status);
    answer.appendChild(live);
    var finished = false;
    var body = new URLSearchParams();
    body.append('_csrf', token.value);
    body.append('question', question);

    function fallBack() {
      // Anything but a stream (a refusal, an old proxy): send the form the plain way.
      asked.remove();
      answer.remove();
      busy = false;
      HTMLFormElement.prototype.submit.call(form);
    }

    fetch(form.getAttribute('data-chat-stream'), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: { accept: 'text/event-stream', 'x-csrf-token': token.value },
    }).then(function (res) {
      var type = res.headers.get('content-type') || '';
      if (!res.ok || type.indexOf('text/event-stream') !== 0 || !res.body) return fallBack();
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var pending = '';
      function read() {
        return reader.read().then(function (r) {
          if (r.done) return;
          pending = events(pending + decoder.decode(r.value, { stream: true }), function (name, data) {
            if (name === 'token') live.textContent += data.text;
            else if (name === 'answer') { finished = true; answer.innerHTML = data.html; }
            else if (name === 'failed') { finished = true; status.textContent = data.message; }
          });
          return read();
        });
      }
      return read().then(function () {
        if (!finished) status.textContent = 'The answer was cut off. Reload the page to see what was kept.';
        answer.removeAttribute('aria-busy');
        field.value = '';
        busy = false;
        button.disabled = false;
      });
    }).catch(function () {
      status.textContent = 'The connection failed. Send the question again.';
      answer.removeAttribute('aria-busy');
      busy = false;
      button.disabled = false;
    });
  });
})();
