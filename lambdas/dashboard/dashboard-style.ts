/** The dashboard's stylesheet: a top bar, page navigation, a two-column grid of cards. */
export const DASHBOARD_STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #0f172a; background: #f1f5f9; }
  header { display: flex; align-items: baseline; gap: 16px; padding: 12px 24px; background: #0f172a; color: #f8fafc; }
  header h1 { margin: 0; font-size: 18px; }
  header .meta { color: #cbd5e1; font-size: 13px; }
  nav { display: flex; flex-wrap: wrap; gap: 4px; padding: 8px 24px; background: #1e293b; }
  nav a { color: #e2e8f0; text-decoration: none; padding: 6px 12px; border-radius: 6px; }
  nav a[aria-current="page"] { background: #2563eb; color: #fff; }
  main { padding: 16px 24px 32px; }
  .page > h2 { margin: 4px 0 2px; font-size: 20px; }
  .page > p.summary { margin: 0 0 12px; color: #475569; }
  .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
  .card { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 12px 14px; min-width: 0; }
  .card.wide, .kpis, .note { grid-column: 1 / -1; }
  .card h3 { margin: 0; font-size: 15px; }
  .card .source { color: #64748b; font-size: 12px; margin-bottom: 6px; }
  .chart { width: 100%; height: 320px; }
  .kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; }
  .kpi { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 12px 14px; }
  .kpi .label { color: #475569; font-size: 13px; }
  .kpi .value { font-size: 26px; font-weight: 650; margin: 2px 0; }
  .kpi .caption, .kpi .footnote { color: #64748b; font-size: 12px; }
  .kpi .comparison { font-size: 13px; }
  .kpi .up { color: #15803d; } .kpi .down { color: #b91c1c; } .kpi .flat { color: #64748b; }
  .kpi .sparkline { height: 44px; margin-top: 6px; }
  .note { padding: 10px 14px; border-radius: 8px; border: 1px solid; }
  .note.ok { background: #f0fdf4; border-color: #86efac; color: #14532d; }
  .note.alert { background: #fef2f2; border-color: #fca5a5; color: #7f1d1d; }
  table { width: 100%; border-collapse: collapse; font-size: 13px; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e2e8f0; }
  th { color: #475569; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.status-pass { color: #15803d; } td.status-warn { color: #b45309; font-weight: 600; } td.status-error { color: #b91c1c; font-weight: 700; }
  .empty { color: #64748b; font-style: italic; }
  @media (max-width: 900px) { .grid { grid-template-columns: minmax(0, 1fr); } }
`;
