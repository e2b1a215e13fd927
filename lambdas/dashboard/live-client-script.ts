/**
 * The served dashboard's live half: polls the server's JSON every second and, when the warehouse
 * or the run moved on, replaces each page's blocks and the chart options in place, then tells the
 * page script (client-script.ts) to redraw. No reload: the page shown, its scroll and the URL stay.
 * `document.body.dataset.liveVersion` says which update is shown (the browser test waits on it).
 *
 * Plain ES2017 in a string, like client-script.ts.
 */
export const LIVE_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var url = document.currentScript.getAttribute('data-live-url');
  var shown = null;

  function pageIds() {
    return Array.prototype.map.call(document.querySelectorAll('section.page'), function (page) { return page.id; }).join(',');
  }

  function apply(update) {
    if (pageIds() !== update.pages.map(function (page) { return page.id; }).join(',')) {
      // Opened before the first refresh, or the pages changed: lay them all out again.
      document.querySelector('nav').innerHTML = update.nav;
      document.querySelector('main').innerHTML = update.sections;
    } else {
      update.pages.forEach(function (page) {
        document.querySelector('section.page#' + CSS.escape(page.id) + ' > .grid').innerHTML = page.html;
      });
    }
    document.querySelector('header .meta').textContent = update.meta;
    document.getElementById('chart-options').textContent = JSON.stringify(update.chartOptions);
    document.dispatchEvent(new CustomEvent('streamflow:update'));
    shown = update.version;
    document.body.setAttribute('data-live-version', String(shown));
  }

  function poll() {
    fetch(url + '?since=' + encodeURIComponent(String(shown)), { cache: 'no-store' })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(function (update) { if (update && update.version !== shown) apply(update); })
      .catch(function () { /* the run ended or restarts: try again on the next tick */ })
      .then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();`;
