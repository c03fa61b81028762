// Screening: the radiation portal reading and the scan viewer on the real 16-bit data; the decision
// carries the regions marked on the scan.
import { el, facts, table } from '../dom.js';
import { t, number, localized } from '../i18n.js';
import { ScanViewer } from '../viewer.js';
import { decodePNG } from '../png.js';
import { loadCalibration } from '../materials.js';
import { dispositionChoice, decisionBody, panel } from './common.js';

const marksKey = (context) => `cargosim.marks.${context.aid}.${context.cid}`;

/** Marks kept in this browser tab for a case (so a reload or a look at the documents keeps them). */
export function savedMarks(context) {
  try {
    return JSON.parse(sessionStorage.getItem(marksKey(context)) || '[]');
  } catch {
    return [];
  }
}

export function radiationPanel(reading) {
  const alarm = (on) => el('span', { class: on ? 'alarm' : '' }, t(on ? 'label.yes' : 'label.no'));
  return el(
    'section',
    { class: 'panel compact' },
    el('h2', {}, t('label.radiation')),
    el(
      'div',
      { class: 'radiation', id: 'radiation' },
      facts([
        [t('label.gammaCPS'), number(reading.gammaCountsPerSecond)],
        [t('label.backgroundCPS'), number(reading.backgroundCountsPerSecond)],
        [t('label.gammaAlarm'), alarm(reading.gammaAlarm)],
        [t('label.neutronAlarm'), alarm(reading.neutronAlarm)],
      ]),
    ),
  );
}

// The scan files and tiles of the case last opened, kept for this page so that going back to the screening stage
// or on to the feedback does not fetch (or even revalidate) the same bytes again.
const files = { key: null, buffers: new Map() };

function cached(context, name, fetch) {
  const key = `${context.aid}/${context.cid}`;
  if (files.key !== key) {
    files.key = key;
    files.buffers.clear();
  }
  if (!files.buffers.has(name)) {
    const request = fetch();
    request.catch(() => files.buffers.delete(name));
    files.buffers.set(name, request);
  }
  return files.buffers.get(name);
}

/**
 * Builds a viewer for the case's scans in `host`; resolves once the first image is on screen. The trainee's
 * workspace (an api with tiles) works on tiles of the scans' levels; the console's previews on whole files.
 */
export async function mountViewer(host, context, options = {}) {
  const scans = context.view.case.screening.scans;
  const calibration = await loadCalibration(scans[0].profile);
  const { api, aid, cid } = context;
  const tiled = api.tile
    ? {
        tile: (name, level, column, row) =>
          cached(context, `${name}/${level}/${column}/${row}`, () => api.tile(aid, cid, name, level, column, row)),
        classMap: () => cached(context, 'classes.png', () => api.classMap(aid, cid)),
        probe: (name, x, y) => api.probe(aid, cid, name, x, y),
      }
    : {};
  const viewer = new ScanViewer(host, {
    scans,
    calibration,
    load: (name) => cached(context, name, () => api.scan(aid, cid, name)),
    decode: decodePNG,
    ...tiled,
    ...options,
  });
  await viewer.load();
  return viewer;
}

export async function renderScreening(work, context) {
  const screening = context.view.case.screening;
  work.append(radiationPanel(screening.radiation));
  if (!screening.scans?.length) {
    work.append(panel(t('label.scans'), el('p', { class: 'muted' }, t('web.screening.noScan'))));
    return {};
  }
  const host = el('section', { 'aria-label': t('web.viewer.title'), id: 'viewer' });
  work.append(host, declaredPanel(context.view.case.targeting.billOfLading));
  const viewer = await mountViewer(host, context, {
    marks: savedMarks(context),
    readOnly: context.readOnly,
    onMarks: (marks) => sessionStorage.setItem(marksKey(context), JSON.stringify(marks)),
  });
  viewer.canvas.focus({ preventScroll: true });
  return { viewer, teardown: () => viewer.destroy() };
}

/** What the papers declare, next to the scan: an analyst reads the image against the manifest. */
function declaredPanel(bl) {
  const rows = bl.goods.map((g) => [
    localized(g.description),
    g.hsCode,
    `${number(g.packageCount)} ${t(`package.${g.packageKind}`)}`,
    el('span', { class: 'num' }, number(g.grossKG)),
    el('span', { class: 'num' }, number(g.volumeM3, 1)),
  ]);
  return el(
    'details',
    { class: 'panel compact', id: 'screening-papers', open: true },
    el('summary', {}, el('strong', {}, t('web.screening.declared')), ' ', el('span', { class: 'muted' }, `${bl.containerType} · ${t('label.vgm')} ${number(bl.vgm.kg)} kg · ${t('label.totalGross')} ${number(bl.declaredCargoGrossKG)} kg`)),
    table([t('label.description'), t('label.hsCode'), t('label.packages'), t('label.grossKG'), t('web.targeting.volumeM3')], rows, { class: 'compact' }),
  );
}

export function screeningDecision(form, context, desk) {
  const choice = dispositionChoice('screening');
  const alarm = el('input', { type: 'checkbox', id: 'flag-radiation' });
  const count = el('p', { class: 'hint', id: 'marks-count' });
  const update = () => {
    count.textContent = t('web.screening.marksCount', { count: desk?.viewer?.marks.length ?? 0 });
  };
  update();
  desk?.viewer?.canvas.addEventListener('pointerup', () => setTimeout(update));
  desk?.viewer?.root.addEventListener('click', () => setTimeout(update));
  form.append(
    el('p', { class: 'hint' }, t('web.screening.marksHint')),
    count,
    el('fieldset', {}, el('legend', {}, t('web.decision.indicators')), el('label', { class: 'check' }, alarm, el('span', {}, t('indicator.radiationAlarm')))),
    choice.node,
  );
  return () => {
    const disposition = choice.value();
    if (!disposition) return { error: t('web.decision.chooseDisposition') };
    const marks = desk?.viewer?.marks ?? [];
    return {
      value: decisionBody(disposition, {
        flaggedIndicators: alarm.checked ? ['radiationAlarm'] : [],
        markedRegions: marks.map((m) => ({ scan: 'scan.png', shape: { type: 'rectangle', x: m.x, y: m.y, width: m.width, height: m.height } })),
      }),
    };
  };
}
