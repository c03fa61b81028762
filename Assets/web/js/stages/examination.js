// Examination: choose the points to examine (once), then read what each shows; the door end and its seal
// as door.svg; the decision records the seal findings.
import { el, facts, checkboxes } from '../dom.js';
import { t, localized, number } from '../i18n.js';
import { SEAL_FINDINGS } from '../vocab.js';
import { dispositionChoice, decisionBody, panel, words } from './common.js';

/** The text of an observation in the current language (its parameters filled in). */
export function observationText(o) {
  const params = { ...o.parameters };
  for (const [name, text] of Object.entries(o.localizedParameters || {})) params[name] = localized(text);
  return t(`observation.${o.code}`, params);
}

export function sealPanel(seal) {
  if (!seal) return null;
  const vvtt = seal.check ? ['view', 'verify', 'tug', 'twist'].map((k) => `${t(`label.${k}`)} ${seal.check[k] ? '✓' : '✗'}`).join(' · ') : null;
  return panel(
    t('label.sealAsFound'),
    facts([
      [t('label.numberRead'), el('span', { class: 'mono' }, seal.numberRead)],
      [t('web.targeting.sealKind'), t(`sealKind.${seal.kind}`)],
      [t('web.targeting.sealClass'), t(`sealClass.${seal.securityClass}`)],
      [t('label.makerMark'), words(seal.makerMark)],
      [t('label.font'), seal.font ? t(`font.${seal.font}`) : null],
      [t('label.boltNumber'), seal.boltNumber ? el('span', { class: 'mono' }, seal.boltNumber) : null],
      [t('label.bushNumber'), seal.bushNumber ? el('span', { class: 'mono' }, seal.bushNumber) : null],
      [t('label.vvtt'), vvtt],
    ]),
  );
}

function markingsPanel(m) {
  if (!m) return null;
  const kg = (v) => `${number(v)} kg`;
  return panel(
    t('label.doorMarkings'),
    facts([
      [t('label.maxGross'), kg(m.maxGrossKG)],
      [t('label.containerTare'), kg(m.tareKG)],
      [t('label.payload'), kg(m.payloadKG)],
      [t('label.cubicCapacity'), `${m.cubicCapacityM3} m³`],
      [t('label.cscPlate'), `${m.cscPlate.approvalReference} · ${t('label.cscManufactured')} ${m.cscPlate.manufactured}`],
      [t('label.cscStacking'), kg(m.cscPlate.allowableStackingKG)],
      [t('label.cscExamination'), m.cscPlate.examination],
    ]),
  );
}

export async function renderExamination(work, context) {
  const { aid, cid, api } = context;
  const exam = context.view.case.examination;
  const door = el(
    'figure',
    { class: 'door', style: 'margin:0' },
    el('img', { src: api.doorURL(aid, cid), alt: t('web.examination.doorAlt'), id: 'door-image', loading: 'lazy' }),
    el('figcaption', { class: 'hint' }, t('web.examination.doorCaption')),
  );
  const state = {
    examined: exam.chosenPoints || (exam.observations ? [...new Set(exam.observations.map((o) => o.point))] : null),
  };
  const results = el('div', { id: 'observations' });

  const showObservations = (observations, seal) => {
    const byPoint = new Map();
    for (const o of observations) {
      if (!byPoint.has(o.point)) byPoint.set(o.point, []);
      byPoint.get(o.point).push(o);
    }
    results.replaceChildren(
      panel(
        t('label.observations'),
        el(
          'ul',
          { class: 'observations' },
          ...[...byPoint].map(([point, list]) =>
            el('li', { 'data-point': point }, el('span', { class: 'point' }, `${t(`point.${point}`)}: `), list.map(observationText).join(' ')),
          ),
        ),
      ),
    );
    if (seal) results.append(sealPanel(seal));
  };

  if (state.examined) {
    showObservations(exam.observations, exam.seal);
  } else if (!context.readOnly) {
    const points = checkboxes(
      'points',
      exam.points.map((p) => ({ value: p, label: t(`point.${p}`) })),
      { legend: t('web.examination.choosePoints'), columns: true },
    );
    const error = el('p', { class: 'error-text', role: 'alert' });
    const go = el('button', { type: 'button', class: 'primary', id: 'examine-button' }, t('web.examination.examine'));
    go.addEventListener('click', async () => {
      const chosen = points.values();
      if (chosen.length === 0) {
        error.textContent = t('web.examination.noPoints');
        return;
      }
      go.disabled = true;
      try {
        const answer = await api.examine(aid, cid, chosen);
        state.examined = chosen;
        document.getElementById('decision-error')?.replaceChildren();
        const view = await api.caseView(aid, cid);
        showObservations(answer.observations, view.case.examination?.seal);
      } catch (e) {
        error.textContent = context.describe(e);
        go.disabled = false;
      }
    });
    results.append(panel(t('web.examination.planTitle'), el('p', { class: 'hint' }, t('web.examination.planHint')), points.node, error, go));
  }
  const marks = markingsPanel(exam.doorMarkings);
  const side = el('div', {}, panel(t('web.examination.doorTitle'), door));
  if (marks) side.append(marks);
  work.append(el('div', { class: 'two-col' }, el('div', {}, results), side));
  return { state };
}

export function examinationDecision(form, context, desk) {
  const choice = dispositionChoice('examination');
  const findings = checkboxes(
    'seal-findings',
    SEAL_FINDINGS.map((f) => ({ value: f, label: t(`sealFinding.${f}`) })),
    { legend: t('label.sealFindings') },
  );
  form.append(findings.node, choice.node);
  return () => {
    const examined = desk?.state?.examined;
    if (!examined) return { error: t('web.examination.examineFirst') };
    const disposition = choice.value();
    if (!disposition) return { error: t('web.decision.chooseDisposition') };
    return { value: decisionBody(disposition, { sealFindings: findings.values() }) };
  };
}
