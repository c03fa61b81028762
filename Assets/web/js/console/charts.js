// Small SVG charts of the figures the server computes (Scoring's report, the class's progress, the debrief): bars
// with interval whiskers, a learning curve, an item-analysis scatter. Nothing is computed here but positions.
// Each chart is an <svg role="img"> with a <title> and a <desc> that says in words what it shows (its text
// alternative), with labelled axes; the pages show the same figures in a table beside it, with a CSV download.

const NS = 'http://www.w3.org/2000/svg';
let serial = 0;

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The <svg> frame with its accessible name and description. */
function frame(width, height, { id, title, description, className }) {
  const n = ++serial;
  const root = svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: `chart ${className || ''}`.trim(),
      role: 'img',
      id,
      'aria-labelledby': `chart-title-${n} chart-desc-${n}`,
      preserveAspectRatio: 'xMinYMin meet',
    },
    svg('title', { id: `chart-title-${n}` }, title),
    svg('desc', { id: `chart-desc-${n}` }, description || title),
  );
  root.style.maxWidth = `${width}px`;
  return root;
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
/** A number in the page's language (decimal commas in Spanish and Portuguese). */
const fmt = (v, digits = 2) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '—'
    : new Intl.NumberFormat(document.documentElement.lang || 'en', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
const tickText = (v) => new Intl.NumberFormat(document.documentElement.lang || 'en', { maximumFractionDigits: 2 }).format(v);

/** Evenly spaced "nice" ticks across [lo, hi]. */
function ticks(lo, hi, count = 5) {
  const span = hi - lo || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= count) || power * 10;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/**
 * Horizontal bars, one per row, with a whisker for the row's interval.
 * rows: [{label, value, low?, high?, note?, kind?}] (kind: 'good', 'bad', 'muted' colours the bar);
 * domain: [min, max] of the value axis (computed from the rows when 'auto').
 */
export function barChart({ id, title, description, rows, domain = [0, 1], axisLabel, digits = 2, width = 560, labelWidth = 170, className }) {
  const rowHeight = 26;
  const top = 10;
  const height = top + rows.length * rowHeight + 42;
  let [lo, hi] = domain === 'auto' ? autoDomain(rows) : domain;
  if (hi <= lo) hi = lo + 1;
  const plotLeft = labelWidth;
  const plotWidth = width - labelWidth - 70;
  const x = (v) => plotLeft + ((clamp(v, lo, hi) - lo) / (hi - lo)) * plotWidth;
  const root = frame(width, height, { id, title, description, className });
  const axisY = top + rows.length * rowHeight + 4;
  for (const tick of ticks(lo, hi)) {
    root.append(
      svg('line', { x1: x(tick), x2: x(tick), y1: top - 4, y2: axisY, class: 'grid' }),
      svg('text', { x: x(tick), y: axisY + 14, 'text-anchor': 'middle', class: 'tick' }, tickText(tick)),
    );
  }
  if (lo < 0 && hi > 0) root.append(svg('line', { x1: x(0), x2: x(0), y1: top - 4, y2: axisY, class: 'zero' }));
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const base = x(Math.max(lo, Math.min(0, hi)));
    const end = row.value === null || row.value === undefined ? base : x(row.value);
    const group = svg('g', { class: `bar ${row.kind || ''}`.trim() });
    group.append(
      svg('title', {}, `${row.label}: ${fmt(row.value, digits)}${row.low !== undefined && row.low !== null ? ` [${fmt(row.low, digits)}, ${fmt(row.high, digits)}]` : ''}${row.note ? ` · ${row.note}` : ''}`),
      svg('text', { x: plotLeft - 8, y: y + 17, 'text-anchor': 'end', class: 'label' }, truncate(row.label, Math.floor(labelWidth / 7))),
      svg('rect', { x: Math.min(base, end), y: y + 5, width: Math.max(row.value === null || row.value === undefined ? 0 : 1.5, Math.abs(end - base)), height: rowHeight - 10, class: 'fill' }),
    );
    if (row.low !== undefined && row.low !== null && row.high !== undefined && row.high !== null) {
      const yy = y + rowHeight / 2;
      group.append(
        svg('line', { x1: x(row.low), x2: x(row.high), y1: yy, y2: yy, class: 'whisker' }),
        svg('line', { x1: x(row.low), x2: x(row.low), y1: yy - 6, y2: yy + 6, class: 'whisker' }),
        svg('line', { x1: x(row.high), x2: x(row.high), y1: yy - 6, y2: yy + 6, class: 'whisker' }),
      );
    }
    const valueText = row.value === null || row.value === undefined ? '—' : fmt(row.value, digits);
    group.append(svg('text', { x: Math.max(end, row.high !== undefined && row.high !== null ? x(row.high) : end) + 6, y: y + 17, class: 'value' }, row.note ? `${valueText} ${row.note}` : valueText));
    root.append(group);
  });
  if (axisLabel) root.append(svg('text', { x: plotLeft + plotWidth / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-label' }, axisLabel));
  return root;
}

function autoDomain(rows) {
  const values = rows.flatMap((r) => [r.value, r.low, r.high]).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const lo = Math.min(0, Math.floor(Math.min(...values, 0)));
  const hi = Math.max(1, Math.ceil(Math.max(...values, 1)));
  return [lo, hi];
}

function truncate(text, max) {
  const s = String(text ?? '');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Lines over blocks of cases: series [{label, points: [{x, y, low?, high?}], emphasis?}]. The emphasised series is
 * drawn thick, with its intervals as a band; the others thin.
 */
export function lineChart({ id, title, description, series, xLabel, yLabel, domain = [0, 1], width = 560, height = 280, className, legendOthers }) {
  const left = 52, right = 16, top = 14, bottom = 44;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMin = Math.min(...xs, 1), xMax = Math.max(...xs, 1);
  const [lo, hi] = domain;
  const x = (v) => left + (xMax === xMin ? plotWidth / 2 : ((v - xMin) / (xMax - xMin)) * plotWidth);
  const y = (v) => top + (1 - (clamp(v, lo, hi) - lo) / (hi - lo)) * plotHeight;
  const root = frame(width, height, { id, title, description, className });
  root.append(svg('rect', { x: left, y: top, width: plotWidth, height: plotHeight, class: 'plot' }));
  for (const tick of ticks(lo, hi, 4)) {
    root.append(
      svg('line', { x1: left, x2: left + plotWidth, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'tick' }, tickText(tick)),
    );
  }
  const blocks = [...new Set(xs)].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(blocks.length / 12));
  blocks.forEach((b, i) => {
    if (i % every === 0) root.append(svg('text', { x: x(b), y: top + plotHeight + 16, 'text-anchor': 'middle', class: 'tick' }, String(b)));
  });
  for (const s of [...series].sort((a, b) => Number(Boolean(a.emphasis)) - Number(Boolean(b.emphasis)))) {
    const group = svg('g', { class: `series ${s.emphasis ? 'emphasis' : 'thin'}` }, svg('title', {}, s.label));
    const banded = s.emphasis && s.points.some((p) => p.low !== undefined && p.low !== null);
    if (banded && s.points.length > 1) {
      const upper = s.points.map((p) => `${x(p.x)},${y(p.high ?? p.y)}`);
      const lower = [...s.points].reverse().map((p) => `${x(p.x)},${y(p.low ?? p.y)}`);
      group.append(svg('polygon', { points: [...upper, ...lower].join(' '), class: 'band' }));
    }
    if (s.points.length > 1) group.append(svg('polyline', { points: s.points.map((p) => `${x(p.x)},${y(p.y)}`).join(' '), class: 'line' }));
    for (const p of s.points) {
      group.append(svg('circle', { cx: x(p.x), cy: y(p.y), r: s.emphasis ? 4.5 : 2.5, class: 'dot' }, svg('title', {}, `${s.label}: ${xLabel} ${p.x} → ${fmt(p.y)}`)));
    }
    root.append(group);
  }
  root.append(
    svg('text', { x: left + plotWidth / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, xLabel),
    svg('text', { x: 14, y: top + plotHeight / 2, transform: `rotate(-90 14 ${top + plotHeight / 2})`, 'text-anchor': 'middle', class: 'axis-label' }, yLabel),
  );
  // The legend, right-aligned over the plot: the emphasised series, and what the thin lines are.
  const items = [];
  const emphasised = series.find((s) => s.emphasis);
  const others = series.filter((s) => !s.emphasis);
  if (others.length) items.push({ label: others.length === 1 ? others[0].label : legendOthers, cls: 'thin' });
  if (emphasised) items.push({ label: emphasised.label, cls: 'emphasis' });
  const legend = svg('g', { class: 'legend' });
  let lx = left + plotWidth - 6;
  for (const item of items.reverse()) {
    if (!item.label) continue;
    legend.append(svg('text', { x: lx, y: top + 16, 'text-anchor': 'end', class: 'legend-label' }, item.label));
    lx -= item.label.length * 6.2 + 6;
    legend.append(svg('line', { x1: lx - 20, x2: lx, y1: top + 12, y2: top + 12, class: `legend-line ${item.cls}` }));
    lx -= 34;
  }
  root.append(legend);
  return root;
}

/**
 * Points on two axes: points [{x, y, label, flagged?}]; guides [{axis: 'x'|'y', value, label}] draw reference lines
 * (the item analysis's flag thresholds).
 */
export function scatterChart({ id, title, description, points, xLabel, yLabel, xDomain = [0, 1], yDomain = [-1, 1], guides = [], width = 560, height = 320, className }) {
  const left = 52, right = 16, top = 14, bottom = 44;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const x = (v) => left + ((clamp(v, xDomain[0], xDomain[1]) - xDomain[0]) / (xDomain[1] - xDomain[0])) * plotWidth;
  const y = (v) => top + (1 - (clamp(v, yDomain[0], yDomain[1]) - yDomain[0]) / (yDomain[1] - yDomain[0])) * plotHeight;
  const root = frame(width, height, { id, title, description, className });
  root.append(svg('rect', { x: left, y: top, width: plotWidth, height: plotHeight, class: 'plot' }));
  for (const tick of ticks(xDomain[0], xDomain[1], 5)) root.append(svg('text', { x: x(tick), y: top + plotHeight + 16, 'text-anchor': 'middle', class: 'tick' }, tickText(tick)));
  for (const tick of ticks(yDomain[0], yDomain[1], 4)) {
    root.append(
      svg('line', { x1: left, x2: left + plotWidth, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'tick' }, tickText(tick)),
    );
  }
  for (const guide of guides) {
    const line =
      guide.axis === 'x'
        ? svg('line', { x1: x(guide.value), x2: x(guide.value), y1: top, y2: top + plotHeight, class: 'guide' })
        : svg('line', { x1: left, x2: left + plotWidth, y1: y(guide.value), y2: y(guide.value), class: 'guide' });
    // Labels of lines near the right edge go on their left, inside the plot.
    const nearRight = guide.axis === 'x' && x(guide.value) > left + plotWidth * 0.8;
    const text =
      guide.axis === 'x'
        ? svg('text', { x: x(guide.value) + (nearRight ? -3 : 3), y: top + 12, 'text-anchor': nearRight ? 'end' : 'start', class: 'guide-label' }, guide.label)
        : svg('text', { x: left + plotWidth - 4, y: y(guide.value) - 4, 'text-anchor': 'end', class: 'guide-label' }, guide.label);
    root.append(line, text);
  }
  for (const p of points) {
    if (p.y === null || p.y === undefined) continue;
    root.append(
      svg('circle', { cx: x(p.x), cy: y(p.y), r: 5, class: `dot ${p.flagged ? 'flagged' : ''}`.trim() }, svg('title', {}, `${p.label}: ${xLabel} ${fmt(p.x)}, ${yLabel} ${fmt(p.y)}`)),
    );
  }
  root.append(
    svg('text', { x: left + plotWidth / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, xLabel),
    svg('text', { x: 14, y: top + plotHeight / 2, transform: `rotate(-90 14 ${top + plotHeight / 2})`, 'text-anchor': 'middle', class: 'axis-label' }, yLabel),
  );
  return root;
}

/**
 * The overlay of a scan for the debrief: a heat map of marks (cells coloured by count) and the key's regions,
 * in the scan's own pixels (`viewBox` of the scan's size), drawn over the scan image.
 */
export function scanOverlay({ width, height, heat, regions = [], showHeat = true, showKey = true, title }) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'scan-overlay', preserveAspectRatio: 'none', 'aria-hidden': 'true' }, svg('title', {}, title || ''));
  if (showHeat && heat && heat.maximum > 0) {
    const g = svg('g', { class: 'heat' });
    for (let r = 0; r < heat.rows; r += 1) {
      for (let c = 0; c < heat.columns; c += 1) {
        const count = heat.counts[r * heat.columns + c];
        if (!count) continue;
        const share = count / heat.maximum;
        g.append(svg('rect', { x: c * heat.cellWidth, y: r * heat.cellHeight, width: heat.cellWidth + 0.5, height: heat.cellHeight + 0.5, fill: heatColour(share), 'fill-opacity': (0.2 + 0.35 * share).toFixed(2) }));
      }
    }
    root.append(g);
  }
  if (showKey) {
    const stroke = Math.max(3, width / 500);
    for (const region of regions) {
      root.append(
        svg('rect', { x: region.x, y: region.y, width: region.width, height: region.height, class: 'key-region', 'stroke-width': stroke, 'stroke-dasharray': `${stroke * 4} ${stroke * 2}` }),
        svg('text', { x: region.x, y: Math.max(stroke * 8, region.y - stroke * 2), class: 'key-label', 'font-size': stroke * 7 }, region.label),
      );
    }
  }
  return root;
}

/** Yellow → orange → red as the share of the most-marked cell grows. */
function heatColour(share) {
  const hue = Math.round(55 - 55 * share);
  return `hsl(${hue}, 100%, 50%)`;
}

/** A legend strip for the heat map: from one mark to `maximum`. */
export function heatLegend(maximum, label) {
  const root = svg('svg', { viewBox: '0 0 220 34', class: 'heat-legend', role: 'img', 'aria-label': label });
  for (let i = 0; i < 20; i += 1) root.append(svg('rect', { x: 10 + i * 10, y: 4, width: 10, height: 12, fill: heatColour((i + 1) / 20) }));
  root.append(
    svg('text', { x: 10, y: 30, class: 'tick' }, '1'),
    svg('text', { x: 210, y: 30, 'text-anchor': 'end', class: 'tick' }, String(maximum)),
  );
  return root;
}
