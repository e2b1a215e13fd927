/**
 * Serves the dashboard over HTTP while a run streams (`streamflow run --serve`) or for an existing
 * folder (`streamflow dashboard --serve`): `/` is the dashboard page (ECharts inlined, as in the
 * file, so no CDN and no network), `/live.json` the latest update, which the page polls and
 * applies in place. Bound to 127.0.0.1 only: it is a local view, with no authentication.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderDashboard } from '../dashboard/render-dashboard.js';
import { liveUpdateOf, type LiveDocument } from './live-dashboard.js';

export { DEFAULT_SERVE_PORT } from './serve-port.js';
export const LIVE_HOST = '127.0.0.1';
const LIVE_PATH = '/live.json';

export interface LiveServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly current: () => LiveDocument;
  /** The ECharts browser build, inlined into the page. */
  readonly echarts: string;
}

export interface LiveServer {
  readonly url: string;
  close(): Promise<void>;
}

// No page may be framed or fetch elsewhere: scripts are inline, data comes from this server only.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export const startLiveServer = (options: LiveServerOptions): Promise<LiveServer> => {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET', ...SECURITY_HEADERS }).end();
      return;
    }
    const document = options.current();
    if (path === '/' || path === '/index.html') {
      const html = renderDashboard({ ...document, echarts: options.echarts, liveUrl: LIVE_PATH });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }).end(html);
    } else if (path === LIVE_PATH) {
      response.writeHead(200, { 'content-type': 'application/json', ...SECURITY_HEADERS }).end(JSON.stringify(liveUpdateOf(document)));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LIVE_HOST, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${LIVE_HOST}:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
};
