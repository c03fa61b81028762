// Pieces the stage views share.
import { el, radios } from '../dom.js';
import { t } from '../i18n.js';
import { DISPOSITIONS, AGENCIES } from '../vocab.js';

/** The disposition choice of a stage (with the agency for a referral) → {node, value(), agency()}. */
export function dispositionChoice(stage) {
  const agency = el(
    'select',
    { id: 'agency-select', 'aria-label': t('web.decision.agency'), disabled: true },
    el('option', { value: '' }, t('web.decision.chooseAgency')),
    ...AGENCIES.map((a) => el('option', { value: a }, t(`agency.${a}`))),
  );
  const choice = radios(
    'disposition',
    DISPOSITIONS[stage].map((d) => ({ value: d, label: t(`disposition.${d}`) })),
    {
      legend: t('web.decision.disposition'),
      onchange: () => {
        agency.disabled = choice.value() !== 'referToAgency';
      },
    },
  );
  if (DISPOSITIONS[stage].includes('referToAgency')) {
    choice.node.append(el('div', { class: 'agency' }, el('label', { for: 'agency-select' }, t('web.decision.agency')), ' ', agency));
  }
  return { node: choice.node, value: choice.value, agency: () => agency.value || null };
}

/**
 * A DecisionInput body (docs/API.md): the lists every stage carries; `markedRegions` is added by the
 * screening stage and `agency` by a referral. The server stamps the times and the clock, and takes the
 * examined points from `/examine`.
 */
export function decisionBody(disposition, fields = {}) {
  return { disposition, flaggedIndicators: [], sealFindings: [], evidenceSteps: [], ...fields };
}

/** A panel with a heading. */
export function panel(title, ...children) {
  return el('section', { class: 'panel' }, el('h2', {}, title), ...children);
}

/** Turns a catalogue id such as `northgate-seal` into words for display. */
export function words(id) {
  return String(id ?? '')
    .split('-')
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
    .join(' ');
}
