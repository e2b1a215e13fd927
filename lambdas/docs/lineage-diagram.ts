/**
 * The lineage diagram of the docs page, as inline SVG (no script, no library, so it prints and
 * works from file://): one column per depth, sources on the left, each model one column right of
 * the deepest table it reads, one curve per table reference.
 */
import { anchorOf, escapeHtml } from '../shared/html.js';
import type { ModelCatalog } from './model-catalog.js';

/** Boxes fit the longest name: monospace text at about 7.3 px a character, plus padding. */
const CHAR_WIDTH = 7.3;
const NODE_HEIGHT = 24;
const ROW_GAP = 8;
const COLUMN_GAP = 90;
const MARGIN = 16;

interface Node {
  readonly table: string;
  readonly schema: string;
  readonly kind: string;
  readonly upstream: readonly string[];
  depth: number;
  row: number;
}

const position = (node: Node, nodeWidth: number): { x: number; y: number } => ({
  x: MARGIN + node.depth * (nodeWidth + COLUMN_GAP),
  y: MARGIN + node.row * (NODE_HEIGHT + ROW_GAP),
});

/** Places nodes in columns by depth; within a column, near the tables they read (barycentre). */
const layout = (catalog: ModelCatalog): Node[] => {
  const nodes = new Map<string, Node>();
  for (const source of catalog.sources) nodes.set(source.table, { table: source.table, schema: source.schema, kind: 'source', upstream: [], depth: 0, row: 0 });
  // Models come in task-graph order, so every upstream node is placed before its readers.
  for (const model of catalog.models) {
    const depth = 1 + Math.max(0, ...model.upstream.map((table) => nodes.get(table)?.depth ?? 0));
    nodes.set(model.table, { table: model.table, schema: model.schema, kind: model.materialization, upstream: model.upstream, depth, row: 0 });
  }
  const columns = new Map<number, Node[]>();
  for (const node of nodes.values()) columns.set(node.depth, [...(columns.get(node.depth) ?? []), node]);
  for (const depth of [...columns.keys()].sort((a, b) => a - b)) {
    const column = columns.get(depth)!;
    const centre = (node: Node): number => {
      const rows = node.upstream.map((table) => nodes.get(table)!.row);
      return rows.length === 0 ? 0 : rows.reduce((sum, row) => sum + row, 0) / rows.length;
    };
    const ordered = depth === 0 ? column : [...column].sort((a, b) => centre(a) - centre(b));
    ordered.forEach((node, row) => {
      node.row = row;
    });
  }
  return [...nodes.values()];
};

/** The diagram; every edge is a `path.edge` with `data-from` and `data-to`, every node links to its entry. */
export const lineageSvg = (catalog: ModelCatalog): string => {
  const nodes = layout(catalog);
  const byTable = new Map(nodes.map((node) => [node.table, node]));
  const nodeWidth = Math.ceil(Math.max(...nodes.map((node) => node.table.length)) * CHAR_WIDTH) + 16;
  const width = MARGIN * 2 + (Math.max(...nodes.map((node) => node.depth)) + 1) * (nodeWidth + COLUMN_GAP) - COLUMN_GAP;
  const height = MARGIN * 2 + Math.max(...nodes.map((node) => node.row + 1)) * (NODE_HEIGHT + ROW_GAP);

  const edges = nodes.flatMap((node) =>
    node.upstream.map((table) => {
      const from = position(byTable.get(table)!, nodeWidth);
      const to = position(node, nodeWidth);
      const [x1, y1, x2, y2] = [from.x + nodeWidth, from.y + NODE_HEIGHT / 2, to.x, to.y + NODE_HEIGHT / 2];
      const bend = (x2 - x1) / 2;
      return `<path class="edge" data-from="${escapeHtml(table)}" data-to="${escapeHtml(node.table)}" d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}"/>`;
    }),
  );
  const boxes = nodes.map((node) => {
    const { x, y } = position(node, nodeWidth);
    return (
      `<a href="#${anchorOf(node.table)}"><g class="node ${node.schema} ${node.kind}" data-table="${escapeHtml(node.table)}">` +
      `<title>${escapeHtml(`${node.table} (${node.kind})`)}</title>` +
      `<rect x="${x}" y="${y}" width="${nodeWidth}" height="${NODE_HEIGHT}" rx="4"/>` +
      `<text x="${x + 8}" y="${y + NODE_HEIGHT / 2 + 4}">${escapeHtml(node.table)}</text></g></a>`
    );
  });
  return `<svg class="lineage" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${edges.join('')}${boxes.join('')}</svg>`;
};
