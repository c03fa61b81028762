// The debrief of a class for a projector: one case at a time, in large type and without names unless the
// instructor chooses to show them. The scan with the key's regions and a heat map of the class's marks, each
// stage's decisions as bars against the key's, the risk indicators the class flagged, and the key's rationale in
// the chosen language. Route: #/console/classes/{gid}/debrief[/{cid}]. Every figure comes from the server.

import { http } from '../api.js';
import { el, clear } from '../dom.js';
import { t, number, language, LANGUAGES } from '../i18n.js';
import { barChart, scanOverlay, heatLegend } from './charts.js';

/** The debrief's choices for this tab: names shown, rationale language, key and heat map shown. */
const options = { names: false, lang: null, key: true, heat: true };

export async function render(body, parts, context) {
  const gid = parts[0];
  const group = await http.get(`/api/groups/${encodeURIComponent(gid)}`);
  let cid = parts[2];
  if (!cid) {
    const progress = await http.get(`/api/groups/${group.id}/progress`);
    cid = progress.cases[0]?.caseId;
  }
  if (!cid) {
    clear(body).append(el('p', { class: 'panel muted' }, t('web.console.debrief.noCase')));
    return {};
  }
  const lang = options.lang || language();
  const d = await http.get(`/api/groups/${group.id}/debrief/${encodeURIComponent(cid)}?lang=${lang}&names=${options.names}`);
  context.setTitle(`${t('web.console.debrief.title')} · ${cid}`);
  const go = (caseId) => (location.hash = `#/console/classes/${group.id}/debrief/${encodeURIComponent(caseId)}`);
  const redraw = () => render(body, parts, context);

  const names = el('input', { type: 'checkbox', id: 'debrief-names', checked: options.names });
  names.addEventListener('change', () => {
    options.names = names.checked;
    redraw();
  });
  const langSelect = el('select', { id: 'debrief-lang', 'aria-label': t('web.console.debrief.rationaleLanguage') }, ...LANGUAGES.map((l) => el('option', { value: l, selected: l === lang }, t(`web.languageName.${l}`))));
  langSelect.addEventListener('change', () => {
    options.lang = langSelect.value;
    redraw();
  });
  const keyBox = el('input', { type: 'checkbox', id: 'debrief-key', checked: options.key });
  const heatBox = el('input', { type: 'checkbox', id: 'debrief-heat', checked: options.heat });
  const full = el('button', { type: 'button', id: 'debrief-fullscreen' }, t('web.console.debrief.fullScreen'));
  full.addEventListener('click', () => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen?.()));

  const controls = el(
    'div',
    { class: 'debrief-controls' },
    el('a', { href: `#/console/classes/${group.id}`, id: 'debrief-exit' }, `← ${t('web.console.debrief.exit')}`),
    el('button', { type: 'button', id: 'debrief-prev', disabled: !d.previousCaseId, onclick: () => go(d.previousCaseId) }, `◀ ${t('web.console.debrief.previous')}`),
    el('span', { class: 'position', id: 'debrief-position' }, t('web.console.debrief.position', { n: d.position + 1, count: d.caseCount })),
    el('button', { type: 'button', id: 'debrief-next', disabled: !d.nextCaseId, onclick: () => go(d.nextCaseId) }, `${t('web.console.debrief.next')} ▶`),
    el('label', { class: 'check' }, keyBox, el('span', {}, t('web.console.debrief.showKey'))),
    el('label', { class: 'check' }, heatBox, el('span', {}, t('web.console.debrief.showHeat'))),
    el('label', { class: 'check' }, names, el('span', {}, t('web.console.debrief.showNames'))),
    el('label', { for: 'debrief-lang' }, t('web.console.debrief.rationaleLanguage')),
    langSelect,
    full,
  );

  const head = el(
    'header',
    { class: 'debrief-head' },
    el('h1', {}, `${t('label.case')} ${d.caseId}`),
    el('p', { class: 'facts' }, `${t(`vantage.${d.vantage}`)} · ${d.containerNumber} · ${t('web.console.debrief.submitted', { done: d.submitted, total: d.trainees })}`),
  );

  // The scan, with the heat map of the class's marks and the key's regions over it.
  let scanSection = null;
  if (d.scan) {
    const picture = el('div', { class: 'debrief-scan', id: 'debrief-scan' }, el('img', { src: `/api/groups/${group.id}/cases/${encodeURIComponent(d.caseId)}/files/${d.scan.file}`, alt: t('web.console.debrief.scanAlt', { marks: d.marks, markers: d.markers, regions: d.regions.length }) }));
    const drawOverlay = () => {
      picture.querySelector('svg')?.remove();
      picture.append(scanOverlay({ width: d.scan.widthPixels, height: d.scan.heightPixels, heat: d.heat, regions: d.regions, showHeat: heatBox.checked, showKey: keyBox.checked }));
    };
    keyBox.addEventListener('change', () => {
      options.key = keyBox.checked;
      drawOverlay();
    });
    heatBox.addEventListener('change', () => {
      options.heat = heatBox.checked;
      drawOverlay();
    });
    drawOverlay();
    scanSection = el(
      'section',
      { class: 'debrief-panel wide' },
      el('h2', {}, t('web.console.debrief.scanTitle')),
      picture,
      el(
        'p',
        { class: 'legend' },
        el('span', { class: 'key-swatch', 'aria-hidden': 'true' }),
        ` ${t('web.console.debrief.keyLegend')}  `,
        d.heat?.maximum ? heatLegend(d.heat.maximum, t('web.console.debrief.heatLegend')) : null,
        ` ${t('web.console.debrief.marksLegend', { marks: d.marks, markers: d.markers })}`,
      ),
    );
  }

  const stageCharts = d.stages.map((s) =>
    el(
      'div',
      { class: 'stage-chart', 'data-stage': s.stage },
      el('h3', {}, `${t(`stage.${s.stage}`)} · ${t('web.console.debrief.decidedCount', { count: s.decided })}`),
      barChart({
        id: `chart-stage-${s.stage}`,
        title: t('web.console.debrief.stageTitle', { stage: t(`stage.${s.stage}`) }),
        description: t('web.console.debrief.stageDesc', {
          stage: t(`stage.${s.stage}`),
          expected: s.best ? t(`disposition.${s.best}`) : '—',
          decided: s.decided,
        }),
        rows: s.choices.map((c) => ({
          label: `${c.best ? '★ ' : c.acceptable ? '✓ ' : ''}${t(`disposition.${c.disposition}`)}`,
          value: c.count,
          kind: c.best ? 'good' : c.acceptable ? 'ok' : c.count ? 'bad' : 'muted',
        })),
        domain: [0, Math.max(1, d.trainees)],
        digits: 0,
        axisLabel: t('web.console.debrief.trainees'),
        width: 580,
        labelWidth: 270,
        className: 'big',
      }),
    ),
  );
  const outcomes = el(
    'ul',
    { class: 'outcomes', id: 'debrief-outcomes' },
    ...['hit', 'miss', 'falseAlarm', 'correctRejection'].map((o) => el('li', { class: o }, el('strong', {}, String(d.outcomes[o] ?? 0)), ' ', t(`web.outcome.${o}`))),
  );
  const indicators = d.indicators.length
    ? el(
        'ul',
        { class: 'indicators', id: 'debrief-indicators' },
        ...d.indicators.map((i) =>
          el(
            'li',
            { class: i.inKey ? (i.harmless ? 'harmless' : 'in-key') : 'not-in-key' },
            el('span', { class: 'count' }, String(i.count)),
            el('span', { class: 'name' }, t(`indicator.${i.indicator}`)),
            el('span', { class: 'tag' }, t(i.inKey ? (i.harmless ? 'web.console.debrief.harmless' : 'web.console.debrief.inKey') : 'web.console.debrief.notInKey')),
          ),
        ),
      )
    : el('p', { class: 'muted' }, t('web.console.debrief.noIndicators'));

  const namesSection = d.names
    ? el(
        'section',
        { class: 'debrief-panel wide', id: 'debrief-names-list' },
        el('h2', {}, t('web.console.debrief.namesTitle')),
        el(
          'table',
          {},
          el('thead', {}, el('tr', {}, el('th', {}, t('web.console.watch.trainee')), el('th', {}, t('web.feedback.score')), ...d.stages.map((s) => el('th', {}, t(`stage.${s.stage}`))))),
          el(
            'tbody',
            {},
            ...d.names.map((n) =>
              el('tr', {}, el('td', {}, n.displayName), el('td', {}, n.score === null || n.score === undefined ? '—' : `${number(n.score * 100)} %`), ...d.stages.map((s) => el('td', {}, n.dispositions[s.stage] ? t(`disposition.${n.dispositions[s.stage]}`) : '—'))),
            ),
          ),
        ),
      )
    : null;

  clear(body).append(
    el(
      'div',
      { class: 'debrief', id: 'debrief' },
      controls,
      head,
      scanSection,
      el('section', { class: 'debrief-panel wide' }, el('h2', {}, t('web.console.debrief.decisionsTitle')), el('p', { class: 'hint' }, t('web.console.debrief.decisionsHint')), el('div', { class: 'stage-charts' }, ...stageCharts), outcomes),
      el(
        'div',
        { class: 'debrief-columns' },
        el('section', { class: 'debrief-panel' }, el('h2', {}, t('web.console.debrief.indicatorsTitle')), indicators),
        el('section', { class: 'debrief-panel' }, el('h2', {}, t('web.console.debrief.rationaleTitle')), el('ul', { class: 'rationale', id: 'debrief-rationale', lang: d.language }, ...d.rationale.map((r) => el('li', {}, r)))),
      ),
      namesSection,
    ),
  );
  return {};
}
