/** The docs page: the lineage diagram, then one entry per model (grain, definition, columns, upstream, downstream) and per source. */
import { anchorOf, escapeHtml } from '../shared/html.js';
import { lineageSvg } from './lineage-diagram.js';
import type { ModelCatalog, ModelDoc, TableDoc } from './model-catalog.js';

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f2937; background: #f8fafc; }
  header { padding: 16px 24px; background: #0f172a; color: #f8fafc; }
  header h1 { margin: 0; font-size: 20px; }
  main { padding: 16px 24px; }
  .diagram { overflow: auto; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px; }
  .lineage .edge { fill: none; stroke: #94a3b8; stroke-opacity: .55; stroke-width: 1.2; }
  .lineage .node rect { stroke: #475569; stroke-width: 1; }
  .lineage .node.view rect { stroke-dasharray: 4 2; }
  .lineage .node text { font: 12px ui-monospace, monospace; fill: #0f172a; }
  .lineage .bronze rect { fill: #f3d9c4; } .lineage .silver rect { fill: #e2e8f0; } .lineage .gold rect { fill: #fde68a; }
  .lineage .gold.view rect { fill: #fef9c3; }
  .legend span { display: inline-block; margin-right: 16px; }
  section.model { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
  section.model h3 { margin: 0 0 4px; font-family: ui-monospace, monospace; }
  .meta { color: #475569; }
  pre.definition { white-space: pre-wrap; background: #f1f5f9; padding: 8px; border-radius: 6px; font-size: 12px; }
  table { border-collapse: collapse; font-size: 13px; }
  td, th { border-bottom: 1px solid #e2e8f0; padding: 2px 12px 2px 0; text-align: left; }
  td.type { color: #64748b; font-family: ui-monospace, monospace; }
  a { color: #1d4ed8; }
  nav.toc { columns: 3; font-family: ui-monospace, monospace; font-size: 13px; }
`;

const links = (tables: readonly string[]): string =>
  tables.length === 0 ? '<em>none</em>' : tables.map((table) => `<a href="#${anchorOf(table)}">${escapeHtml(table)}</a>`).join(', ');

const columnsTable = (table: TableDoc): string =>
  `<table class="columns"><thead><tr><th>column</th><th>type</th></tr></thead><tbody>${table.columns
    .map((column) => `<tr><td>${escapeHtml(column.name)}</td><td class="type">${escapeHtml(column.type)}</td></tr>`)
    .join('')}</tbody></table>`;

const modelEntry = (model: ModelDoc): string => `
<section class="model" id="${anchorOf(model.table)}" data-model="${escapeHtml(model.model)}">
  <h3>${escapeHtml(model.table)}</h3>
  <div class="meta">${escapeHtml(model.materialization)} · task ${escapeHtml(model.task)} · <code>sql/models/${escapeHtml(model.model)}.sql</code></div>
  <p class="grain"><strong>Grain:</strong> ${escapeHtml(model.grain)}</p>
  ${model.description ? `<pre class="definition">${escapeHtml(model.description)}</pre>` : ''}
  <p><strong>Upstream:</strong> <span class="upstream">${links(model.upstream)}</span><br>
     <strong>Downstream:</strong> <span class="downstream">${links(model.downstream)}</span></p>
  ${columnsTable(model)}
</section>`;

const sourceEntry = (source: TableDoc): string => `
<section class="model source" id="${anchorOf(source.table)}" data-source="${escapeHtml(source.table)}">
  <h3>${escapeHtml(source.table)}</h3>
  <div class="meta">source: loaded by the loader or written by the data quality checks, not built by a model</div>
  <p><strong>Downstream:</strong> <span class="downstream">${links(source.downstream)}</span></p>
  ${columnsTable(source)}
</section>`;

/** A self-contained HTML page (no scripts, no external resources). */
export const renderDocsPage = (catalog: ModelCatalog, generatedAt: Date): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>StreamFlow models and lineage</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>StreamFlow models and lineage</h1>
<div>${catalog.models.length} models over ${catalog.sources.length} sources · derived from sql/models/ and the task graph · generated ${escapeHtml(generatedAt.toISOString())}</div></header>
<main>
<h2>Lineage</h2>
<p class="legend"><span>Edges are the tables each model's SQL reads.</span><span>Solid: table</span><span>Dashed: view</span><span>Click a box for its entry.</span></p>
<div class="diagram">${lineageSvg(catalog)}</div>
<h2>Models</h2>
<nav class="toc">${catalog.models.map((model) => `<div><a href="#${anchorOf(model.table)}">${escapeHtml(model.table)}</a></div>`).join('')}</nav>
${catalog.models.map(modelEntry).join('')}
<h2>Sources</h2>
${catalog.sources.map(sourceEntry).join('')}
</main>
</body>
</html>
`;
