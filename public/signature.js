// Progressive enhancement of the contract signing form: shows a canvas to draw a signature on and
// puts the drawing, as a PNG data URL, into the form's hidden `signature` field. Without this
// script the pad stays hidden and the typed full name with "I agree" signs the contract.
(function () {
  'use strict';
  var pad = document.querySelector('[data-signature-pad]');
  var form = document.querySelector('form[data-signature-form]');
  if (!pad || !form) return;
  var canvas = pad.querySelector('canvas');
  var field = pad.querySelector('input[name=signature]');
  var clear = pad.querySelector('[data-signature-clear]');
  if (!canvas || !canvas.getContext || !canvas.toDataURL || !field) return;
  var ctx = canvas.getContext('2d');
  var drawing = false;
  var strokes = 0;
  var last = null;
  pad.hidden = false;

  function size() {
    // Backing store at device resolution (capped well inside what the server accepts).
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    var width = Math.min(canvas.clientWidth || 600, 900);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round((width / 3) * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
    strokes = 0;
    field.value = '';
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener('pointerdown', function (event) {
    event.preventDefault();
    drawing = true;
    last = point(event);
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', function (event) {
    if (!drawing) return;
    event.preventDefault();
    var next = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
    strokes++;
  });
  function end() {
    if (!drawing) return;
    drawing = false;
    if (strokes > 2) field.value = canvas.toDataURL('image/png');
  }
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', end);

  clear.addEventListener('click', function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    strokes = 0;
    field.value = '';
  });

  form.addEventListener('submit', end);
  size();
})();
