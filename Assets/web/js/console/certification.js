// The certification office: evaluate a person against a policy from their test-mode work in the database (every
// reason with its figure and threshold, and how far the decision can be trusted) — a trainer also on a calibration
// round's file and an expert's signed sign-off of their supervised delivery — issue a signed certificate when it
// is granted (administrators), and list, download, print and revoke the certificates issued. Anyone checks a
// certificate at the public page /verify. Route: #/console/certification.

import { http, APIError } from '../api.js';
import { el, clear, table, facts } from '../dom.js';
import { t, instant, number } from '../i18n.js';
import { pageHead, showProblems } from './shell.js';
import { reasonDialog } from './dialogs.js';

export async function render(body, parts, context) {
  if (parts[0] === 'rounds') return parts[1] ? renderRound(body, parts[1], context) : renderRounds(body, context);
  context.setTitle(t('web.console.nav.certification'));
  const [users, policies, rounds, signOffs] = await Promise.all([
    http.get('/api/users'),
    http.get('/api/certification/policies'),
    http.get('/api/certification/rounds'),
    http.get('/api/certification/signoffs'),
  ]);
  const admin = context.user.role === 'admin';
  const certificates = el('div', { id: 'certificate-list' });
  const refresh = async () => renderCertificates(certificates, await http.get('/api/certification/certificates'), admin, context, refresh);
  clear(body).append(
    pageHead(
      t('web.console.nav.certification'),
      el('a', { class: 'button small', href: '#/console/certification/rounds', id: 'open-rounds' }, t('web.rounds.title')),
      el('a', { class: 'button small', href: '/verify', target: '_blank', rel: 'noopener', id: 'open-verify' }, t('web.cert.verifyPage')),
      el('a', { class: 'button small', href: '/api/certification/public-key', id: 'download-public-key' }, t('web.cert.publicKey')),
    ),
    el('p', { class: 'hint' }, t('web.cert.intro')),
    evaluationPanel(users, policies, rounds.filter((r) => r.status === 'closed'), signOffs, admin, context, refresh),
    el('div', { class: 'panel' }, el('h2', {}, t('web.cert.certificates')), certificates),
    signOffPanel(signOffs, admin, context),
  );
  await refresh();
}

/** A share as a percentage with one decimal. */
function percent(x) {
  return `${number(x * 100, 1)} %`;
}

function reasonLabel(code) {
  const [head, tail] = code.split('.');
  if (head === 'stageDPrime' && tail) return t('reason.stageDPrime', { stage: t(`stage.${tail}`) });
  if (head === 'casesOfKind' && tail) return t('reason.casesOfKind', { kind: t(`anomaly.${tail}`) });
  return t(`reason.${code}`);
}

function evaluationPanel(users, policies, closedRounds, signOffs, admin, context, refresh) {
  const people = users.filter((u) => !u.disabled).sort((a, b) => (a.role === 'trainee' ? 0 : 1) - (b.role === 'trainee' ? 0 : 1) || a.displayName.localeCompare(b.displayName));
  const person = el('select', { id: 'cert-person', required: true }, ...people.map((u) => el('option', { value: u.id }, `${u.displayName} (${u.username})`)));
  const policy = el('select', { id: 'cert-policy' }, ...policies.map((p) => el('option', { value: p.name }, `${p.name} · ${p.policy.version}`)));
  const role = el('select', { id: 'cert-role' }, el('option', { value: 'trainee' }, t('certificate.role.trainee')), el('option', { value: 'trainer' }, t('certificate.role.trainer')));
  // A trainer's evidence: the calibration round's file, their name in it, and the expert's signed sign-off with the
  // public keys of the experts the certifier trusts.
  const roundChoice = el(
    'select',
    { id: 'cert-round-choice' },
    el('option', { value: '' }, t('web.cert.roundFromFile')),
    ...closedRounds.map((r) => el('option', { value: r.id }, `${r.name} (${t('web.rounds.itemCount', { count: r.items.length })})`)),
  );
  const round = el('input', { type: 'file', id: 'cert-round', accept: '.json,application/json' });
  roundChoice.addEventListener('change', () => (round.hidden = roundChoice.value !== ''));
  const candidate = el('input', { type: 'text', id: 'cert-candidate', maxlength: 120, placeholder: t('web.cert.candidateHint') });
  const deliveryChoice = el(
    'select',
    { id: 'cert-delivery-choice' },
    el('option', { value: '' }, t('web.cert.deliveryFromFile')),
    ...signOffs.map((d) => el('option', { value: d.id }, `${d.trainer} · ${d.expert} · ${d.deliveredOn} (${t(`web.cert.outcome.${d.outcome}`)})`)),
  );
  const delivery = el('input', { type: 'file', id: 'cert-delivery', accept: '.txt,text/plain' });
  const expertKeys = el('input', { type: 'file', id: 'cert-expert-keys', multiple: true, accept: '.pub,text/plain' });
  deliveryChoice.addEventListener('change', () => {
    delivery.hidden = deliveryChoice.value !== '';
    expertKeys.hidden = deliveryChoice.value !== '';
  });
  const trainerFields = el(
    'div',
    { class: 'form-grid', id: 'cert-trainer-fields', hidden: true },
    el('div', { class: 'field', 'data-field': 'calibration' }, el('label', { for: 'cert-round-choice' }, t('web.cert.round')), roundChoice, round, el('p', { class: 'hint' }, t('web.cert.roundHint'))),
    el('div', { class: 'field', 'data-field': 'candidate' }, el('label', { for: 'cert-candidate' }, t('web.cert.candidate')), candidate),
    el('div', { class: 'field', 'data-field': 'delivery' }, el('label', { for: 'cert-delivery-choice' }, t('web.cert.delivery')), deliveryChoice, delivery, el('p', { class: 'hint' }, t('web.cert.deliveryHint'))),
    el('div', { class: 'field', 'data-field': 'expertKeys' }, el('label', { for: 'cert-expert-keys' }, t('web.cert.expertKeys')), expertKeys, el('p', { class: 'hint' }, t('web.cert.expertKeysHint'))),
  );
  role.addEventListener('change', () => (trainerFields.hidden = role.value !== 'trainer'));
  /** The request body: the person, the policy, and for a trainer the files' contents. */
  const evidence = async () => {
    const body = { userId: Number(person.value), policy: policy.value, role: role.value };
    if (role.value !== 'trainer') return body;
    const file = round.files?.[0];
    if (roundChoice.value) body.roundId = Number(roundChoice.value);
    else if (file) {
      try {
        body.calibration = JSON.parse(await file.text());
      } catch {
        throw new APIError(400, { error: { code: 'bad-request', field: 'calibration', message: t('web.cert.roundUnreadable') } });
      }
    }
    if (candidate.value.trim()) body.candidate = candidate.value.trim();
    if (deliveryChoice.value) {
      body.signOffId = deliveryChoice.value;
      return body;
    }
    if (delivery.files?.[0]) body.delivery = (await delivery.files[0].text()).replace(/\r\n/g, '\n');
    body.expertKeys = await Promise.all([...(expertKeys.files || [])].map((f) => f.text()));
    return body;
  };
  const general = el('div', { id: 'cert-errors', role: 'alert' });
  const result = el('div', { id: 'cert-evaluation', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'cert-evaluate' }, t('web.cert.evaluate'));
  const form = el(
    'form',
    { class: 'panel', id: 'cert-form', novalidate: true },
    el('h2', {}, t('web.cert.evaluateTitle')),
    el(
      'div',
      { class: 'form-grid' },
      el('div', { class: 'field', 'data-field': 'userId' }, el('label', { for: 'cert-person' }, t('web.cert.person')), person),
      el('div', { class: 'field', 'data-field': 'policy' }, el('label', { for: 'cert-policy' }, t('web.cert.policy')), policy, el('p', { class: 'hint' }, t('web.cert.policyHint'))),
      el('div', { class: 'field', 'data-field': 'role' }, el('label', { for: 'cert-role' }, t('web.cert.role')), role),
    ),
    trainerFields,
    general,
    submit,
    result,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    general.replaceChildren();
    result.replaceChildren();
    try {
      const body = await evidence();
      const evaluation = await http.post('/api/certification/evaluations', body);
      showEvaluation(result, evaluation, body, admin, context, refresh);
    } catch (error) {
      if (error instanceof APIError) showProblems(form, [{ field: error.field?.split(/[.[]/)[0], message: error.message }], general);
      else general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function showEvaluation(out, e, body, admin, context, refresh) {
  const reasons = e.reasons.map((r) =>
    el(
      'tr',
      { 'data-reason': r.code, 'data-passed': String(r.passed) },
      el('td', {}, reasonLabel(r.code)),
      el('td', { class: 'num' }, r.figure),
      el('td', { class: 'num nowrap' }, r.threshold),
      el('td', {}, el('span', { class: `badge ${r.passed ? 'done' : 'wrong'}` }, t(r.passed ? 'reason.pass' : 'reason.fail'))),
    ),
  );
  const ignored = e.evidence.ignored;
  const training = ignored.filter((i) => i.reason === 'trainingMode').length;
  const repeats = ignored.length - training;
  const a = e.accuracy;
  const reliability = e.reliability.kr20 === null || e.reliability.kr20 === undefined
    ? t('web.cert.notAvailable', { trainees: e.reliability.trainees })
    : t('web.cert.reliabilityText', { kr20: number(e.reliability.kr20, 2), trainees: e.reliability.trainees });
  const stages = e.byStage.map((s) =>
    el(
      'tr',
      { 'data-stage': s.stage },
      el('td', {}, t(`stage.${s.stage}`)),
      el('td', { class: 'num' }, s.detection.hitRate === null || s.detection.hitRate === undefined ? '—' : number(s.detection.hitRate, 2)),
      el('td', { class: 'num' }, s.detection.falseAlarmRate === null || s.detection.falseAlarmRate === undefined ? '—' : number(s.detection.falseAlarmRate, 2)),
      el('td', { class: 'num' }, s.detection.dPrime === null || s.detection.dPrime === undefined ? '—' : number(s.detection.dPrime, 2)),
    ),
  );
  const parts = [
    el(
      'div',
      { class: `verdict ${e.granted ? 'good' : 'bad'}`, id: 'cert-verdict', 'data-granted': String(e.granted), role: 'status' },
      el('strong', {}, t(e.granted ? 'web.cert.granted' : 'web.cert.refused', { name: e.subject.displayName, policy: e.policyVersion })),
    ),
    table([t('web.cert.requirement'), t('web.cert.figure'), t('web.cert.threshold'), t('web.cert.met')], reasons, { id: 'cert-reasons', class: 'dense' }),
    facts(
      [
        [t('web.cert.evidence'), t('web.cert.evidenceText', { distinct: e.evidence.distinctCases, concealment: e.evidence.concealmentCases, clean: e.evidence.cleanCases })],
        [t('web.cert.notCounted'), ignored.length ? t('web.cert.notCountedText', { training, repeats }) : '—'],
        [t('web.cert.errorRates'), t('web.cert.errorRatesText', { falsePass: percent(a.falsePassRate), below: number(a.bar - a.margin, 2), falseFail: percent(a.falseFailRate), above: number(a.bar + a.margin, 2), atBar: percent(a.passAtBar) })],
        [t('web.cert.reliability'), reliability],
        [t('web.cert.rubric'), `${e.rubric} · ${t('web.cert.meanScore', { score: number(e.meanScore, 2) })}`],
      ],
      { id: 'cert-facts' },
    ),
  ];
  if (stages.length) parts.push(el('h3', {}, t('web.cert.byStage')), table([t('web.cert.stage'), 'H', 'F', 'd′'], stages, { id: 'cert-stages', class: 'dense' }));
  if (e.calibration) {
    const c = e.calibration;
    const interval = (i) => (i ? ` [${number(i.lower, 2)}, ${number(i.upper, 2)}]` : '');
    parts.push(
      el('h3', {}, t('web.cert.agreement')),
      facts(
        [
          [t('reason.weightedKappa'), c.weightedKappaQuadratic === null || c.weightedKappaQuadratic === undefined ? '—' : `${number(c.weightedKappaQuadratic, 3)}${interval(c.weightedKappaQuadraticInterval)}`],
          [t('reason.alpha'), c.alphaWithReference === null || c.alphaWithReference === undefined ? '—' : `${number(c.alphaWithReference, 3)}${interval(c.alphaWithReferenceInterval)}`],
          [t('web.cert.graded'), t('web.cert.gradedText', { graded: c.itemsGraded, missing: c.itemsMissing })],
          [t('web.cert.missing'), c.missingItems.length ? c.missingItems.join(', ') : null],
        ],
        { id: 'cert-agreement' },
      ),
    );
  }
  if (e.granted && admin) parts.push(issueForm(e, body, context, refresh));
  else if (e.granted) parts.push(el('p', { class: 'hint' }, t('web.cert.adminIssues')));
  out.replaceChildren(...parts);
}

function issueForm(e, body, context, refresh) {
  const name = el('input', { type: 'text', id: 'cert-name', maxlength: 120, value: e.subject.displayName });
  const general = el('div', { id: 'cert-issue-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'cert-issue' }, t('web.cert.issue'));
  const form = el(
    'form',
    { class: 'issue-form', id: 'cert-issue-form', novalidate: true },
    el('div', { class: 'field', 'data-field': 'name' }, el('label', { for: 'cert-name' }, t('web.cert.printedName')), name, el('p', { class: 'hint' }, t('web.cert.issueHint'))),
    general,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      // The same evidence again: the server decides afresh before it signs.
      const issued = await http.post('/api/certification/certificates', { ...body, name: name.value.trim() });
      context.toast(t('web.cert.issued', { code: issued.verificationCode }), 'info');
      form.replaceChildren(el('p', { class: 'ok-text', id: 'cert-issued' }, t('web.cert.issued', { code: issued.verificationCode })));
      await refresh();
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError) showProblems(form, error.problems.length ? error.problems : [{ field: error.field, message: error.message }], general);
      else general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
    }
  });
  return form;
}

function renderCertificates(holder, certificates, admin, context, refresh) {
  if (!certificates.length) {
    holder.replaceChildren(el('p', { class: 'muted', id: 'certificates-none' }, t('web.cert.none')));
    return;
  }
  const rows = certificates.map((c) => {
    const base = `/api/certification/certificates/${encodeURIComponent(c.id)}`;
    const actions = el(
      'div',
      { class: 'row-actions' },
      el('a', { class: 'button small', href: `${base}/file`, download: `certificate-${c.id}.txt`, 'data-download': c.id }, t('web.cert.file')),
      el('a', { class: 'button small', href: `${base}/print`, target: '_blank', rel: 'noopener', 'data-print': c.id }, t('web.cert.print')),
    );
    if (admin && c.status !== 'revoked') {
      actions.append(
        el(
          'button',
          {
            type: 'button',
            class: 'small danger',
            'data-revoke': c.id,
            onclick: async () => {
              const reason = await reasonDialog(t('web.cert.revokeMessage', { name: c.subjectName, code: c.verificationCode }), { title: t('web.cert.revokeTitle'), label: t('web.cert.revokeReason'), confirm: t('web.cert.revoke'), danger: true });
              if (reason === null) return;
              try {
                await http.post(`${base}/revoke`, { reason });
                context.toast(t('web.cert.revoked', { code: c.verificationCode }), 'info');
              } catch (error) {
                context.toast(context.describe(error), 'error');
              }
              await refresh();
            },
          },
          t('web.cert.revoke'),
        ),
      );
    }
    const status = c.status === 'revoked' ? t('web.cert.status.revokedOn', { at: instant(c.revokedAt), reason: c.revocationReason || '—' }) : t(`web.cert.status.${c.status}`);
    return el(
      'tr',
      { 'data-certificate': c.id, 'data-status': c.status },
      el('td', {}, el('strong', {}, c.subjectName), el('div', { class: 'muted mono' }, c.subject)),
      el('td', {}, t(`certificate.role.${c.role}`)),
      el('td', { class: 'mono' }, c.policyVersion),
      el('td', { class: 'nowrap' }, instant(c.issuedAt), el('div', { class: 'muted' }, c.issuedBy)),
      el('td', { class: 'nowrap' }, instant(c.expiresAt)),
      el('td', { class: 'mono nowrap', 'data-code': c.verificationCode }, c.verificationCode),
      el('td', {}, el('span', { class: `badge ${c.status === 'valid' ? 'done' : 'wrong'}` }, t(`web.cert.status.${c.status}`)), c.status === 'revoked' ? el('div', { class: 'muted small' }, status) : null),
      el('td', {}, actions),
    );
  });
  holder.replaceChildren(
    el(
      'div',
      { class: 'scroll-x' },
      table(
        [t('web.cert.holder'), t('web.cert.role'), t('web.cert.policy'), t('certificate.issued'), t('certificate.expires'), t('web.cert.code'), t('web.cert.statusLabel'), t('web.cert.actions')],
        rows,
        { id: 'certificate-table', class: 'dense' },
      ),
    ),
  );
}

// ---- calibration rounds ------------------------------------------------------------------------

/** A number with `digits` decimals and its interval, or a dash. */
function withInterval(value, interval, digits = 3) {
  if (value === null || value === undefined) return '—';
  return `${number(value, digits)}${interval ? ` [${number(interval.lower, 2)}, ${number(interval.upper, 2)}]` : ''}`;
}

async function renderRounds(body, context) {
  context.setTitle(t('web.rounds.title'));
  const [rounds, groups, users] = await Promise.all([http.get('/api/certification/rounds'), http.get('/api/groups'), http.get('/api/users')]);
  const staff = users.filter((u) => u.role !== 'trainee' && !u.disabled);
  const rows = rounds.map((r) =>
    el(
      'tr',
      { 'data-round': r.id, 'data-status': r.status },
      el('td', {}, el('a', { href: `#/console/certification/rounds/${r.id}` }, r.name)),
      el('td', {}, el('span', { class: `badge ${r.status === 'open' ? 'inprogress' : 'done'}` }, t(`web.rounds.status.${r.status}`))),
      el('td', { class: 'num' }, String(r.items.length)),
      el('td', {}, r.panel.join(', ')),
      el('td', {}, r.candidates.join(', ')),
      el('td', {}, r.yourRole ? t(`web.rounds.role.${r.yourRole}`) : '—'),
      el('td', { class: 'muted' }, `${instant(r.createdAt)} · ${r.createdBy}`),
    ),
  );
  const name = el('input', { type: 'text', id: 'round-name', maxlength: 120, required: true });
  const group = el('select', { id: 'round-group' }, ...groups.map((g) => el('option', { value: g.id }, `${g.title} · ${g.cohort || t('web.console.classes.people', { count: g.traineeCount })}`)));
  const pick = () => staff.map((u) => ({ user: u, box: el('input', { type: 'checkbox', value: u.username, 'data-username': u.username }) }));
  const panel = pick(), candidates = pick();
  const list = (id, boxes) => el('div', { class: 'flag-list', id }, ...boxes.map(({ user, box }) => el('label', { class: 'check' }, box, el('span', {}, `${user.displayName} (${user.username})`))));
  const maxItems = el('input', { type: 'number', id: 'round-max', min: 1, max: 200, value: 30 });
  const general = el('div', { id: 'round-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'round-submit' }, t('web.rounds.create'));
  const form = el(
    'form',
    { class: 'panel', id: 'round-form', novalidate: true },
    el('h2', {}, t('web.rounds.new')),
    el('p', { class: 'hint' }, t('web.rounds.newHint')),
    el(
      'div',
      { class: 'form-grid' },
      el('div', { class: 'field', 'data-field': 'name' }, el('label', { for: 'round-name' }, t('web.rounds.name')), name),
      el('div', { class: 'field', 'data-field': 'groupId' }, el('label', { for: 'round-group' }, t('web.rounds.class')), group),
      el('div', { class: 'field', 'data-field': 'maxItems' }, el('label', { for: 'round-max' }, t('web.rounds.maxItems')), maxItems),
      el('fieldset', { class: 'field wide', 'data-field': 'panel' }, el('legend', {}, t('web.rounds.panel')), list('round-panel', panel)),
      el('fieldset', { class: 'field wide', 'data-field': 'candidates' }, el('legend', {}, t('web.rounds.candidates')), list('round-candidates', candidates)),
    ),
    general,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    const payload = {
      name: name.value.trim(),
      groupId: Number(group.value),
      panel: panel.filter((p) => p.box.checked).map((p) => p.box.value),
      candidates: candidates.filter((p) => p.box.checked).map((p) => p.box.value),
      maxItems: Number(maxItems.value),
    };
    try {
      const made = await http.post('/api/certification/rounds', payload);
      location.hash = `#/console/certification/rounds/${made.id}`;
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError) showProblems(form, [{ field: error.field?.split(/[.[]/)[0], message: error.message }], general);
      else general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
    }
  });
  clear(body).append(
    el('p', {}, el('a', { href: '#/console/certification' }, `← ${t('web.console.nav.certification')}`)),
    pageHead(t('web.rounds.title')),
    el('p', { class: 'hint' }, t('web.rounds.intro')),
    rounds.length
      ? el('div', { class: 'panel' }, table([t('web.rounds.name'), t('web.cert.statusLabel'), t('web.rounds.items'), t('web.rounds.panel'), t('web.rounds.candidates'), t('web.rounds.yourRole'), t('web.console.classes.made')], rows, { id: 'round-table', class: 'dense' }))
      : el('p', { class: 'muted', id: 'rounds-none' }, t('web.rounds.none')),
    groups.length ? form : el('p', { class: 'muted' }, t('web.rounds.noClass')),
  );
}

async function renderRound(body, id, context) {
  const round = await http.get(`/api/certification/rounds/${encodeURIComponent(id)}`);
  context.setTitle(round.name);
  const base = `/api/certification/rounds/${round.id}`;
  const parts = [
    el('p', {}, el('a', { href: '#/console/certification/rounds' }, `← ${t('web.rounds.title')}`)),
    pageHead(round.name),
    facts(
      [
        [t('web.cert.statusLabel'), t(`web.rounds.status.${round.status}`)],
        [t('web.rounds.scale'), round.scale.join(' < ')],
        [t('web.rounds.items'), String(round.items.length)],
        [t('web.rounds.panel'), round.panel.join(', ')],
        [t('web.rounds.candidates'), round.candidates.join(', ')],
        [t('web.rounds.yourRole'), round.yourRole ? t(`web.rounds.role.${round.yourRole}`) : '—'],
      ],
      { id: 'round-facts' },
    ),
  ];
  if (round.status === 'open' && round.yourRole) {
    const status = el('p', { class: 'hint', role: 'status', id: 'grade-status' });
    const rows = round.items.map((item) => {
      const select = el(
        'select',
        { 'data-item': item.id, 'aria-label': t('web.rounds.gradeOf', { item: item.id }) },
        el('option', { value: '' }, '—'),
        ...round.scale.map((g) => el('option', { value: g, selected: round.yourGrades[item.id] === g }, g)),
      );
      select.addEventListener('change', async () => {
        if (!select.value) return;
        try {
          await http.put(`${base}/grades`, { item: item.id, grade: select.value });
          status.textContent = t('web.rounds.saved', { item: item.id, grade: select.value });
        } catch (error) {
          status.textContent = context.describe(error);
        }
      });
      return el(
        'tr',
        { 'data-item': item.id },
        el('td', { class: 'mono' }, item.id),
        el('td', {}, el('a', { href: `#/console/classes/${item.groupId}/attempts/${item.assignmentId}/${encodeURIComponent(item.caseId)}`, target: '_blank', rel: 'noopener' }, t('web.rounds.openAttempt'))),
        el('td', {}, select),
      );
    });
    parts.push(
      el(
        'div',
        { class: 'panel' },
        el('h2', {}, t('web.rounds.yourGrades')),
        el('p', { class: 'hint' }, t('web.rounds.gradeHint')),
        table([t('web.rounds.item'), t('web.rounds.attempt'), t('web.rounds.grade')], rows, { id: 'round-grades', class: 'dense' }),
        status,
      ),
    );
  }
  parts.push(
    el(
      'div',
      { class: 'panel' },
      el('h2', {}, t('web.rounds.progress')),
      table(
        [t('web.rounds.grader'), t('web.cert.role'), t('web.rounds.graded')],
        round.progress.map((p) => el('tr', { 'data-grader': p.grader }, el('td', {}, p.grader), el('td', {}, t(`web.rounds.role.${p.role}`)), el('td', { class: 'num' }, `${p.graded} / ${round.items.length}`))),
        { id: 'round-progress', class: 'dense' },
      ),
    ),
  );
  if (round.status === 'open' && (round.createdBy === context.user.username || context.user.role === 'admin')) {
    const error = el('p', { class: 'error-text', role: 'alert', id: 'round-close-error' });
    const close = el('button', { type: 'button', class: 'primary', id: 'round-close' }, t('web.rounds.close'));
    close.addEventListener('click', async () => {
      close.disabled = true;
      try {
        await http.post(`${base}/close`, {});
        await renderRound(body, id, context);
      } catch (e) {
        close.disabled = false;
        error.textContent = context.describe(e);
      }
    });
    parts.push(el('div', { class: 'form-actions' }, close, el('span', { class: 'hint' }, t('web.rounds.closeHint'))), error);
  }
  if (round.results) {
    const r = round.results;
    const rows = r.candidates.map((c) =>
      el(
        'tr',
        { 'data-candidate': c.candidate },
        el('td', {}, c.candidate),
        el('td', { class: 'num' }, `${c.itemsGraded} / ${c.itemsGraded + c.itemsMissing}`),
        el('td', { class: 'num' }, withInterval(c.weightedKappaQuadratic, c.weightedKappaQuadraticInterval)),
        el('td', { class: 'num' }, withInterval(c.alphaWithReference, c.alphaWithReferenceInterval)),
        el('td', { class: 'num' }, withInterval(c.kappa, null)),
        el('td', {}, c.missingItems.length ? c.missingItems.join(', ') : '—'),
      ),
    );
    parts.push(
      el(
        'div',
        { class: 'panel', id: 'round-results' },
        el('h2', {}, t('web.rounds.results')),
        el('p', { class: 'hint' }, t('web.rounds.resultsHint', { items: r.itemCount, trainees: r.distinctTrainees, panelAlpha: r.panelAlphaOrdinal === null || r.panelAlphaOrdinal === undefined ? '—' : number(r.panelAlphaOrdinal, 3) })),
        table([t('web.rounds.candidate'), t('web.rounds.graded'), t('reason.weightedKappa'), t('reason.alpha'), t('reason.kappa'), t('web.cert.missing')], rows, { id: 'round-results-table', class: 'dense' }),
      ),
    );
  }
  clear(body).append(...parts);
}

// ---- supervised delivery sign-offs -----------------------------------------------------------------

/** The sign-offs recorded, and (administrators) a form to record one: the expert's signed file and public key. */
function signOffPanel(signOffs, admin, context) {
  const rows = signOffs.map((d) =>
    el(
      'tr',
      { 'data-signoff': d.id },
      el('td', {}, d.trainer),
      el('td', {}, d.expert, el('div', { class: 'muted mono' }, d.keyId)),
      el('td', {}, d.course),
      el('td', { class: 'nowrap' }, d.deliveredOn),
      el('td', {}, el('span', { class: `badge ${d.outcome === 'signedOff' ? 'done' : 'wrong'}` }, t(`web.cert.outcome.${d.outcome}`))),
      el('td', { class: 'muted' }, `${instant(d.recordedAt)} · ${d.recordedBy}`),
    ),
  );
  const parts = [
    el('h2', {}, t('web.cert.signOffs')),
    el('p', { class: 'hint' }, t('web.cert.signOffsIntro')),
    signOffs.length
      ? table([t('web.cert.trainer'), t('web.cert.expert'), t('web.cert.course'), t('web.cert.deliveredOn'), t('web.cert.outcome'), t('web.cert.recorded')], rows, { id: 'signoff-table', class: 'dense' })
      : el('p', { class: 'muted', id: 'signoffs-none' }, t('web.cert.signOffsNone')),
  ];
  if (admin) {
    const file = el('input', { type: 'file', id: 'signoff-file', accept: '.txt,text/plain' });
    const key = el('input', { type: 'file', id: 'signoff-key', accept: '.pub,text/plain' });
    const general = el('div', { id: 'signoff-errors', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'primary', id: 'signoff-submit' }, t('web.cert.recordSignOff'));
    const form = el(
      'form',
      { class: 'issue-form', id: 'signoff-form', novalidate: true },
      el(
        'div',
        { class: 'form-grid' },
        el('div', { class: 'field', 'data-field': 'delivery' }, el('label', { for: 'signoff-file' }, t('web.cert.delivery')), file),
        el('div', { class: 'field', 'data-field': 'expertKey' }, el('label', { for: 'signoff-key' }, t('web.cert.expertKey')), key),
      ),
      general,
      submit,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!file.files?.[0] || !key.files?.[0]) {
        general.replaceChildren(el('p', { class: 'error-text' }, t('web.cert.signOffMissing')));
        return;
      }
      submit.disabled = true;
      try {
        const payload = { delivery: (await file.files[0].text()).replace(/\r\n/g, '\n'), expertKey: await key.files[0].text() };
        const recorded = await http.post('/api/certification/signoffs', payload);
        context.toast(t('web.cert.signOffRecorded', { trainer: recorded.trainer, expert: recorded.expert }), 'info');
        location.reload();
      } catch (error) {
        submit.disabled = false;
        if (error instanceof APIError) showProblems(form, [{ field: error.field, message: error.message }], general);
        else general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
      }
    });
    parts.push(form);
  }
  return el('div', { class: 'panel', id: 'signoff-panel' }, ...parts);
}
