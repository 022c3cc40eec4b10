// The report page's own script (plain ES2017, run in the browser after echarts): draws the charts
// from the embedded data and runs the event log's filter. Kept as text; the page inlines it.

/** The script, inlined into the page after echarts. */
export const REPORT_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('strata-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9333ea', '#ea580c', '#0d9488', '#4b5563', '#111827'];
  var charts = [];

  // Axis labels in the series' unit: bytes in binary multiples, fractions as percentages.
  function axisFormatter(unit) {
    if (unit === 'bytes') {
      return function (v) {
        var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
        var i = 0;
        while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
        return (Math.round(v * 10) / 10) + ' ' + units[i];
      };
    }
    if (unit === 'fraction') return function (v) { return Math.round(v * 100) + '%'; };
    return undefined;
  }

  function optionFor(spec) {
    var base = {
      color: palette,
      animation: false,
      grid: { left: 64, right: 24, top: 40, bottom: spec.kind === 'bar' ? 90 : 64 },
      tooltip: { trigger: spec.kind === 'bar' ? 'item' : 'axis', confine: true },
      legend: { type: 'scroll', top: 0 },
      yAxis: { type: 'value', name: spec.yName, nameLocation: 'middle', nameGap: 52, scale: spec.kind !== 'bar', axisLabel: { formatter: axisFormatter(spec.yName) } }
    };
    if (spec.kind === 'bar') {
      base.xAxis = { type: 'category', data: spec.categories, axisLabel: { rotate: 45 } };
      base.series = spec.lines.map(function (l) {
        return { name: l.name, type: 'bar', data: l.points.map(function (p) { return p[1]; }) };
      });
      return base;
    }
    base.xAxis = { type: 'value', name: spec.xName, nameLocation: 'middle', nameGap: 28, min: 'dataMin', max: 'dataMax' };
    base.dataZoom = [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4 }];
    base.series = spec.lines.map(function (l) {
      return { name: l.name, type: 'line', step: spec.kind === 'step' ? 'end' : false, showSymbol: false, sampling: 'lttb', data: l.points };
    });
    return base;
  }

  data.charts.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    if (!el || spec.lines.length === 0) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(optionFor(spec));
    charts.push(chart);
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.resize(); });
  });

  // The event log: filter by type and by text, at most LIMIT rows drawn.
  var LIMIT = 500;
  var typeSelect = document.getElementById('event-type');
  var textInput = document.getElementById('event-text');
  var body = document.getElementById('event-rows');
  var count = document.getElementById('event-count');
  var types = {};
  data.events.forEach(function (e) { types[e.type] = (types[e.type] || 0) + 1; });
  Object.keys(types).sort().forEach(function (t) {
    var option = document.createElement('option');
    option.value = t;
    option.textContent = t + ' (' + types[t] + ')';
    typeSelect.appendChild(option);
  });
  function seconds(us) {
    return (us / 1e6).toFixed(6);
  }
  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
  }
  function render() {
    var type = typeSelect.value;
    var text = textInput.value.trim().toLowerCase();
    var matches = data.events.filter(function (e) {
      if (type !== '' && e.type !== type) return false;
      if (text === '') return true;
      return (e.type + ' ' + e.subject + ' ' + e.detail).toLowerCase().indexOf(text) !== -1;
    });
    body.textContent = '';
    matches.slice(0, LIMIT).forEach(function (e) {
      var tr = document.createElement('tr');
      cell(tr, seconds(e.t), 'num');
      cell(tr, e.type, 'type');
      cell(tr, e.subject);
      cell(tr, e.detail, 'detail');
      body.appendChild(tr);
    });
    count.textContent = matches.length + ' of ' + data.events.length + ' events' + (matches.length > LIMIT ? ' (first ' + LIMIT + ' shown)' : '');
  }
  typeSelect.addEventListener('change', render);
  textInput.addEventListener('input', render);
  render();
})();
`;
