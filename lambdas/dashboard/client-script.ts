/**
 * The dashboard's only script of its own (ECharts aside), inlined into the page. It switches
 * pages on the URL fragment, draws a page's charts when the page is first shown (ECharts needs a
 * visible, sized element) and turns the named formatters of the options (`fmt:currency`, ...)
 * into functions, with the same number formats as format.ts.
 *
 * Plain ES2017 in a string: it runs in the browser, not under Node, and has no build step.
 */
export const DASHBOARD_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var numberFormats = {
    currency: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    count: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
    percent: new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    change: new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
    decimal: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
  };

  function show(format, value) {
    if (value === null || value === undefined || value === '') return 'n/a';
    return typeof value === 'number' ? numberFormats[format].format(value) : String(value);
  }

  // ECharts hands formatters a number, a [time, value] pair or a parameter object, by context.
  function valueOf(input) {
    var value = input !== null && typeof input === 'object' && !Array.isArray(input) ? input.value : input;
    return Array.isArray(value) ? value[value.length - 1] : value;
  }

  function formatterNamed(name) {
    if (name === 'share') {
      return function (params) { return params.name + '\n' + show('percent', params.data && params.data.share); };
    }
    if (numberFormats[name]) return function (input) { return show(name, valueOf(input)); };
    throw new Error('unknown formatter fmt:' + name);
  }

  // Only an option's formatter members hold formatter names: a data value that happens to start
  // with "fmt:" (a category called "fmt:evil") stays the text it is.
  var FORMATTER_KEYS = { formatter: true, valueFormatter: true };

  function revive(node, key) {
    if (typeof node === 'string') return FORMATTER_KEYS[key] === true && node.indexOf('fmt:') === 0 ? formatterNamed(node.slice(4)) : node;
    if (Array.isArray(node)) return node.map(function (item) { return revive(item); });
    if (node !== null && typeof node === 'object') {
      var copy = {};
      Object.keys(node).forEach(function (name) { copy[name] = revive(node[name], name); });
      return copy;
    }
    return node;
  }

  var options = JSON.parse(document.getElementById('chart-options').textContent);
  var charts = {};

  function drawCharts(page) {
    page.querySelectorAll('[data-chart]').forEach(function (element) {
      var id = element.getAttribute('data-chart');
      if (charts[id]) {
        charts[id].resize();
        return;
      }
      charts[id] = echarts.init(element, null, { renderer: 'canvas' });
      charts[id].setOption(revive(options[id]));
    });
    page.setAttribute('data-drawn', 'true');
  }

  function showPage() {
    var pages = Array.prototype.slice.call(document.querySelectorAll('section.page'));
    var wanted = decodeURIComponent(location.hash.slice(1));
    var current = pages.filter(function (page) { return page.id === wanted; })[0] || pages[0];
    // A served page opened before the first refresh has no pages yet (live-client-script.ts adds them).
    if (!current) return;
    pages.forEach(function (page) { page.hidden = page !== current; });
    document.querySelectorAll('nav a').forEach(function (link) {
      if (link.getAttribute('href') === '#' + current.id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    drawCharts(current);
    document.title = current.getAttribute('data-title') + ' · StreamFlow';
  }

  // A live update (live-client-script.ts) replaced pages' HTML and the chart options: drop the
  // charts whose elements are gone, set new options on the others, and redraw the page shown.
  document.addEventListener('streamflow:update', function () {
    options = JSON.parse(document.getElementById('chart-options').textContent);
    Object.keys(charts).forEach(function (id) {
      if (document.body.contains(charts[id].getDom())) return;
      charts[id].dispose();
      delete charts[id];
    });
    showPage();
  });

  window.addEventListener('hashchange', showPage);
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  showPage();
  document.body.setAttribute('data-ready', 'true');
})();`;
