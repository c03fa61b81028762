// A case as the trainee sees it, stage by stage (the trainee's own stage renderers and scan viewer), with the
// answer key beside each stage and on a tab of its own: expected decisions, anomalies with their boxes on the
// scan, indicators, discrepancies, seal findings, what the examination must cover, the custody order, and the
// rationale in the reader's language (the texts the trainee's feedback uses). Used by the course library and
// by case authoring's preview. The key can be hidden, to show a class the case as they will meet it.

import { el, table, facts } from '../dom.js';
import { t, localized, number } from '../i18n.js';
import { renderTargeting } from '../stages/targeting.js';
import { radiationPanel, mountViewer } from '../stages/screening.js';
import { renderEvidence } from '../stages/evidence.js';
import { observationText, sealPanel } from '../stages/examination.js';
import { panel, words } from '../stages/common.js';

/** Parameter names whose values are codes of an i18n family (Scoring's Feedback.parameterFamilies). */
const FAMILIES = {
  stage: 'stage', disposition: 'disposition', chosen: 'disposition', expected: 'disposition', indicator: 'indicator',
  finding: 'sealFinding', point: 'point', step: 'evidenceStep', before: 'evidenceStep', kind: 'anomaly', agency: 'agency',
  expectedAgency: 'agency', threat: 'threat', zone: 'zone',
};

/** A rationale item in the current language, as the trainee's feedback renders it. */
export function rationaleText(item) {
  const params = {};
  for (const [name, value] of Object.entries(item.parameters || {})) params[name] = FAMILIES[name] ? t(`${FAMILIES[name]}.${value}`) : value;
  if (item.parameters?.explanation) params.explanation = t(item.parameters.explanation);
  for (const [name, text] of Object.entries(item.localizedParameters || {})) params[name] = localized(text);
  return t(`rationale.${item.code}`, params);
}

let viewer = null;

/**
 * Renders the preview into `host`. options: inspectionCase, key, files (names available), load(name) →
 * ArrayBuffer, doorURL (or null), cacheKey (for the scan cache), tab (initial), onTab(tab).
 */
export async function renderCasePreview(host, options) {
  const c = options.inspectionCase;
  const key = options.key;
  const stages = c.stages || ['targeting'];
  const state = { tab: [...stages, 'key'].includes(options.tab) ? options.tab : stages[0], showKey: true };

  const toggle = el('input', { type: 'checkbox', id: 'key-toggle', checked: true });
  toggle.addEventListener('change', () => {
    state.showKey = toggle.checked;
    draw();
  });
  const stepper = el('ol', { class: 'stepper', 'aria-label': t('web.case.stages') });
  const work = el('div', { id: 'preview-body' });
  const port = c.inspectionPort ? `${c.inspectionPort.name} (${c.inspectionPort.locode})` : '';
  host.replaceChildren(
    el(
      'div',
      { class: 'preview-head' },
      el('span', { class: `badge ${key.irregular ? 'irregular' : 'clean'}`, id: 'preview-truth' }, t(key.irregular ? 'web.console.courses.irregular' : 'web.console.courses.clean')),
      el('strong', {}, t(`scenario.${key.scenario}`)),
      el('span', { class: 'muted' }, [t(`vantage.${c.vantage}`), port, c.inspectionDate, `${t('label.difficulty')} ${key.difficulty.level}`].filter(Boolean).join(' · ')),
      el('label', { class: 'check key-toggle' }, toggle, el('span', {}, t('web.console.preview.showKey'))),
    ),
    stepper,
    work,
  );

  function drawStepper() {
    const items = stages.map((stage, i) =>
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', class: 'decided', 'data-tab': stage, 'aria-current': state.tab === stage ? 'page' : null, onclick: () => go(stage) },
          el('span', { class: 'n', 'aria-hidden': 'true' }, String(i + 1)),
          el('span', {}, t(`stage.${stage}`), state.showKey && key.expectations?.[stage] ? el('span', { class: 'state' }, `${t('web.console.preview.expected')}: ${t(`disposition.${key.expectations[stage].best}`)}`) : null),
        ),
      ),
    );
    if (state.showKey) {
      items.push(
        el(
          'li',
          {},
          el(
            'button',
            { type: 'button', class: 'current', 'data-tab': 'key', 'aria-current': state.tab === 'key' ? 'page' : null, onclick: () => go('key') },
            el('span', { class: 'n', 'aria-hidden': 'true' }, '★'),
            el('span', {}, t('web.console.preview.keyTab'), el('span', { class: 'state' }, t('web.console.preview.keyTabHint'))),
          ),
        ),
      );
    }
    stepper.replaceChildren(...items);
  }

  function go(tab) {
    state.tab = tab;
    options.onTab?.(tab);
    draw();
  }

  async function draw() {
    viewer?.destroy();
    viewer = null;
    if (!state.showKey && state.tab === 'key') state.tab = stages[0];
    drawStepper();
    if (state.tab === 'key') {
      work.replaceChildren(renderKey(key, c));
      return;
    }
    const main = el('div', { class: 'work' });
    const layout = state.showKey ? el('div', { class: `desk ${state.tab === 'screening' ? 'wide' : ''}` }, main, stageKey(state.tab, key, c)) : main;
    work.replaceChildren(layout);
    await renderStage(state.tab, main);
  }

  async function renderStage(stage, main) {
    const context = { view: { case: c }, readOnly: true };
    if (stage === 'targeting') {
      renderTargeting(main, context);
    } else if (stage === 'screening') {
      const screening = c.screening;
      if (!screening) return;
      main.append(radiationPanel(screening.radiation));
      const scans = (screening.scans || []).filter((s) => options.files.includes(s.file));
      if (!scans.length) {
        main.append(panel(t('label.scans'), el('p', { class: 'muted' }, t('web.screening.noScan'))));
        return;
      }
      const viewerHost = el('section', { id: 'viewer', 'aria-label': t('web.viewer.title') });
      main.append(viewerHost);
      if (state.showKey) main.append(el('p', { class: 'hint' }, t('web.console.preview.regionsHint')));
      const scanContext = { aid: options.cacheKey, cid: '', view: { case: { screening: { ...screening, scans } } }, api: { scan: (a, b, name) => options.load(name) } };
      try {
        viewer = await mountViewer(viewerHost, scanContext, { readOnly: true, regions: state.showKey ? keyRegions(key) : [] });
      } catch {
        // the viewer shows its own error in place
      }
    } else if (stage === 'examination') {
      renderExamination(main, c, options.doorURL);
    } else if (stage === 'evidence') {
      renderEvidence(main, context);
    }
  }

  await draw();
}

/** The key's anomaly boxes on scan.png (the three images share one geometry), labelled by method. */
function keyRegions(key) {
  const scan = (key.scans || []).find((s) => s.file === 'scan.png') || key.scans?.[0];
  if (!scan) return [];
  return scan.anomalies.map((a) => {
    const anomaly = key.anomalies.find((x) => x.id === a.anomalyId);
    return { ...a.box, label: `${a.anomalyId} · ${anomaly ? t(`anomaly.${anomaly.kind}`) : ''}` };
  });
}

/** Every point's observations (the instructor sees them all), the seal as found, and the door drawing. */
function renderExamination(main, c, doorURL) {
  const exam = c.examination;
  if (!exam) return;
  const byPoint = new Map();
  for (const o of exam.observations || []) {
    if (!byPoint.has(o.point)) byPoint.set(o.point, []);
    byPoint.get(o.point).push(o);
  }
  const observations = panel(
    t('label.observations'),
    el('p', { class: 'hint' }, t('web.console.preview.allPoints')),
    el(
      'ul',
      { class: 'observations', id: 'preview-observations' },
      ...[...byPoint].map(([point, list]) => el('li', { 'data-point': point }, el('span', { class: 'point' }, `${t(`point.${point}`)}: `), list.map(observationText).join(' '))),
    ),
  );
  const door = doorURL
    ? panel(
        t('web.examination.doorTitle'),
        el('figure', { class: 'door', style: 'margin:0' }, el('img', { src: doorURL, alt: t('web.examination.doorAlt'), id: 'door-image' }), el('figcaption', { class: 'hint' }, t('web.examination.doorCaption'))),
      )
    : null;
  main.append(el('div', { class: 'two-col' }, el('div', {}, observations, exam.seal ? sealPanel(exam.seal) : null), el('div', {}, door)));
}

function expectation(e) {
  if (!e) return el('p', { class: 'muted' }, '—');
  const others = (e.acceptable || []).filter((d) => d !== e.best);
  return facts([
    [t('label.best'), el('strong', { class: 'expected' }, t(`disposition.${e.best}`))],
    [t('label.acceptable'), others.length ? others.map((d) => t(`disposition.${d}`)).join(', ') : null],
    [t('web.decision.agency'), e.agency ? t(`agency.${e.agency}`) : null],
  ]);
}

function indicatorList(key) {
  if (!key.indicators?.length) return el('p', { class: 'muted' }, t('label.none'));
  return el(
    'ul',
    { class: 'key-list', id: 'key-indicators' },
    ...key.indicators.map((i) =>
      el(
        'li',
        { 'data-indicator': i.code },
        el('strong', {}, t(`indicator.${i.code}`)),
        i.harmless ? el('span', { class: 'badge clean' }, t('label.harmless')) : null,
        Object.keys(i.evidence || {}).length ? el('div', { class: 'muted small' }, Object.entries(i.evidence).map(([k, v]) => `${k}: ${v}`).join(' · ')) : null,
      ),
    ),
  );
}

function anomalyRows(key) {
  const scan = (key.scans || []).find((s) => s.file === 'scan.png') || key.scans?.[0];
  return key.anomalies.map((a) => {
    const pixels = scan?.anomalies.find((p) => p.anomalyId === a.id);
    return [
      el('span', { class: 'mono' }, a.id),
      t(`anomaly.${a.kind}`),
      t(`zone.${a.zone}`),
      t(`threat.${a.threat}`),
      words(a.material),
      el('span', { class: 'num' }, number(a.massKG)),
      pixels ? `${pixels.box.width}×${pixels.box.height} px @ ${pixels.box.x},${pixels.box.y}` : '—',
      pixels ? number(pixels.contrastToNoise, 1) : '—',
    ];
  });
}

function anomalyTable(key) {
  if (!key.anomalies?.length) return el('p', { class: 'muted' }, t('web.console.preview.noAnomaly'));
  return table(
    ['', t('web.console.preview.method'), t('label.zone'), t('label.threat'), t('label.material'), t('label.massKG'), t('web.console.preview.box'), t('web.console.courses.cnr')],
    anomalyRows(key),
    { id: 'key-anomalies', class: 'dense' },
  );
}

function observationList(observations, id) {
  if (!observations?.length) return el('p', { class: 'muted' }, t('label.none'));
  return el('ul', { class: 'key-list', id }, ...observations.map((o) => el('li', {}, el('strong', {}, `${t(`point.${o.point}`)}: `), observationText(o))));
}

/** The key's part for one stage, beside the trainee's view of it. */
function stageKey(stage, key) {
  const parts = [el('h2', {}, t('web.console.preview.keyFor', { stage: t(`stage.${stage}`) })), expectation(key.expectations?.[stage])];
  if (stage === 'targeting') {
    parts.push(el('h3', {}, t('label.indicators')), indicatorList(key));
    const documents = (key.discrepancies || []).filter((d) => d.observedIn.startsWith('targeting') || d.documentedIn.startsWith('targeting'));
    if (documents.length) parts.push(el('h3', {}, t('label.discrepancies')), discrepancyList(documents));
  } else if (stage === 'screening') {
    parts.push(el('h3', {}, t('label.anomalies')));
    parts.push(
      key.anomalies?.length
        ? el('ul', { class: 'key-list', id: 'key-screening-anomalies' }, ...key.anomalies.map((a) => el('li', {}, el('strong', {}, `${a.id} · ${t(`anomaly.${a.kind}`)}`), el('div', { class: 'muted small' }, `${t(`zone.${a.zone}`)} · ${t(`threat.${a.threat}`)} · ${number(a.massKG)} kg`))))
        : el('p', { class: 'muted' }, t('web.console.preview.noAnomaly')),
    );
  } else if (stage === 'examination') {
    parts.push(
      el('h3', {}, t('label.essentialPoints')),
      key.examination?.essentialPoints?.length ? el('p', {}, key.examination.essentialPoints.map((p) => t(`point.${p}`)).join(', ')) : el('p', { class: 'muted' }, t('label.none')),
      el('h3', {}, t('label.sealFindings')),
      el('p', {}, key.sealFindings?.length ? key.sealFindings.map((f) => t(`sealFinding.${f}`)).join(', ') : t('label.none')),
      el('h3', {}, t('label.significant')),
      observationList(key.examination?.significant, 'key-significant'),
    );
  } else if (stage === 'evidence') {
    parts.push(
      el('h3', {}, t('label.evidenceSteps')),
      key.evidenceSteps?.length ? el('ol', { class: 'key-list', id: 'key-steps' }, ...key.evidenceSteps.map((s) => el('li', {}, t(`evidenceStep.${s}`)))) : el('p', { class: 'muted' }, t('label.none')),
    );
  }
  parts.push(el('h3', {}, t('label.rationale')), rationaleList(key));
  return el('aside', { class: 'decision key-aside', 'aria-label': t('label.answerKey') }, ...parts);
}

function discrepancyList(list) {
  return el(
    'ul',
    { class: 'key-list' },
    ...list.map((d) => el('li', {}, el('strong', {}, t(`discrepancy.${d.code}`)), el('div', { class: 'small' }, `${d.documented} ↔ ${d.observed}`), el('div', { class: 'muted small mono' }, `${d.documentedIn} ↔ ${d.observedIn}`))),
  );
}

function rationaleList(key) {
  if (!key.rationale?.length) return el('p', { class: 'muted' }, t('label.none'));
  return el('ul', { class: 'key-list rationale', 'data-rationale': '' }, ...key.rationale.map((r) => el('li', { 'data-code': r.code }, rationaleText(r))));
}

/** The whole key on one page. */
function renderKey(key, c) {
  const expectations = (c.stages || Object.keys(key.expectations || {})).map((stage) => {
    const e = key.expectations?.[stage];
    return [t(`stage.${stage}`), e ? el('strong', {}, t(`disposition.${e.best}`)) : '—', e ? (e.acceptable || []).filter((d) => d !== e.best).map((d) => t(`disposition.${d}`)).join(', ') || '—' : '—', e?.agency ? t(`agency.${e.agency}`) : '—'];
  });
  const factors = (key.difficulty?.factors || []).map((f) => [
    t(`difficultyFactor.${f.code}`),
    el('span', { class: 'factor' }, el('span', { class: 'factor-bar', 'aria-hidden': 'true' }, el('span', { style: `width:${Math.round(f.value * 100)}%` })), number(f.value, 2)),
  ]);
  return el(
    'div',
    { id: 'key-view', class: 'key-view' },
    el(
      'div',
      { class: 'two-col' },
      panel(
        t('label.answerKey'),
        facts([
          [t('label.scenario'), t(`scenario.${key.scenario}`)],
          [t('label.irregular'), t(key.irregular ? 'label.yes' : 'label.no')],
          [t('label.threat'), key.threat ? t(`threat.${key.threat}`) : null],
          [t('label.difficulty'), `${key.difficulty.level} (${number(key.difficulty.score, 2)})`],
          [t('web.console.preview.caseSeed'), el('span', { class: 'mono' }, key.seed)],
        ]),
        el('h3', { style: 'margin-top:10px' }, t('label.expectations')),
        table([t('web.feedback.stage'), t('label.best'), t('label.acceptable'), t('web.decision.agency')], expectations, { id: 'key-expectations' }),
      ),
      panel(t('label.rationale'), rationaleList(key), el('h3', { style: 'margin-top:10px' }, t('label.difficulty')), table([t('web.console.preview.factor'), t('web.console.preview.value')], factors, { class: 'dense' })),
    ),
    panel(t('label.anomalies'), anomalyTable(key)),
    el(
      'div',
      { class: 'two-col' },
      panel(t('label.indicators'), indicatorList(key)),
      panel(t('label.discrepancies'), key.discrepancies?.length ? discrepancyList(key.discrepancies) : el('p', { class: 'muted' }, t('label.none'))),
    ),
    el(
      'div',
      { class: 'two-col' },
      panel(
        t('label.examination'),
        el('h3', {}, t('label.essentialPoints')),
        el('p', {}, key.examination?.essentialPoints?.map((p) => t(`point.${p}`)).join(', ') || t('label.none')),
        el('h3', {}, t('label.sealFindings')),
        el('p', {}, key.sealFindings?.map((f) => t(`sealFinding.${f}`)).join(', ') || t('label.none')),
        el('h3', {}, t('label.significant')),
        observationList(key.examination?.significant, 'key-all-significant'),
      ),
      panel(t('label.evidenceSteps'), key.evidenceSteps?.length ? el('ol', { class: 'key-list' }, ...key.evidenceSteps.map((s) => el('li', {}, t(`evidenceStep.${s}`)))) : el('p', { class: 'muted' }, t('label.none'))),
    ),
  );
}
