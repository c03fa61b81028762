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
  // The key's best decision, and the others it also accepts: "right" means one of them.
  const expected = (s) => {
    if (!s.expected) return '—';
    const others = (s.acceptable || []).filter((d) => d !== s.expected).map((d) => t(`disposition.${d}`));
    return others.length
      ? el('span', {}, t('web.feedback.best', { decision: t(`disposition.${s.expected}`) }), el('br'), el('span', { class: 'muted' }, t('web.feedback.alsoRight', { list: others.join(', ') })))
      : t(`disposition.${s.expected}`);
  };
  const rows = (feedback.stages || []).map((s) => [
    t(`stage.${s.stage}`),
    el('span', {}, t(`disposition.${s.disposition}`), ' ', el('span', { class: `badge ${s.right ? 'done' : 'wrong'}`, 'data-right': String(!!s.right) }, t(s.right ? 'web.feedback.right' : 'web.feedback.notRight'))),
    expected(s),
    el('span', { class: 'num' }, `${number((s.score ?? 0) * 100)} %`),
    (s.messages || []).join(' '),
  ]);
  // How the total is made: each part's score times its share (the rubric's weights over the parts that apply).
  const parts = feedback.parts || [];
  const partsTable = parts.length
    ? el(
        'details',
        { class: 'score-parts', id: 'feedback-parts' },
        el('summary', {}, t('web.feedback.howTotal', { total: number((feedback.score ?? 0) * 100) })),
        table(
          [t('web.feedback.part'), t('web.feedback.score'), t('web.feedback.share'), t('web.feedback.contribution')],
          parts.map((p) => [
            t(`web.feedback.part.${p.part}`),
            el('span', { class: 'num' }, `${number(p.score * 100)} %`),
            el('span', { class: 'num' }, `${number(p.share * 100)} %`),
            el('span', { class: 'num' }, `${number(p.score * p.share * 100, 1)}`),
          ]),
        ),
        el('p', { class: 'hint' }, t('web.feedback.howTotalHint')),
      )
    : null;
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
      partsTable,
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
