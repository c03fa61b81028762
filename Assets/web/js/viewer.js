// The scan viewer: an image-analysis workstation on the real 16-bit data.
//
// The high and low channels are log-encoded transmission (XRayImaging's RenderedScan):
//   sample = 65535 · (1 + ln T / 12), so T = exp(−(65535 − sample) / 65535 · 12)
// open beam is 65535 and the detector floor lies far above 0. Grey views map a sample through one
// 65536-entry table built from window/level, gamma and invert:
//   n = clamp((sample − (level − width/2)) / width, 0, 1), grey = round(255 · n^(1/γ)), inverted: 255 − grey
// so the canvas pixel of a sample is exactly that (the browser test checks it against the server's /probe).
// Material classes come from the dual-energy ratio R = ln T_low / ln T_high averaged over a 7 × 7 window, through the scanner
// profile's calibration curves (materials.js); the colour view is the server's 8-bit scan.png.
//
// Over a slow network (the trainee workspace) the viewer does not download whole scans. The server cuts each
// scan into levels (level k: the scan reduced 2^k times, each pixel the mean of its block) and tiles of
// TILE_SIZE × TILE_SIZE level pixels (TrainingServer's ScanTiles). The first view fetches the level that suits
// the whole-scan view; zooming in fetches finer tiles for the part in view only, down to level 0 (the exact
// 16-bit data). The image in memory keeps the full size: a coarse level fills whole blocks, level 0 exact pixels.
// The probe reads exact values only: from level-0 tiles already here, else from the server's /probe. The material
// filter reads the server's class map (every pixel's class from the exact channels, by the rule of materials.js).

import { t, number } from './i18n.js';
import { el as element } from './dom.js';
import { classify, classifyAt, MATERIAL, MATERIAL_NAMES, WINDOW_SIZE } from './materials.js';

export const OPTICAL_DEPTH_FULL_SCALE = 12;

/** Tiles are this many level pixels square (ScanTiles.tileSize). */
export const TILE_SIZE = 256;
/**
 * The level shown at a zoom is the coarsest whose pixel is at most 2^LEVEL_BIAS screen pixels: a little under the
 * screen's resolution for the whole-scan view (a first view from a few hundred kB), full resolution from zoom
 * 2^−LEVEL_BIAS up.
 */
export const LEVEL_BIAS = 0.8;

/** The number of levels of a scan: the coarsest is the first that fits one tile. */
export function levelCount(width, height) {
  let count = 1;
  while (Math.ceil(width / 2 ** (count - 1)) > TILE_SIZE || Math.ceil(height / 2 ** (count - 1)) > TILE_SIZE) count++;
  return count;
}

/** The transmission a 16-bit sample stands for (RenderedScan.transmission(ofSample:)). */
export function transmissionOfSample(sample) {
  return Math.exp((-(65535 - sample) / 65535) * OPTICAL_DEPTH_FULL_SCALE);
}

/** The 8-bit grey of a sample under window/level, gamma and invert (see the file's header). */
export function greyOfSample(sample, { level, width, gamma, invert }) {
  const low = level - width / 2;
  let n = (sample - low) / Math.max(1, width);
  n = n < 0 ? 0 : n > 1 ? 1 : n;
  let grey = Math.round(255 * Math.pow(n, 1 / gamma));
  if (invert) grey = 255 - grey;
  return grey;
}

/** Keyboard shortcuts: key → [action, i18n key of its description]. */
export const SHORTCUTS = [
  ['+ / −', 'web.viewer.key.zoom'],
  ['0', 'web.viewer.key.fit'],
  ['1 2 3', 'web.viewer.key.views'],
  ['← ↑ → ↓', 'web.viewer.key.pan'],
  ['[ ]', 'web.viewer.key.width'],
  [', .', 'web.viewer.key.level'],
  ['A', 'web.viewer.key.autoWindow'],
  ['G / Shift+G', 'web.viewer.key.gamma'],
  ['I', 'web.viewer.key.invert'],
  ['E', 'web.viewer.key.edges'],
  ['O N M', 'web.viewer.key.materials'],
  ['X', 'web.viewer.key.allMaterials'],
  ['H R B', 'web.viewer.key.tools'],
  ['Enter', 'web.viewer.key.markView'],
  ['Delete', 'web.viewer.key.deleteMark'],
  ['?', 'web.viewer.key.help'],
];

const TOOLS = ['pan', 'ruler', 'mark'];
const VIEWS = ['high', 'low', 'colour'];
const FILTERS = ['all', 'organic', 'inorganic', 'metal'];

/**
 * A scan viewer in `root`. options:
 *  scans       the case's ScanReferences (screening.scans)
 *  load(name)  → Promise<ArrayBuffer> of a scan file
 *  decode(buf) → Promise<{width,height,channels,bitDepth,samples}> (png.js)
 *  calibration the profile's classification curves (materials.js), or null
 *  tile(name, level, column, row) → Promise<ArrayBuffer> of one tile's PNG: given, the viewer works on tiles
 *              (the trainee workspace); without it, on whole files from load()
 *  classMap()  → Promise<ArrayBuffer> of the class map PNG (with tile)
 *  probe(name, x, y) → Promise<{value}> of one exact sample (with tile)
 *  marks       initial marks [{x,y,width,height}] in scan pixels
 *  readOnly    no marking (feedback)
 *  regions     key regions to draw [{x,y,width,height,label}] (feedback)
 *  onMarks     called with the marks when they change
 */
export class ScanViewer {
  constructor(root, options) {
    this.root = root;
    this.options = options;
    const reference = options.scans.find((s) => s.file === 'scan-high.png') || options.scans[0];
    this.width = reference.widthPixels;
    this.height = reference.heightPixels;
    this.pitch = reference.pixelPitchMM;
    this.files = new Set(options.scans.map((s) => s.file));
    this.state = {
      view: this.files.has('scan-high.png') ? 'high' : 'colour',
      tool: options.readOnly ? 'pan' : 'mark',
      level: 40000,
      width: 50000,
      gamma: 1,
      invert: false,
      edges: false,
      filter: 'all',
    };
    this.zoom = 1;
    this.offsetX = 0;
    this.offsetY = 0;
    this.marks = (options.marks || []).map((m) => ({ ...m }));
    this.selected = -1;
    this.regions = options.regions || [];
    this.ruler = null;
    this.drag = null;
    this.data = {};
    this.tiled = typeof options.tile === 'function';
    if (this.tiled) {
      this.levels = levelCount(this.width, this.height);
      this.columns0 = Math.ceil(this.width / TILE_SIZE);
      this.rows0 = Math.ceil(this.height / TILE_SIZE);
      // per view, the finest level written over each level-0 tile (255: nothing yet)
      this.filled = {};
      this.inflight = new Map();
      this.serverSamples = new Map();
    }
    this.build();
  }

  // ---- layout -------------------------------------------------------------------------------

  build() {
    const s = this.state;
    this.root.classList.add('viewer');
    this.root.replaceChildren();
    const viewButtons = VIEWS.filter((v) => this.hasView(v)).map((v) =>
      element('button', {
        type: 'button',
        class: 'seg',
        'data-view': v,
        'aria-pressed': String(s.view === v),
        text: t(`web.viewer.view.${v}`),
        onclick: () => this.setView(v),
      }),
    );
    const toolButtons = TOOLS.filter((tool) => !(tool === 'mark' && this.options.readOnly)).map((tool) =>
      element('button', {
        type: 'button',
        class: 'seg',
        'data-tool': tool,
        'aria-pressed': String(s.tool === tool),
        text: t(`web.viewer.tool.${tool}`),
        onclick: () => this.setTool(tool),
      }),
    );
    this.levelInput = element('input', {
      type: 'number',
      min: 0,
      max: 65535,
      step: 100,
      id: 'viewer-level',
      'aria-label': t('web.viewer.level'),
      onchange: (e) => this.set({ level: Number(e.target.value) }),
    });
    this.widthInput = element('input', {
      type: 'number',
      min: 1,
      max: 65536,
      step: 100,
      id: 'viewer-width',
      'aria-label': t('web.viewer.width'),
      onchange: (e) => this.set({ width: Math.max(1, Number(e.target.value)) }),
    });
    this.gammaInput = element('input', {
      type: 'range',
      min: 0.3,
      max: 3,
      step: 0.1,
      id: 'viewer-gamma',
      'aria-label': t('web.viewer.gamma'),
      oninput: (e) => this.set({ gamma: Number(e.target.value) }),
    });
    this.gammaOut = element('output', { for: 'viewer-gamma' });
    this.invertBox = element('input', {
      type: 'checkbox',
      id: 'viewer-invert',
      onchange: (e) => this.set({ invert: e.target.checked }),
    });
    this.edgesBox = element('input', {
      type: 'checkbox',
      id: 'viewer-edges',
      onchange: (e) => this.set({ edges: e.target.checked }),
    });
    this.filterSelect = element(
      'select',
      { id: 'viewer-filter', onchange: (e) => this.setFilter(e.target.value) },
      ...FILTERS.map((f) => element('option', { value: f, text: t(`web.viewer.filter.${f}`) })),
    );
    // a single-energy scanner (cobalt-60) has no material classes: the filter would strip everything
    if (!this.options.calibration?.isDualEnergy || !this.files.has('scan-low.png')) this.filterSelect.disabled = true;

    const toolbar = element(
      'div',
      { class: 'viewer-toolbar', role: 'toolbar', 'aria-label': t('web.viewer.toolbar') },
      element('div', { class: 'group', role: 'group', 'aria-label': t('web.viewer.view') }, ...viewButtons),
      element('div', { class: 'group', role: 'group', 'aria-label': t('web.viewer.tool') }, ...toolButtons),
      element(
        'div',
        { class: 'group' },
        element('label', { for: 'viewer-level', text: t('web.viewer.level') }),
        this.levelInput,
        element('label', { for: 'viewer-width', text: t('web.viewer.width') }),
        this.widthInput,
        element('button', {
          type: 'button',
          class: 'small',
          id: 'viewer-auto',
          text: t('web.viewer.autoWindow'),
          onclick: () => this.autoWindow(),
        }),
      ),
      element(
        'div',
        { class: 'group' },
        element('label', { for: 'viewer-gamma', text: t('web.viewer.gamma') }),
        this.gammaInput,
        this.gammaOut,
      ),
      element(
        'div',
        { class: 'group' },
        element('label', { class: 'check' }, this.invertBox, document.createTextNode(t('web.viewer.invert'))),
        element('label', { class: 'check' }, this.edgesBox, document.createTextNode(t('web.viewer.edges'))),
      ),
      element(
        'div',
        { class: 'group' },
        element('label', { for: 'viewer-filter', text: t('web.viewer.filter') }),
        this.filterSelect,
      ),
      element(
        'div',
        { class: 'group end' },
        this.options.readOnly
          ? null
          : element('button', {
              type: 'button',
              class: 'small',
              id: 'viewer-mark-view',
              title: t('web.viewer.key.markView'),
              text: t('web.viewer.markView'),
              onclick: () => this.markView(),
            }),
        element('button', { type: 'button', class: 'small', text: t('web.viewer.fit'), onclick: () => this.fit() }),
        element('button', {
          type: 'button',
          class: 'small',
          id: 'viewer-help-button',
          'aria-haspopup': 'dialog',
          text: '?',
          title: t('web.viewer.key.help'),
          onclick: () => this.toggleHelp(),
        }),
      ),
    );
    this.canvas = element('canvas', {
      class: 'viewer-canvas',
      id: 'scan-canvas',
      tabindex: 0,
      role: 'img',
      'aria-label': t('web.viewer.canvasLabel'),
    });
    this.loading = element('div', { class: 'viewer-loading', role: 'status', text: t('web.viewer.loading') });
    this.stage = element('div', { class: 'viewer-stage' }, this.canvas, this.loading);
    this.probe = element('div', { class: 'probe', id: 'viewer-probe', 'aria-live': 'off' });
    this.rulerOut = element('div', { class: 'ruler-out', id: 'viewer-ruler' });
    this.zoomOut = element('div', { class: 'zoom-out', id: 'viewer-zoom' });
    const status = element('div', { class: 'viewer-status' }, this.probe, this.rulerOut, this.zoomOut);
    this.markList = element('ol', { class: 'mark-list', id: 'mark-list' });
    const marksPanel = this.options.readOnly
      ? null
      : element(
          'div',
          { class: 'marks-panel' },
          element('h4', { text: t('web.viewer.marks') }),
          element('p', { class: 'hint', text: t('web.viewer.marksHint') }),
          this.markList,
        );
    this.help = this.buildHelp();
    this.root.append(toolbar, this.stage, status);
    if (marksPanel) this.root.append(marksPanel);
    this.root.append(this.help);
    this.syncControls();
    this.renderMarkList();
    this.attachEvents();
  }

  buildHelp() {
    const rows = SHORTCUTS.map(([keys, text]) =>
      element('tr', {}, element('th', { scope: 'row' }, element('kbd', { text: keys })), element('td', { text: t(text) })),
    );
    const close = element('button', { type: 'button', text: t('web.close'), onclick: () => this.toggleHelp(false) });
    return element(
      'div',
      { class: 'help-overlay', id: 'viewer-help', role: 'dialog', 'aria-modal': 'true', hidden: true, 'aria-labelledby': 'viewer-help-title' },
      element(
        'div',
        { class: 'help-box' },
        element('h3', { id: 'viewer-help-title', text: t('web.viewer.helpTitle') }),
        element('p', { text: t('web.viewer.helpIntro') }),
        element('table', {}, element('tbody', {}, ...rows)),
        close,
      ),
    );
  }

  toggleHelp(show) {
    const visible = show ?? this.help.hidden;
    this.help.hidden = !visible;
    if (visible) this.help.querySelector('button').focus();
    else this.canvas.focus();
  }

  hasView(view) {
    if (view === 'high') return this.files.has('scan-high.png');
    if (view === 'low') return this.files.has('scan-low.png');
    return this.files.has('scan.png');
  }

  fileOfView(view = this.state.view) {
    return view === 'high' ? 'scan-high.png' : view === 'low' ? 'scan-low.png' : 'scan.png';
  }

  syncControls() {
    const s = this.state;
    this.levelInput.value = Math.round(s.level);
    this.widthInput.value = Math.round(s.width);
    this.gammaInput.value = s.gamma;
    this.gammaOut.textContent = number(s.gamma, 1);
    this.invertBox.checked = s.invert;
    this.edgesBox.checked = s.edges;
    this.filterSelect.value = s.filter;
    const grey = s.view !== 'colour';
    this.levelInput.disabled = !grey;
    this.widthInput.disabled = !grey;
    this.root.querySelectorAll('[data-view]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.view === s.view)));
    this.root.querySelectorAll('[data-tool]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.tool === s.tool)));
    this.canvas.dataset.tool = s.tool;
    this.canvas.dataset.view = s.view;
  }

  // ---- data ---------------------------------------------------------------------------------

  /** Fetches and decodes what the first view needs; the other channel follows. */
  async load() {
    try {
      if (this.tiled) {
        this.resizeCanvas();
        this.fitTransform();
        this.baseLevel = this.levelForZoom();
      }
      await this.ensure(this.state.view);
      this.autoWindow(false);
      this.loading.hidden = true;
      this.fit();
    } catch (error) {
      this.loading.textContent = t('web.viewer.loadFailed', { message: error.message });
      this.loading.classList.add('error');
      throw error;
    }
  }

  async ensure(view) {
    if (this.tiled) return this.ensureTiled(view);
    if (this.data[view]) return this.data[view];
    const file = this.fileOfView(view);
    const buffer = await this.options.load(file);
    if (view === 'colour') {
      const bitmap = await createImageBitmap(new Blob([buffer], { type: 'image/png' }));
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      this.data.colour = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    } else {
      const image = await this.options.decode(buffer);
      if (image.bitDepth !== 16 || image.channels !== 1) {
        throw new Error(t('web.viewer.notSixteenBit', { file }));
      }
      if (image.width !== this.width || image.height !== this.height) {
        throw new Error(t('web.viewer.sizeMismatch', { file, width: image.width, height: image.height }));
      }
      this.data[view] = image.samples;
    }
    if (this.data.high && this.data.low && !this.classes && this.options.calibration) {
      this.classes = classify(this.data.high, this.data.low, this.width, this.height, this.options.calibration);
    }
    return this.data[view];
  }

  // ---- tiles (the trainee workspace) ----------------------------------------------------------

  /** The level for the current zoom (see LEVEL_BIAS). */
  levelForZoom(zoom = this.zoom) {
    const k = Math.floor(Math.log2(1 / zoom) + LEVEL_BIAS);
    return Math.min(this.levels - 1, Math.max(0, k));
  }

  /** A view's image at full size, filled at the base level over the whole scan the first time. */
  async ensureTiled(view) {
    if (!this.data[view]) {
      this.data[view] = view === 'colour' ? new Uint8ClampedArray(this.width * this.height * 4) : new Uint16Array(this.width * this.height);
      this.filled[view] = new Uint8Array(this.columns0 * this.rows0).fill(255);
    }
    await this.fetchTiles(view, this.baseLevel, 0, 0, this.width, this.height);
    await this.fetchVisible(view);
    return this.data[view];
  }

  /** The part of the scan in view, in image pixels, clamped to the scan. */
  visibleRegion() {
    const a = this.screenToImage(0, 0);
    const b = this.screenToImage(this.viewWidth, this.viewHeight);
    return {
      x0: Math.max(0, Math.floor(a.x)),
      y0: Math.max(0, Math.floor(a.y)),
      x1: Math.min(this.width, Math.ceil(b.x)),
      y1: Math.min(this.height, Math.ceil(b.y)),
    };
  }

  /** The tiles of `level` over a region that some part of still lacks (coarser data only, or none). */
  missingTiles(view, level, x0, y0, x1, y1) {
    const filled = this.filled[view];
    if (!filled || x1 <= x0 || y1 <= y0) return [];
    const span = TILE_SIZE << level;
    const per = 1 << level; // level-0 tiles per tile of this level, each way
    const out = [];
    for (let r = Math.floor(y0 / span); r <= Math.floor((y1 - 1) / span); r++) {
      for (let c = Math.floor(x0 / span); c <= Math.floor((x1 - 1) / span); c++) {
        let needed = false;
        for (let r0 = r * per; r0 < Math.min(this.rows0, (r + 1) * per) && !needed; r0++) {
          for (let c0 = c * per; c0 < Math.min(this.columns0, (c + 1) * per); c0++) {
            if (filled[r0 * this.columns0 + c0] > level) {
              needed = true;
              break;
            }
          }
        }
        if (needed) out.push({ level, column: c, row: r });
      }
    }
    return out;
  }

  async fetchTiles(view, level, x0, y0, x1, y1) {
    const missing = this.missingTiles(view, level, x0, y0, x1, y1);
    await Promise.all(missing.map((tile) => this.fetchTile(view, tile)));
    return missing.length;
  }

  /** The tiles the view needs at the current zoom; resolves when they are in the image. */
  async fetchVisible(view = this.state.view) {
    const r = this.visibleRegion();
    return this.fetchTiles(view, this.levelForZoom(), r.x0, r.y0, r.x1, r.y1);
  }

  fetchTile(view, { level, column, row }) {
    const key = `${view}/${level}/${column}/${row}`;
    if (!this.inflight.has(key)) {
      const file = this.fileOfView(view);
      const request = (async () => {
        const buffer = await this.options.tile(file, level, column, row);
        const image = await this.options.decode(buffer);
        const expected = view === 'colour' ? [8, 3] : [16, 1];
        if (image.bitDepth !== expected[0] || image.channels !== expected[1]) {
          throw new Error(t('web.viewer.notSixteenBit', { file }));
        }
        this.writeTile(view, level, column, row, image);
      })();
      request.catch(() => this.inflight.delete(key));
      this.inflight.set(key, request);
    }
    return this.inflight.get(key);
  }

  /** Writes a tile into the full-size image, except where finer data is there already. */
  writeTile(view, level, column, row, image) {
    const data = this.data[view];
    const filled = this.filled[view];
    const per = 1 << level;
    const lx0 = column * TILE_SIZE;
    const ly0 = row * TILE_SIZE;
    const colour = view === 'colour';
    for (let r0 = row * per; r0 < Math.min(this.rows0, (row + 1) * per); r0++) {
      for (let c0 = column * per; c0 < Math.min(this.columns0, (column + 1) * per); c0++) {
        const index = r0 * this.columns0 + c0;
        if (filled[index] <= level) continue;
        filled[index] = level;
        const xEnd = Math.min(this.width, (c0 + 1) * TILE_SIZE);
        const yEnd = Math.min(this.height, (r0 + 1) * TILE_SIZE);
        for (let y = r0 * TILE_SIZE; y < yEnd; y++) {
          const source = ((y >> level) - ly0) * image.width - lx0;
          for (let x = c0 * TILE_SIZE; x < xEnd; x++) {
            const from = source + (x >> level);
            if (colour) {
              const i = (y * this.width + x) * 4;
              data[i] = image.samples[from * 3];
              data[i + 1] = image.samples[from * 3 + 1];
              data[i + 2] = image.samples[from * 3 + 2];
              data[i + 3] = 255;
            } else {
              data[y * this.width + x] = image.samples[from];
            }
          }
        }
      }
    }
  }

  /** True when the pixel's samples are the exact ones (level 0) in every channel the probe reads. */
  isExact(x, y) {
    if (!this.tiled) return true;
    const index = Math.floor(y / TILE_SIZE) * this.columns0 + Math.floor(x / TILE_SIZE);
    const channels = this.hasView('low') ? ['high', 'low'] : ['high'];
    return channels.every((c) => this.filled[c]?.[index] === 0);
  }

  /**
   * After a zoom or pan: fetches the finer tiles the view lacks, a moment after the movement stops, then draws
   * again. The canvas's data-complete says whether the view shows the data its zoom asks for.
   */
  requestDetail() {
    if (!this.tiled || this.failed || this.baseLevel === undefined) return;
    clearTimeout(this.detailTimer);
    const view = this.state.view;
    const r = this.visibleRegion();
    if (this.missingTiles(view, this.levelForZoom(), r.x0, r.y0, r.x1, r.y1).length === 0) {
      this.canvas.dataset.complete = 'true';
      return;
    }
    this.canvas.dataset.complete = 'false';
    this.detailTimer = setTimeout(async () => {
      try {
        await this.fetchVisible(view);
      } catch (error) {
        this.failed = true;
        this.loading.hidden = false;
        this.loading.textContent = t('web.viewer.loadFailed', { message: error.message });
        this.loading.classList.add('error');
        return;
      }
      if (view === this.state.view) this.refresh();
      this.requestDetail();
    }, 120);
  }

  /** The class of every pixel, from the server's class map (tiled) or computed here (whole files). */
  async ensureClasses() {
    if (this.classes) return this.classes;
    if (this.tiled) {
      const image = await this.options.decode(await this.options.classMap());
      if (image.width !== this.width || image.height !== this.height || image.channels !== 1) {
        throw new Error(t('web.viewer.sizeMismatch', { file: 'classes.png', width: image.width, height: image.height }));
      }
      this.classes = Uint8Array.from(image.samples);
    } else {
      await this.ensure('high');
      await this.ensure('low');
    }
    return this.classes;
  }

  /** The sample of the high and low channel at an image pixel (undefined until loaded). */
  sampleAt(x, y) {
    const i = y * this.width + x;
    return { high: this.data.high?.[i], low: this.data.low?.[i] };
  }

  // ---- state changes ------------------------------------------------------------------------

  set(changes) {
    Object.assign(this.state, changes);
    if (this.state.width < 1) this.state.width = 1;
    this.state.level = Math.min(65535, Math.max(0, this.state.level));
    this.state.gamma = Math.min(3, Math.max(0.3, Math.round(this.state.gamma * 10) / 10));
    this.syncControls();
    this.refresh();
  }

  async setView(view) {
    if (!this.hasView(view)) return;
    this.loading.hidden = false;
    try {
      await this.ensure(view);
      if (view !== 'colour' && !this.data[view]) return;
    } finally {
      this.loading.hidden = true;
    }
    this.set({ view });
    this.updateProbe();
  }

  /** The material filter; the low channel is fetched the first time it is needed. */
  async setFilter(filter) {
    if (filter !== 'all' && !this.classes) {
      if (!this.options.calibration?.isDualEnergy || !this.hasView('low')) return;
      this.loading.hidden = false;
      try {
        await this.ensureClasses();
      } finally {
        this.loading.hidden = true;
      }
    }
    this.set({ filter });
  }

  setTool(tool) {
    this.state.tool = tool;
    this.syncControls();
  }

  /**
   * Window from the 0.5 % and 99.5 % points of the current grey channel's histogram, leaving out the open
   * beam around the container (the top 1 % of the range), which would otherwise set the white point.
   */
  autoWindow(redraw = true) {
    const samples = this.data[this.state.view === 'low' ? 'low' : 'high'];
    if (!samples) return;
    const histogram = new Uint32Array(256);
    let counted = 0;
    for (let i = 0; i < samples.length; i++) {
      if (samples[i] < 64880) {
        histogram[samples[i] >> 8]++;
        counted++;
      }
    }
    if (counted === 0) return;
    const cut = counted * 0.005;
    let lo = 0;
    let hi = 255;
    for (let sum = 0; lo < 255 && sum + histogram[lo] < cut; lo++) sum += histogram[lo];
    for (let sum = 0; hi > 0 && sum + histogram[hi] < cut; hi--) sum += histogram[hi];
    const low = lo << 8;
    const high = (hi + 1) << 8;
    this.state.level = Math.round((low + high) / 2);
    this.state.width = Math.max(256, high - low);
    this.syncControls();
    if (redraw) this.refresh();
  }

  // ---- rendering ----------------------------------------------------------------------------

  lookupTable() {
    const s = this.state;
    const key = `${s.level}|${s.width}|${s.gamma}|${s.invert}`;
    if (this.lutKey === key) return this.lut;
    const lut = new Uint8Array(65536);
    for (let v = 0; v < 65536; v++) lut[v] = greyOfSample(v, s);
    this.lut = lut;
    this.lutKey = key;
    return lut;
  }

  /** Renders the full-resolution image into the offscreen canvas, then draws. */
  refresh() {
    const s = this.state;
    const count = this.width * this.height;
    if (!this.image) {
      this.image = new OffscreenCanvas(this.width, this.height);
      this.imageData = new ImageData(this.width, this.height);
    }
    const out = this.imageData.data;
    const background = s.view === 'colour' ? (s.invert ? 0 : 255) : this.lookupTable()[65535];
    const keep = this.keepClass();
    if (s.view === 'colour') {
      const colour = this.data.colour;
      if (!colour) return;
      const curve = new Uint8Array(256);
      for (let v = 0; v < 256; v++) {
        const g = Math.round(255 * Math.pow(v / 255, 1 / s.gamma));
        curve[v] = s.invert ? 255 - g : g;
      }
      for (let i = 0, j = 0; i < count; i++, j += 4) {
        if (keep && !keep[this.classes[i]]) {
          out[j] = out[j + 1] = out[j + 2] = background;
        } else {
          out[j] = curve[colour[j]];
          out[j + 1] = curve[colour[j + 1]];
          out[j + 2] = curve[colour[j + 2]];
        }
        out[j + 3] = 255;
      }
    } else {
      const samples = this.data[s.view];
      if (!samples) return;
      const lut = this.lookupTable();
      for (let i = 0, j = 0; i < count; i++, j += 4) {
        const g = keep && !keep[this.classes[i]] ? background : lut[samples[i]];
        out[j] = out[j + 1] = out[j + 2] = g;
        out[j + 3] = 255;
      }
    }
    if (s.edges) this.enhanceEdges(out);
    this.image.getContext('2d').putImageData(this.imageData, 0, 0);
    this.draw();
  }

  /** Classes kept by the material filter (indexed by class code), or null to keep all. */
  keepClass() {
    const f = this.state.filter;
    if (f === 'all' || !this.classes) return null;
    const keep = new Uint8Array(8);
    if (f === 'organic') keep[MATERIAL.organic] = 1;
    if (f === 'inorganic') {
      keep[MATERIAL.mixed] = 1;
      keep[MATERIAL.inorganic] = 1;
    }
    if (f === 'metal') {
      keep[MATERIAL.inorganic] = 1;
      keep[MATERIAL.heavyMetal] = 1;
      keep[MATERIAL.saturated] = 1;
    }
    return keep;
  }

  /** Sharpens edges: out = in + 1.5 · (in − mean of the 3×3 neighbourhood), per channel. */
  enhanceEdges(rgba) {
    const w = this.width;
    const h = this.height;
    const source = new Uint8ClampedArray(rgba);
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = (y * w + x) * 4;
        for (let c = 0; c < 3; c++) {
          const k = i + c;
          const r = w * 4;
          const sum =
            source[k - r - 4] + source[k - r] + source[k - r + 4] + source[k - 4] + source[k] + source[k + 4] +
            source[k + r - 4] + source[k + r] + source[k + r + 4];
          const v = source[k] + 1.5 * (source[k] - sum / 9);
          rgba[k] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }

  resizeCanvas() {
    const box = this.stage.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(100, Math.floor(box.width));
    const h = Math.max(100, Math.floor(box.height));
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    this.viewWidth = w;
    this.viewHeight = h;
  }

  /** Zoom to show the whole scan, centred. */
  fit() {
    this.resizeCanvas();
    this.fitTransform();
    this.refresh();
  }

  fitTransform() {
    this.zoom = Math.min(this.viewWidth / this.width, this.viewHeight / this.height);
    this.offsetX = (this.viewWidth - this.width * this.zoom) / 2;
    this.offsetY = (this.viewHeight - this.height * this.zoom) / 2;
  }

  zoomAt(factor, cx = this.viewWidth / 2, cy = this.viewHeight / 2) {
    const zoom = Math.min(32, Math.max(0.05, this.zoom * factor));
    const ix = (cx - this.offsetX) / this.zoom;
    const iy = (cy - this.offsetY) / this.zoom;
    this.zoom = zoom;
    this.offsetX = cx - ix * zoom;
    this.offsetY = cy - iy * zoom;
    this.draw();
  }

  panBy(dx, dy) {
    this.offsetX += dx;
    this.offsetY += dy;
    this.draw();
  }

  screenToImage(cx, cy) {
    return { x: (cx - this.offsetX) / this.zoom, y: (cy - this.offsetY) / this.zoom };
  }

  imageToScreen(x, y) {
    return { x: x * this.zoom + this.offsetX, y: y * this.zoom + this.offsetY };
  }

  draw() {
    if (!this.image) return;
    this.resizeCanvas();
    const dpr = window.devicePixelRatio || 1;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#111418';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.imageSmoothingEnabled = this.zoom < 1;
    ctx.drawImage(this.image, this.offsetX, this.offsetY, this.width * this.zoom, this.height * this.zoom);
    // The transform, for tests and assistive tools: screen = image · zoom + offset (CSS pixels).
    this.canvas.dataset.zoom = String(this.zoom);
    this.canvas.dataset.offsetX = String(this.offsetX);
    this.canvas.dataset.offsetY = String(this.offsetY);
    this.zoomOut.textContent = t('web.viewer.zoomLevel', { percent: number(this.zoom * 100) });
    this.drawOverlays(ctx);
    this.requestDetail();
  }

  /** A rectangle in `colour` over a dark halo, so that it shows on the white open beam and on dark steel alike. */
  outlinedRect(ctx, x, y, width, height, colour, dash = []) {
    ctx.save();
    ctx.setLineDash(dash);
    ctx.lineWidth = 4;
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.75)';
    ctx.strokeRect(x, y, width, height);
    ctx.lineWidth = 2;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, width, height);
    ctx.restore();
  }

  drawOverlays(ctx) {
    ctx.lineWidth = 2;
    ctx.font = '600 12px system-ui, sans-serif';
    for (const region of this.regions) {
      const a = this.imageToScreen(region.x, region.y);
      this.outlinedRect(ctx, a.x, a.y, region.width * this.zoom, region.height * this.zoom, '#ff3b3b', [6, 4]);
      if (region.label) this.label(ctx, region.label, a.x, a.y - 4, '#ff3b3b');
    }
    this.marks.forEach((mark, index) => {
      const a = this.imageToScreen(mark.x, mark.y);
      // The selected mark in magenta: white vanished over the open beam.
      const colour = index === this.selected ? '#ff4fd8' : '#ffd23f';
      this.outlinedRect(ctx, a.x, a.y, mark.width * this.zoom, mark.height * this.zoom, colour);
      this.label(ctx, String(index + 1), a.x + 2, a.y + 14, colour);
    });
    if (this.drag?.kind === 'mark') {
      const box = this.dragBox();
      const a = this.imageToScreen(box.x, box.y);
      this.outlinedRect(ctx, a.x, a.y, box.width * this.zoom, box.height * this.zoom, '#ffd23f', [4, 3]);
    }
    if (this.ruler) {
      const a = this.imageToScreen(this.ruler.x0, this.ruler.y0);
      const b = this.imageToScreen(this.ruler.x1, this.ruler.y1);
      ctx.strokeStyle = '#3bd5ff';
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.stroke();
      for (const p of [a, b]) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, 3, 0, Math.PI * 2);
        ctx.stroke();
      }
      this.label(ctx, this.rulerText(), (a.x + b.x) / 2 + 6, (a.y + b.y) / 2 - 6, '#3bd5ff');
    }
  }

  label(ctx, text, x, y, colour) {
    const width = ctx.measureText(text).width;
    ctx.fillStyle = 'rgba(0,0,0,0.7)';
    ctx.fillRect(x - 2, y - 12, width + 4, 15);
    ctx.fillStyle = colour;
    ctx.fillText(text, x, y);
  }

  rulerLengthMM() {
    if (!this.ruler) return 0;
    return Math.hypot(this.ruler.x1 - this.ruler.x0, this.ruler.y1 - this.ruler.y0) * this.pitch;
  }

  rulerText() {
    return t('web.viewer.rulerLength', { mm: number(this.rulerLengthMM()) });
  }

  // ---- marks --------------------------------------------------------------------------------

  dragBox() {
    const d = this.drag;
    const clampX = (v) => Math.min(this.width, Math.max(0, v));
    const clampY = (v) => Math.min(this.height, Math.max(0, v));
    const x0 = Math.round(clampX(Math.min(d.x0, d.x1)));
    const y0 = Math.round(clampY(Math.min(d.y0, d.y1)));
    const x1 = Math.round(clampX(Math.max(d.x0, d.x1)));
    const y1 = Math.round(clampY(Math.max(d.y0, d.y1)));
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }

  markChanged() {
    this.renderMarkList();
    this.draw();
    this.options.onMarks?.(this.marks.map((m) => ({ ...m })));
  }

  /** Marks the part of the scan in view (zoom and pan onto a region, then Enter: marking without a mouse). */
  markView() {
    if (this.options.readOnly) return;
    const a = this.screenToImage(0, 0);
    const b = this.screenToImage(this.viewWidth, this.viewHeight);
    const x0 = Math.max(0, Math.round(a.x));
    const y0 = Math.max(0, Math.round(a.y));
    const x1 = Math.min(this.width, Math.round(b.x));
    const y1 = Math.min(this.height, Math.round(b.y));
    if (x1 - x0 < 2 || y1 - y0 < 2) return;
    this.marks.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    this.selected = this.marks.length - 1;
    this.markChanged();
  }

  removeMark(index) {
    this.marks.splice(index, 1);
    this.selected = -1;
    this.markChanged();
  }

  renderMarkList() {
    if (!this.markList) return;
    if (this.marks.length === 0) {
      this.markList.replaceChildren(element('li', { class: 'empty', text: t('web.viewer.noMarks') }));
      return;
    }
    this.markList.replaceChildren(
      ...this.marks.map((m, i) =>
        element(
          'li',
          { class: i === this.selected ? 'selected' : '' },
          element('span', {
            text: t('web.viewer.markItem', {
              n: i + 1,
              x: m.x,
              y: m.y,
              widthMM: number(m.width * this.pitch),
              heightMM: number(m.height * this.pitch),
            }),
          }),
          element('button', {
            type: 'button',
            class: 'small danger',
            'aria-label': t('web.viewer.removeMark', { n: i + 1 }),
            text: '✕',
            onclick: () => this.removeMark(i),
          }),
        ),
      ),
    );
  }

  // ---- probe --------------------------------------------------------------------------------

  updateProbe(cx = this.lastX, cy = this.lastY) {
    if (cx === undefined) return;
    const p = this.screenToImage(cx, cy);
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    const inside = x >= 0 && y >= 0 && x < this.width && y < this.height;
    const probe = this.probe;
    if (!inside || !this.data.high) {
      probe.textContent = t('web.viewer.probeIdle');
      delete probe.dataset.x;
      return;
    }
    if (this.isExact(x, y)) {
      const { high, low } = this.sampleAt(x, y);
      this.showProbe(x, y, high, low);
      return;
    }
    // Not here at full resolution: the server's exact samples, a moment after the pointer rests.
    delete probe.dataset.x;
    probe.textContent = t('web.viewer.probeAt', { x, y }) + ' · …';
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(async () => {
      const key = `${x},${y}`;
      if (!this.serverSamples.has(key)) {
        const read = (file) => (this.files.has(file) ? this.options.probe(file, x, y).then((a) => a.value) : undefined);
        const request = Promise.all([read('scan-high.png'), read('scan-low.png')]);
        request.catch(() => this.serverSamples.delete(key));
        this.serverSamples.set(key, request);
      }
      try {
        const [high, low] = await this.serverSamples.get(key);
        const now = this.lastX === undefined ? null : this.screenToImage(this.lastX, this.lastY);
        if (now && Math.floor(now.x) === x && Math.floor(now.y) === y) this.showProbe(x, y, high, low);
      } catch {
        probe.textContent = t('web.viewer.probeIdle');
      }
    }, 80);
  }

  /** The read-out of exact samples at a pixel; the class from the class map, or from the samples by the same rule. */
  showProbe(x, y, high, low) {
    const probe = this.probe;
    const file = this.state.view === 'low' ? 'scan-low.png' : 'scan-high.png';
    const value = file === 'scan-low.png' ? low : high;
    const transmission = transmissionOfSample(value);
    probe.dataset.x = String(x);
    probe.dataset.y = String(y);
    probe.dataset.file = file;
    probe.dataset.value = String(value);
    probe.dataset.transmission = String(transmission);
    const parts = [
      t('web.viewer.probeAt', { x, y }),
      t('web.viewer.probeValue', { channel: t(`web.viewer.view.${file === 'scan-low.png' ? 'low' : 'high'}`), value }),
      t('web.viewer.probeTransmission', { percent: number(transmission * 100, 2) }),
    ];
    if (high !== undefined && low !== undefined && high < 65535 && low < 65535) {
      const ratio = (65535 - low) / (65535 - high);
      parts.push(t('web.viewer.probeRatio', { ratio: number(ratio, 2) }));
    }
    // The class by the local-ratio rule (materials.js): from the class map, or from the exact samples here when the
    // whole window around the pixel is at full resolution, else the class map is fetched and the read-out redone.
    let materialClass;
    const r = (WINDOW_SIZE - 1) / 2;
    if (this.classes) materialClass = this.classes[y * this.width + x];
    else if (this.tiled && this.options.calibration && high !== undefined && low !== undefined) {
      const x0 = Math.max(0, x - r), y0 = Math.max(0, y - r);
      const x1 = Math.min(this.width - 1, x + r), y1 = Math.min(this.height - 1, y + r);
      if (this.isExact(x0, y0) && this.isExact(x1, y0) && this.isExact(x0, y1) && this.isExact(x1, y1)) {
        materialClass = classifyAt(this.data.high, this.data.low, this.width, this.height, x, y, this.options.calibration);
      } else if (this.options.calibration.isDualEnergy && this.hasView('low')) {
        this.ensureClasses().then(
          () => {
            if (probe.dataset.x === String(x) && probe.dataset.y === String(y)) this.showProbe(x, y, high, low);
          },
          () => {},
        );
      }
    }
    if (materialClass !== undefined) {
      probe.dataset.material = MATERIAL_NAMES[materialClass];
      parts.push(t(`web.material.${MATERIAL_NAMES[materialClass]}`));
    } else {
      delete probe.dataset.material;
    }
    probe.textContent = parts.join(' · ');
  }

  // ---- events -------------------------------------------------------------------------------

  attachEvents() {
    const c = this.canvas;
    const local = (e) => {
      const box = c.getBoundingClientRect();
      return { x: e.clientX - box.left, y: e.clientY - box.top };
    };
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const p = local(e);
      this.zoomAt(e.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => {
      c.focus();
      const p = local(e);
      const img = this.screenToImage(p.x, p.y);
      c.setPointerCapture(e.pointerId);
      const tool = e.button === 1 || e.button === 2 || e.shiftKey ? 'pan' : this.state.tool;
      if (tool === 'mark') {
        const hit = this.marks.findIndex((m) => img.x >= m.x && img.x <= m.x + m.width && img.y >= m.y && img.y <= m.y + m.height);
        this.drag = { kind: 'mark', x0: img.x, y0: img.y, x1: img.x, y1: img.y, hit };
      } else if (tool === 'ruler') {
        this.ruler = { x0: img.x, y0: img.y, x1: img.x, y1: img.y };
        this.drag = { kind: 'ruler' };
      } else {
        this.drag = { kind: 'pan', sx: p.x, sy: p.y };
      }
    });
    c.addEventListener('pointermove', (e) => {
      const p = local(e);
      this.lastX = p.x;
      this.lastY = p.y;
      this.updateProbe(p.x, p.y);
      if (!this.drag) return;
      const img = this.screenToImage(p.x, p.y);
      if (this.drag.kind === 'pan') {
        this.panBy(p.x - this.drag.sx, p.y - this.drag.sy);
        this.drag.sx = p.x;
        this.drag.sy = p.y;
      } else if (this.drag.kind === 'ruler') {
        this.ruler.x1 = img.x;
        this.ruler.y1 = img.y;
        this.rulerOut.textContent = this.rulerText();
        this.rulerOut.dataset.mm = String(this.rulerLengthMM());
        this.draw();
      } else {
        this.drag.x1 = img.x;
        this.drag.y1 = img.y;
        this.draw();
      }
    });
    const finish = () => {
      const d = this.drag;
      const box = d?.kind === 'mark' ? this.dragBox() : null;
      this.drag = null;
      if (d?.kind === 'mark') {
        if (box.width >= 2 && box.height >= 2) {
          this.marks.push(box);
          this.selected = this.marks.length - 1;
          this.markChanged();
        } else {
          this.selected = d.hit;
          this.renderMarkList();
          this.draw();
        }
      }
    };
    c.addEventListener('pointerup', finish);
    c.addEventListener('pointercancel', finish);
    c.addEventListener('contextmenu', (e) => e.preventDefault());
    c.addEventListener('pointerleave', () => {
      this.lastX = undefined;
      this.probe.textContent = t('web.viewer.probeIdle');
    });
    this.onKey = (e) => this.key(e);
    this.root.addEventListener('keydown', this.onKey);
    this.help.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.toggleHelp(false);
    });
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(this.stage);
  }

  /** Keyboard shortcuts, while focus is in the viewer but not in a text field. */
  key(e) {
    if (e.target.matches('input[type=number], input[type=text], select') || e.ctrlKey || e.metaKey || e.altKey) return;
    const s = this.state;
    const step = 40;
    const actions = {
      '+': () => this.zoomAt(1.25),
      '=': () => this.zoomAt(1.25),
      '-': () => this.zoomAt(0.8),
      0: () => this.fit(),
      1: () => this.setView('high'),
      2: () => this.setView('low'),
      3: () => this.setView('colour'),
      ArrowLeft: () => this.panBy(step, 0),
      ArrowRight: () => this.panBy(-step, 0),
      ArrowUp: () => this.panBy(0, step),
      ArrowDown: () => this.panBy(0, -step),
      '[': () => this.set({ width: s.width / 1.25 }),
      ']': () => this.set({ width: s.width * 1.25 }),
      ',': () => this.set({ level: s.level - s.width / 20 }),
      '.': () => this.set({ level: s.level + s.width / 20 }),
      a: () => this.autoWindow(),
      g: () => this.set({ gamma: s.gamma - 0.1 }),
      G: () => this.set({ gamma: s.gamma + 0.1 }),
      i: () => this.set({ invert: !s.invert }),
      e: () => this.set({ edges: !s.edges }),
      o: () => this.setFilter(s.filter === 'organic' ? 'all' : 'organic'),
      n: () => this.setFilter(s.filter === 'inorganic' ? 'all' : 'inorganic'),
      m: () => this.setFilter(s.filter === 'metal' ? 'all' : 'metal'),
      x: () => this.setFilter('all'),
      h: () => this.setTool('pan'),
      r: () => this.setTool('ruler'),
      b: () => !this.options.readOnly && this.setTool('mark'),
      Enter: () => this.markView(),
      Delete: () => this.selected >= 0 && !this.options.readOnly && this.removeMark(this.selected),
      Backspace: () => this.selected >= 0 && !this.options.readOnly && this.removeMark(this.selected),
      '?': () => this.toggleHelp(),
      Escape: () => {
        this.drag = null;
        this.toggleHelp(false);
        this.draw();
      },
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  destroy() {
    this.resizeObserver?.disconnect();
  }
}
