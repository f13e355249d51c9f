/**
 * The report page's only script of its own, sent as text: it reads the chart data from the page's
 * JSON block and hands it to Chart.js (and its annotation plugin for the event markers), both
 * inlined before it so the page works opened as a file, offline.
 */
export const chartsClientScript = `(function () {
  var data = JSON.parse(document.getElementById('drill-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  function annotations() {
    var out = {};
    data.markers.forEach(function (m, i) {
      out['m' + i] = {
        type: 'line', scaleID: 'x', value: m.t, borderColor: m.color, borderWidth: 1.5, borderDash: m.dashed ? [5, 4] : [],
        label: { display: true, content: m.label.length > 32 ? m.label.slice(0, 31) + '…' : m.label, position: ['start', 'center', 'end'][i % 3],
          backgroundColor: 'rgba(255,255,255,0.85)', color: m.color, font: { size: 10 }, padding: 2 }
      };
    });
    return out;
  }
  data.charts.forEach(function (c) {
    var canvas = document.getElementById('chart-' + c.id);
    var stacked = c.kind === 'stacked-bar';
    new Chart(canvas, {
      type: stacked ? 'bar' : 'line',
      data: {
        labels: c.t,
        datasets: c.series.map(function (s) {
          return { label: s.label, data: s.values.map(function (v, i) { return { x: c.t[i], y: v }; }), borderColor: s.color, backgroundColor: s.color,
            pointRadius: 0, borderWidth: 1.5, spanGaps: false, barPercentage: 1, categoryPercentage: 1 };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, parsing: true,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { type: 'linear', stacked: stacked, title: { display: true, text: 'seconds since the start' } },
          y: { stacked: stacked, beginAtZero: true, title: { display: true, text: c.yLabel } }
        },
        plugins: { legend: { position: 'bottom' }, annotation: { annotations: annotations() } }
      }
    });
    canvas.setAttribute('data-drawn', 'true');
  });
})();`;
