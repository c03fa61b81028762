// Evidence and report: the custody steps in the order taken, the final disposition (and agency).
import { el, facts } from '../dom.js';
import { t } from '../i18n.js';
import { EVIDENCE_STEPS } from '../vocab.js';
import { dispositionChoice, decisionBody, panel } from './common.js';

export function renderEvidence(work, context) {
  const evidence = context.view.case.evidence || {};
  if (context.readOnly) {
    // the steps taken went with the decision; the record of the stage is the case's own
    work.append(
      panel(
        t('web.evidence.title'),
        facts([[t('label.replacementSeal'), evidence.replacementSealNumber ? el('span', { class: 'mono' }, evidence.replacementSealNumber) : null]]),
      ),
    );
    return { steps: [] };
  }
  const steps = [];
  const list = el('ol', { id: 'custody-steps', 'aria-live': 'polite' });
  const available = el('div', { class: 'available', id: 'available-steps' });
  const redraw = () => {
    list.replaceChildren(
      ...(steps.length
        ? steps.map((step, i) =>
            el(
              'li',
              { 'data-step': step },
              el('span', {}, t(`evidenceStep.${step}`)),
              el('button', { type: 'button', class: 'small', disabled: i === 0 || context.readOnly, 'aria-label': t('web.evidence.moveUp', { step: t(`evidenceStep.${step}`) }), onclick: () => move(i, -1) }, '↑'),
              el('button', { type: 'button', class: 'small', disabled: i === steps.length - 1 || context.readOnly, 'aria-label': t('web.evidence.moveDown', { step: t(`evidenceStep.${step}`) }), onclick: () => move(i, 1) }, '↓'),
              el('button', { type: 'button', class: 'small danger', disabled: context.readOnly, 'aria-label': t('web.evidence.remove', { step: t(`evidenceStep.${step}`) }), onclick: () => remove(i) }, '✕'),
            ),
          )
        : [el('li', { class: 'muted', style: 'list-style:none' }, t('web.evidence.empty'))]),
    );
    available.replaceChildren(
      ...EVIDENCE_STEPS.filter((s) => !steps.includes(s)).map((step) =>
        el('button', { type: 'button', 'data-add-step': step, disabled: context.readOnly, onclick: () => add(step) }, `+ ${t(`evidenceStep.${step}`)}`),
      ),
    );
  };
  const add = (step) => {
    steps.push(step);
    redraw();
  };
  const remove = (i) => {
    steps.splice(i, 1);
    redraw();
  };
  const move = (i, d) => {
    [steps[i], steps[i + d]] = [steps[i + d], steps[i]];
    redraw();
  };
  redraw();
  work.append(
    panel(
      t('web.evidence.title'),
      el('p', { class: 'hint' }, t('web.evidence.hint')),
      facts([[t('label.replacementSeal'), evidence.replacementSealNumber ? el('span', { class: 'mono' }, evidence.replacementSealNumber) : null]]),
      el(
        'div',
        { class: 'two-col steps-builder', style: 'margin-top:10px' },
        el('div', {}, el('h3', {}, t('web.evidence.yourOrder')), list),
        el('div', {}, el('h3', {}, t('web.evidence.available')), available),
      ),
    ),
  );
  return { steps };
}

export function evidenceDecision(form, context, desk) {
  const choice = dispositionChoice('evidence');
  form.append(choice.node);
  return () => {
    const disposition = choice.value();
    if (!disposition) return { error: t('web.decision.chooseDisposition') };
    const agency = choice.agency();
    if (disposition === 'referToAgency' && !agency) return { error: t('web.decision.agencyMissing') };
    const body = decisionBody(disposition, { evidenceSteps: [...(desk?.steps ?? [])] });
    if (disposition === 'referToAgency') body.agency = agency;
    return { value: body };
  };
}
