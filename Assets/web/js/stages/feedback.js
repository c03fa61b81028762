// After the last stage: in training mode the score, the stage-by-stage verdicts and the key's regions
// drawn over the scan; in test mode only "submitted" until the instructor releases the results. The console shows
// a trainee's attempt through the same view (js/console/watch.js), with the attempt's feedback and marks.
import { el, table } from '../dom.js';
import { t, number } from '../i18n.js';
import { panel } from './common.js';
import { mountViewer, savedMarks } from './screening.js';

export async function renderFeedback(body, context) {
  const feedback = await context.api.feedback(context.aid, context.cid);
  if (!feedback.released) {
    body.append(
      el(
        'section',
        { class: 'panel submitted-box', id: 'feedback-pending' },
        el('p', { class: 'big' }, t('web.feedback.submitted')),
        el('p', {}, t(feedback.heldForTest ? 'web.feedback.heldForTest' : 'web.feedback.pending')),
        el('a', { class: 'button', href: `#/assignments/${context.aid}` }, t('web.case.backToList')),
      ),
    );
    return {};
  }
  const rows = (feedback.stages || []).map((s) => [
    t(`stage.${s.stage}`),
    t(`disposition.${s.disposition}`),
    s.expected ? t(`disposition.${s.expected}`) : '—',
    el('span', { class: 'num' }, `${number((s.score ?? 0) * 100)} %`),
    (s.messages || []).join(' '),
  ]);
  const outcomeKey = `web.outcome.${feedback.outcome}`;
  body.append(
    el(
      'section',
      { class: 'panel', id: 'feedback' },
      el('h2', {}, t('web.feedback.title')),
      el(
        'div',
        { class: 'radiation' },
        el('span', { class: 'score', id: 'feedback-score' }, `${number((feedback.score ?? 0) * 100)} %`),
        el('span', { class: 'outcome', id: 'feedback-outcome' }, t(outcomeKey) === outcomeKey ? feedback.outcome : t(outcomeKey)),
      ),
      table([t('web.feedback.stage'), t('web.feedback.yourDecision'), t('web.feedback.expected'), t('web.feedback.score'), t('web.feedback.notes')], rows, { id: 'feedback-stages' }),
      feedback.messages?.length ? el('ul', { class: 'messages', id: 'feedback-messages' }, ...feedback.messages.map((m) => el('li', {}, m))) : null,
    ),
  );
  const scans = context.view.case.screening?.scans;
  if (scans?.length) {
    // the three images share one geometry: draw each region once, from scan.png's list
    const regions = (feedback.regions || [])
      .filter((r) => r.scan === 'scan.png')
      .map((r) => ({ ...r, label: r.label || t('web.feedback.keyRegion') }));
    const host = el('section', { id: 'viewer', 'aria-label': t('web.viewer.title') });
    body.append(panel(t('web.feedback.scanTitle'), el('p', { class: 'hint' }, t('web.feedback.scanHint')), host));
    // The trainee's own marks: kept in their tab, or given by the staff view of their attempt (`context.marks`).
    const viewer = await mountViewer(host, context, { readOnly: true, regions, marks: context.marks ?? savedMarks(context) });
    return { viewer, teardown: () => viewer.destroy() };
  }
  return {};
}
