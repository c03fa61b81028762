// Case authoring: the instructor's spec library and a form over every field of a spec (CaseSpec), checked
// live by the server with the rules and texts of `cargosim validate` (each problem next to its field), a
// preview of the case a seed makes of it (papers, scan, door, key), saving to the library and the YAML.
// Only the fields the author sets are sent: an empty field is absent, and the generator draws it.
// Routes: #/console/authoring, /authoring/new, /authoring/{sid}.

import { http, APIError } from '../api.js';
import { el, clear, table } from '../dom.js';
import { t, instant, localized, language } from '../i18n.js';
import { pageHead } from './shell.js';
import { confirmDialog } from './dialogs.js';
import { field, placeProblems, noImplicitSubmit } from './forms.js';
import { renderCasePreview } from './casepreview.js';
import { words } from '../stages/common.js';

export async function render(body, parts, context) {
  if (parts[0] === 'new') return renderEditor(body, null, context);
  if (parts[0]) return renderEditor(body, parts[0], context);
  return renderLibrary(body, context);
}

const yamlURL = (id) => `/api/specs/${encodeURIComponent(id)}/spec.yaml`;

// ---- the library -----------------------------------------------------------------------------------

async function renderLibrary(body, context) {
  context.setTitle(t('web.console.nav.authoring'));
  const specs = await http.get('/api/specs');
  const rows = specs.map((s) => {
    const remove = el('button', { type: 'button', class: 'small danger', 'data-delete': s.id }, t('web.console.authoring.delete'));
    remove.addEventListener('click', async () => {
      if (!(await confirmDialog(t('web.console.authoring.deleteConfirm', { name: s.name }), { confirm: t('web.console.authoring.delete'), danger: true }))) return;
      try {
        await http.del(`/api/specs/${s.id}`);
        context.toast(t('web.console.authoring.deleted', { name: s.name }), 'info');
        await renderLibrary(body, context);
      } catch (error) {
        context.toast(context.describe(error));
      }
    });
    return el(
      'tr',
      { 'data-spec': s.name },
      el('td', {}, el('a', { href: `#/console/authoring/${s.id}`, class: 'strong' }, s.name)),
      el('td', {}, s.scenario ? t(`scenario.${s.scenario}`) : el('span', { class: 'muted' }, t('web.console.authoring.drawn'))),
      el('td', { class: 'mono' }, s.owner),
      el('td', { class: 'muted' }, instant(s.updatedAt)),
      el(
        'td',
        {},
        el(
          'div',
          { class: 'row-actions' },
          el('a', { class: 'button small', href: `#/console/authoring/${s.id}` }, t('web.console.authoring.open')),
          el('a', { class: 'button small', href: yamlURL(s.id), download: '', 'data-yaml': s.id }, t('web.console.authoring.downloadYAML')),
          remove,
        ),
      ),
    );
  });
  clear(body).append(
    pageHead(t('web.console.nav.authoring'), el('a', { class: 'button primary', href: '#/console/authoring/new', id: 'new-spec' }, t('web.console.authoring.new'))),
    el('p', { class: 'hint' }, t('web.console.authoring.intro')),
    specs.length
      ? el('div', { class: 'panel' }, table([t('web.console.authoring.name'), t('label.scenario'), t('web.console.authoring.owner'), t('web.console.authoring.updated'), t('web.console.people.actions')], rows, { id: 'spec-table' }))
      : el('p', { class: 'muted panel', id: 'no-spec' }, t('web.console.authoring.none')),
  );
}

// ---- the form ---------------------------------------------------------------------------------------

/** A <select> with an empty first option ("drawn by the generator") and the given [value, text] choices. */
function choice(id, choices, emptyText) {
  return el('select', { id }, el('option', { value: '' }, emptyText ?? t('web.console.authoring.drawnOption')), ...choices.map(([value, text]) => el('option', { value }, text)));
}

const YES_NO = () => [['true', t('label.yes')], ['false', t('label.no')]];

function countryName(code) {
  try {
    return new Intl.DisplayNames([language()], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}

/** Reads a form value: '' is absent; numbers and booleans as the YAML wants them. */
function value(input, kind = 'text') {
  const text = input.value.trim();
  if (text === '') return undefined;
  if (kind === 'int') return Number.isFinite(Number(text)) && /^-?\d+$/.test(text) ? Number(text) : text;
  if (kind === 'bool') return text === 'true';
  return text;
}

/** Drops undefined members, and objects and arrays left empty. */
function prune(object) {
  const out = {};
  for (const [k, v] of Object.entries(object)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

async function renderEditor(body, id, context) {
  const [options, saved] = await Promise.all([http.get('/api/spec-options'), id ? http.get(`/api/specs/${encodeURIComponent(id)}`) : null]);
  context.setTitle(saved ? saved.name : t('web.console.authoring.new'));
  const spec = saved?.spec || {};
  const commodityById = new Map(options.commodities.map((c) => [c.id, c]));
  const portByCode = new Map(options.ports.map((p) => [p.locode, p]));

  // datalists for the combo boxes: typed freely (the server names an unknown id), suggested from the catalogue
  const lists = el(
    'div',
    { hidden: true },
    el('datalist', { id: 'commodity-list' }, ...options.commodities.map((c) => el('option', { value: c.id }, `${c.hsCode} · ${localized(c.description)}`))),
    el('datalist', { id: 'port-list' }, ...options.ports.map((p) => el('option', { value: p.locode }, p.name))),
  );

  const inputs = {
    name: el('input', { id: 'spec-name', maxlength: 120, autocomplete: 'off', value: spec.name || '' }),
    scenario: choice('spec-scenario', options.scenarios.map((s) => [s.id, `${t(`scenario.${s.id}`)}${s.irregular === 'true' ? '' : ` (${t('web.console.courses.clean').toLowerCase()})`}`])),
    vantage: choice('spec-vantage', options.vantages.map((v) => [v, t(`vantage.${v}`)])),
    lastStage: choice('spec-lastStage', options.stages.map((s) => [s, t(`stage.${s}`)]), t('web.console.authoring.allStages')),
    containerType: choice('spec-containerType', options.containerTypes.map((c) => [c, c])),
    difficulty: choice('spec-difficulty', [1, 2, 3, 4, 5].map((n) => [String(n), String(n)])),
    origin: el('input', { id: 'spec-origin', list: 'port-list', class: 'mono code', autocomplete: 'off', spellcheck: 'false' }),
    discharge: el('input', { id: 'spec-discharge', list: 'port-list', class: 'mono code', autocomplete: 'off', spellcheck: 'false' }),
    kind: choice('spec-concealment-kind', options.concealmentKinds.map((k) => [k, t(`anomaly.${k}`)])),
    threat: choice('spec-concealment-threat', options.threats.map((k) => [k, t(`threat.${k}`)])),
    material: choice('spec-concealment-material', options.materials.map((m) => [m, words(m)])),
    massKG: el('input', { id: 'spec-concealment-mass', type: 'number', min: 1, step: 1 }),
    seal: choice('spec-seal', options.sealStories.map((s) => [s, t(`sealStory.${s}`)])),
    sealNumber: el('input', { id: 'spec-sealNumber', class: 'mono', maxlength: 15, autocomplete: 'off', spellcheck: 'false' }),
    redFlags: choice('spec-redFlags', [['true', t('web.console.authoring.redFlagsYes')], ['false', t('web.console.authoring.redFlagsNo')]]),
  };
  const set = (input, v) => (input.value = v === undefined || v === null ? '' : String(v));
  for (const k of ['scenario', 'vantage', 'lastStage', 'containerType', 'difficulty', 'seal', 'sealNumber']) set(inputs[k], spec[k]);
  set(inputs.redFlags, spec.redFlags);
  set(inputs.origin, spec.route?.origin);
  set(inputs.discharge, spec.route?.discharge);
  set(inputs.kind, spec.concealment?.kind);
  set(inputs.threat, spec.concealment?.threat);
  set(inputs.material, spec.concealment?.material);
  set(inputs.massKG, spec.concealment?.massKG);

  // goods lines
  const goodsLines = [];
  const goodsList = el('div', { class: 'lines', id: 'goods-lines' });
  const addGoods = el('button', { type: 'button', class: 'small', id: 'add-goods' }, `+ ${t('web.console.authoring.addGoods')}`);
  const redrawGoods = () => {
    goodsList.replaceChildren(
      ...(goodsLines.length
        ? goodsLines.map((line, i) => {
            line.commodity.id = `goods-${i}-commodity`;
            line.packages.id = `goods-${i}-packages`;
            line.remove.setAttribute('aria-label', t('web.console.authoring.removeGoods', { n: i + 1 }));
            return el(
              'div',
              { class: 'line', 'data-field': `goods[${i}]` },
              el('span', { class: 'line-n', 'aria-hidden': 'true' }, String(i + 1)),
              el('div', { class: 'field grow', 'data-field': `goods[${i}].commodity` }, el('label', { for: line.commodity.id }, t('web.console.authoring.commodity')), line.commodity, line.about),
              el('div', { class: 'field', 'data-field': `goods[${i}].packages` }, el('label', { for: line.packages.id }, t('label.packages')), line.packages),
              line.remove,
            );
          })
        : [el('p', { class: 'muted' }, t('web.console.authoring.noGoods'))]),
    );
  };
  const describeCommodity = (line) => {
    const c = commodityById.get(line.commodity.value.trim());
    line.about.textContent = c ? `HS ${c.hsCode} · ${localized(c.description)}` : '';
  };
  const newGoods = (g = {}) => {
    const line = {
      commodity: el('input', { list: 'commodity-list', autocomplete: 'off', spellcheck: 'false', class: 'mono', value: g.commodity || '' }),
      packages: el('input', { type: 'number', min: 1, step: 1, value: g.packages ?? '' }),
      about: el('p', { class: 'hint about' }),
      remove: el('button', { type: 'button', class: 'small danger remove' }, '✕'),
    };
    line.commodity.addEventListener('input', () => describeCommodity(line));
    line.remove.addEventListener('click', () => {
      goodsLines.splice(goodsLines.indexOf(line), 1);
      redrawGoods();
      changed();
    });
    describeCommodity(line);
    goodsLines.push(line);
  };
  for (const g of spec.goods || []) newGoods(g);
  addGoods.addEventListener('click', () => {
    newGoods();
    redrawGoods();
    goodsLines[goodsLines.length - 1].commodity.focus();
  });
  redrawGoods();

  // transhipment ports
  const vias = [];
  const viaList = el('div', { class: 'lines', id: 'via-lines' });
  const addVia = el('button', { type: 'button', class: 'small', id: 'add-via' }, `+ ${t('web.console.authoring.addVia')}`);
  const redrawVia = () => {
    viaList.replaceChildren(
      ...vias.map((via, i) => {
        via.input.id = `spec-via-${i}`;
        via.remove.setAttribute('aria-label', t('web.console.authoring.removeVia', { n: i + 1 }));
        return el('div', { class: 'line compact', 'data-field': `route.via[${i}]` }, el('label', { for: via.input.id }, t('web.console.authoring.via', { n: i + 1 })), via.input, via.about, via.remove);
      }),
    );
  };
  const describePort = (input, about) => {
    const p = portByCode.get(input.value.trim().toUpperCase());
    about.textContent = p ? p.name : '';
  };
  const newVia = (code = '') => {
    const via = { input: el('input', { list: 'port-list', class: 'mono code', autocomplete: 'off', spellcheck: 'false', value: code }), about: el('span', { class: 'hint about' }), remove: el('button', { type: 'button', class: 'small danger remove' }, '✕') };
    via.input.addEventListener('input', () => describePort(via.input, via.about));
    via.remove.addEventListener('click', () => {
      vias.splice(vias.indexOf(via), 1);
      redrawVia();
      changed();
    });
    describePort(via.input, via.about);
    vias.push(via);
  };
  for (const code of spec.route?.via || []) newVia(code);
  addVia.addEventListener('click', () => {
    newVia();
    redrawVia();
    vias[vias.length - 1].input.focus();
  });
  redrawVia();
  const originAbout = el('span', { class: 'hint about' });
  const dischargeAbout = el('span', { class: 'hint about' });
  inputs.origin.addEventListener('input', () => describePort(inputs.origin, originAbout));
  inputs.discharge.addEventListener('input', () => describePort(inputs.discharge, dischargeAbout));
  describePort(inputs.origin, originAbout);
  describePort(inputs.discharge, dischargeAbout);

  // parties
  const party = (role) => {
    const p = spec[role] || {};
    const fields = {
      name: el('input', { id: `spec-${role}-name`, maxlength: 120, autocomplete: 'off', value: p.name || '' }),
      country: choice(`spec-${role}-country`, options.countries.map((c) => [c, `${c} · ${countryName(c)}`])),
      trustedTrader: choice(`spec-${role}-trustedTrader`, options.trustedTraderStatuses.map((s) => [s, t(`trustedTrader.${s}`)])),
      yearsTrading: el('input', { id: `spec-${role}-yearsTrading`, type: 'number', min: 0, max: 200, step: 1, value: p.yearsTrading ?? '' }),
      freightForwarder: choice(`spec-${role}-freightForwarder`, YES_NO()),
    };
    set(fields.country, p.country);
    set(fields.trustedTrader, p.trustedTrader);
    set(fields.freightForwarder, p.freightForwarder);
    const node = el(
      'fieldset',
      { 'data-field': role, class: 'party-fields' },
      el('legend', {}, t(`label.${role}`)),
      el(
        'div',
        { class: 'form-grid tight' },
        field(t('web.console.authoring.partyName'), fields.name, { path: `${role}.name` }),
        field(t('web.console.authoring.country'), fields.country, { path: `${role}.country` }),
        field(t('label.trustedTrader'), fields.trustedTrader, { path: `${role}.trustedTrader` }),
        field(t('label.yearsTrading'), fields.yearsTrading, { path: `${role}.yearsTrading` }),
        field(t('label.freightForwarder'), fields.freightForwarder, { path: `${role}.freightForwarder` }),
      ),
    );
    return { node, fields };
  };
  const shipper = party('shipper');
  const consignee = party('consignee');

  const indicatorBoxes = options.indicators.map((code) => ({ code, box: el('input', { type: 'checkbox', value: code, checked: (spec.indicators || []).includes(code), 'data-indicator': code }) }));

  // Empty goods lines and transhipment ports are not sent, so the server's indices count only the lines sent:
  // `sent` maps them back to the lines on screen.
  const sent = { goods: [], via: [] };
  /** The spec as the form has it: only what was set. */
  const collect = () => {
    const partyOf = (p) => prune({ name: value(p.fields.name), country: value(p.fields.country), trustedTrader: value(p.fields.trustedTrader), yearsTrading: value(p.fields.yearsTrading, 'int'), freightForwarder: value(p.fields.freightForwarder, 'bool') });
    const goods = [];
    sent.goods = [];
    goodsLines.forEach((line, i) => {
      const g = prune({ commodity: value(line.commodity), packages: value(line.packages, 'int') });
      if (!Object.keys(g).length) return;
      goods.push(g);
      sent.goods.push(i);
    });
    const via = [];
    sent.via = [];
    vias.forEach((v, i) => {
      const code = value(v.input)?.toUpperCase();
      if (!code) return;
      via.push(code);
      sent.via.push(i);
    });
    return prune({
      name: value(inputs.name),
      scenario: value(inputs.scenario),
      vantage: value(inputs.vantage),
      lastStage: value(inputs.lastStage),
      containerType: value(inputs.containerType),
      goods,
      route: prune({ origin: value(inputs.origin)?.toUpperCase(), via, discharge: value(inputs.discharge)?.toUpperCase() }),
      shipper: partyOf(shipper),
      consignee: partyOf(consignee),
      concealment: prune({ kind: value(inputs.kind), threat: value(inputs.threat), material: value(inputs.material), massKG: value(inputs.massKG, 'int') }),
      seal: value(inputs.seal),
      sealNumber: value(inputs.sealNumber)?.toUpperCase(),
      redFlags: value(inputs.redFlags, 'bool'),
      indicators: indicatorBoxes.filter((b) => b.box.checked).map((b) => b.code),
      difficulty: value(inputs.difficulty, 'int'),
    });
  };

  /** The server's field paths with the indices of the lines on screen. */
  const onScreen = (problems) =>
    problems.map((p) => {
      const field = p.field
        ?.replace(/^goods\[(\d+)\]/, (whole, n) => (sent.goods[n] === undefined ? whole : `goods[${sent.goods[n]}]`))
        .replace(/^route\.via\[(\d+)\]/, (whole, n) => (sent.via[n] === undefined ? whole : `route.via[${sent.via[n]}]`));
      return { ...p, field };
    });
  const general = el('div', { id: 'spec-errors', role: 'alert' });
  const checkStatus = el('p', { class: 'check-status', id: 'check-status', role: 'status' });
  const yaml = el('pre', { class: 'yaml', id: 'spec-yaml', tabindex: 0 });
  const seed = el('input', { id: 'preview-seed', class: 'mono', autocomplete: 'off', placeholder: 'preview', maxlength: 256 });
  const previewButton = el('button', { type: 'button', id: 'preview-button' }, t('web.console.authoring.preview'));
  const saveButton = el('button', { type: 'submit', class: 'primary', id: 'save-spec' }, t(saved ? 'web.console.authoring.save' : 'web.console.authoring.saveNew'));
  const download = saved ? el('a', { class: 'button', href: yamlURL(saved.id), download: '', id: 'download-yaml' }, t('web.console.authoring.downloadYAML')) : null;
  const dirtyNote = el('span', { class: 'hint', id: 'dirty-note', 'aria-live': 'polite' });
  const previewHost = el('section', { id: 'spec-preview', 'aria-live': 'polite' });

  const form = el(
    'form',
    { id: 'spec-form', novalidate: true, class: 'spec-form' },
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('web.console.authoring.story')),
      el(
        'div',
        { class: 'form-grid' },
        field(t('web.console.authoring.name'), inputs.name, { path: 'name', hint: t('web.console.authoring.nameHint'), wide: true }),
        field(t('label.scenario'), inputs.scenario, { path: 'scenario' }),
        field(t('label.vantage'), inputs.vantage, { path: 'vantage' }),
        field(t('web.console.authoring.lastStage'), inputs.lastStage, { path: 'lastStage', hint: t('web.console.authoring.lastStageHint') }),
        field(t('label.containerType'), inputs.containerType, { path: 'containerType' }),
        field(t('label.difficulty'), inputs.difficulty, { path: 'difficulty', hint: t('web.console.authoring.difficultyHint') }),
        field(t('web.console.authoring.redFlags'), inputs.redFlags, { path: 'redFlags' }),
      ),
    ),
    el('section', { class: 'panel', 'data-field': 'goods' }, el('div', { class: 'section-head' }, el('h2', {}, t('label.goods')), addGoods), el('p', { class: 'hint' }, t('web.console.authoring.goodsHint')), goodsList),
    el(
      'section',
      { class: 'panel', 'data-field': 'route' },
      el('h2', {}, t('web.targeting.route')),
      el(
        'div',
        { class: 'form-grid' },
        el('div', { class: 'field', 'data-field': 'route.origin' }, el('label', { for: 'spec-origin' }, t('web.console.authoring.origin')), inputs.origin, originAbout),
        el('div', { class: 'field', 'data-field': 'route.discharge' }, el('label', { for: 'spec-discharge' }, t('label.portOfDischarge')), inputs.discharge, dischargeAbout),
        el('div', { class: 'field wide', 'data-field': 'route.via' }, el('div', { class: 'section-head' }, el('span', { class: 'label' }, t('web.console.authoring.vias')), addVia), viaList),
      ),
      el('p', { class: 'hint' }, t('web.console.authoring.routeHint')),
    ),
    el('section', { class: 'panel' }, el('h2', {}, t('web.targeting.parties')), el('div', { class: 'two-col' }, shipper.node, consignee.node)),
    el(
      'section',
      { class: 'panel', 'data-field': 'concealment' },
      el('h2', {}, t('web.console.authoring.concealment')),
      el(
        'div',
        { class: 'form-grid' },
        field(t('web.console.preview.method'), inputs.kind, { path: 'concealment.kind' }),
        field(t('label.threat'), inputs.threat, { path: 'concealment.threat' }),
        field(t('label.material'), inputs.material, { path: 'concealment.material' }),
        field(t('label.massKG'), inputs.massKG, { path: 'concealment.massKG' }),
      ),
    ),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('label.seals')),
      el(
        'div',
        { class: 'form-grid' },
        field(t('web.console.authoring.sealStory'), inputs.seal, { path: 'seal' }),
        field(t('web.console.authoring.sealNumber'), inputs.sealNumber, { path: 'sealNumber', hint: t('web.console.authoring.sealNumberHint') }),
      ),
    ),
    el(
      'fieldset',
      { class: 'panel', 'data-field': 'indicators', id: 'indicator-boxes' },
      el('legend', {}, t('web.console.authoring.indicators')),
      el('p', { class: 'hint' }, t('web.console.authoring.indicatorsHint')),
      el('div', { class: 'flag-list three' }, ...indicatorBoxes.map(({ code, box }) => el('label', { class: 'check', title: t(`indicator.${code}.help`) }, box, el('span', {}, t(`indicator.${code}`))))),
    ),
    general,
  );

  const side = el(
    'aside',
    { class: 'spec-side', 'aria-label': t('web.console.authoring.checkTitle') },
    el('h2', {}, t('web.console.authoring.checkTitle')),
    checkStatus,
    el('div', { class: 'side-actions' }, saveButton, download, dirtyNote),
    el('div', { class: 'field' }, el('label', { for: 'preview-seed' }, t('web.console.authoring.seed')), seed, el('p', { class: 'hint' }, t('web.console.authoring.seedHint'))),
    previewButton,
    el('details', { class: 'yaml-box' }, el('summary', {}, t('web.console.authoring.yaml')), yaml),
  );
  saveButton.setAttribute('form', 'spec-form');

  // live check: debounced; an answer that arrives after a newer request was sent is dropped
  let timer = null;
  let sequence = 0;
  const check = async () => {
    const mine = ++sequence;
    const spec = collect();
    checkStatus.className = 'check-status';
    if (!Object.keys(spec).length) {
      // nothing set yet: nothing to check (the reader would only say the file is empty)
      placeProblems(form, [], general);
      checkStatus.textContent = t('web.console.authoring.empty');
      yaml.textContent = '';
      return null;
    }
    checkStatus.textContent = t('web.console.authoring.checking');
    try {
      const answer = await http.post('/api/specs/check', { spec });
      if (mine !== sequence) return answer;
      yaml.textContent = answer.yaml || '';
      placeProblems(form, onScreen(answer.problems), general);
      checkStatus.className = `check-status ${answer.problems.length ? 'bad' : 'good'}`;
      checkStatus.textContent = answer.problems.length ? t('web.console.authoring.problems', { count: answer.problems.length }) : t('web.console.authoring.valid');
      return answer;
    } catch (error) {
      if (mine === sequence) checkStatus.textContent = context.describe(error);
      return null;
    }
  };
  const changed = () => {
    dirtyNote.textContent = saved ? t('web.console.authoring.unsaved') : '';
    clearTimeout(timer);
    timer = setTimeout(check, 450);
  };
  noImplicitSubmit(form);
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);

  previewButton.addEventListener('click', async () => {
    previewButton.disabled = true;
    previewHost.replaceChildren(el('p', { class: 'muted panel' }, t('web.console.authoring.previewing')));
    try {
      const payload = { spec: collect() };
      if (seed.value.trim()) payload.seed = seed.value.trim();
      const answer = await http.post('/api/specs/preview', payload);
      await showPreview(previewHost, answer);
      previewHost.scrollIntoView({ behavior: 'smooth', block: 'start' });
    } catch (error) {
      if (error instanceof APIError && error.problems.length) {
        placeProblems(form, onScreen(error.problems), general);
        previewHost.replaceChildren(el('p', { class: 'error-text panel' }, t('web.console.authoring.previewRefused')));
      } else {
        previewHost.replaceChildren(el('p', { class: 'error-text panel' }, error instanceof APIError && error.status < 500 ? error.message : context.describe(error)));
      }
    } finally {
      previewButton.disabled = false;
    }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const spec = collect();
    if (!spec.name) {
      placeProblems(form, [{ field: 'name', message: t('web.console.authoring.nameMissing') }], general);
      inputs.name.focus();
      return;
    }
    saveButton.disabled = true;
    try {
      const answer = saved ? await http.put(`/api/specs/${saved.id}`, { spec }) : await http.post('/api/specs', { spec });
      context.toast(t('web.console.authoring.savedToast', { name: answer.name }), 'info');
      if (saved) {
        dirtyNote.textContent = '';
        yaml.textContent = answer.yaml;
        saveButton.disabled = false;
      } else {
        location.hash = `#/console/authoring/${answer.id}`;
      }
    } catch (error) {
      saveButton.disabled = false;
      if (error instanceof APIError && error.status < 500) {
        placeProblems(form, onScreen(error.problems.length ? error.problems : [{ field: error.field, message: error.message }]), general);
        form.querySelector('[aria-invalid="true"]')?.focus();
      } else {
        general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
      }
    }
  });

  clear(body).append(
    el('p', {}, el('a', { href: '#/console/authoring' }, `← ${t('web.console.nav.authoring')}`)),
    pageHead(saved ? saved.name : t('web.console.authoring.new')),
    el('p', { class: 'hint' }, t('web.console.authoring.formIntro')),
    lists,
    el('div', { class: 'authoring' }, form, side),
    previewHost,
  );
  if (!saved) inputs.name.focus();
  await check();
}

function base64Bytes(dataURL) {
  const text = atob(dataURL.slice(dataURL.indexOf(',') + 1));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out.buffer;
}

let previewSerial = 0;

async function showPreview(host, answer) {
  const files = [];
  if (answer.scan) files.push('scan.png');
  const doorURL = answer.door ? URL.createObjectURL(new Blob([answer.door], { type: 'image/svg+xml' })) : null;
  if (doorURL) files.push('door.svg');
  const inner = el('div', {});
  host.replaceChildren(el('h2', { class: 'preview-title' }, t('web.console.authoring.previewTitle', { id: answer.case.id || answer.key.caseId })), inner);
  await renderCasePreview(inner, {
    inspectionCase: answer.case,
    key: answer.key,
    files,
    load: async () => base64Bytes(answer.scan),
    doorURL,
    cacheKey: `spec-preview-${++previewSerial}`,
  });
}
