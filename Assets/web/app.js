// CargoSim in the browser: the trainee workspace (log-in, assignments, and a case worked stage by stage at a
// port control unit's desk) and, for instructors and admins, the console (js/console/). Routes (in the
// URL's hash): #/ assignments (the console for staff), #/assignments/{aid}, #/assignments/{aid}/cases/{cid},
// #/console/<section>/....
//
// Answer-key isolation on this side: feedback is requested only once the case's last stage is decided
// (the server refuses earlier anyway), and nothing of a later stage is fetched before it opens.

import { api, APIError, setCSRFToken } from './js/api.js';
import { t, setLanguage, language, browserLanguage, instant, LANGUAGES } from './js/i18n.js';
import { el, clear, table } from './js/dom.js';
import { renderTargeting, targetingDecision } from './js/stages/targeting.js';
import { renderScreening, screeningDecision } from './js/stages/screening.js';
import { renderExamination, examinationDecision } from './js/stages/examination.js';
import { renderEvidence, evidenceDecision } from './js/stages/evidence.js';
import { renderFeedback } from './js/stages/feedback.js';
import { renderConsole } from './js/console/shell.js';

const main = document.getElementById('main');
const session = { user: null };

// ---- shell ----------------------------------------------------------------------------------

function toast(message, kind = 'error') {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), kind === 'info' ? 3000 : 6000);
}

/** Hides the message at once (a new page or another language makes it stale). */
function hideToast() {
  clearTimeout(toast.timer);
  document.getElementById('toast').hidden = true;
}

/** A readable sentence for an API error. */
function describe(error) {
  if (error instanceof APIError) {
    const key = `web.error.${error.code}`;
    const text = t(key);
    return text === key ? t('web.error.generic', { status: error.status }) : text;
  }
  return t('web.error.network', { message: error.message });
}

function renderHeader() {
  const right = document.getElementById('header-right');
  right.setAttribute('aria-label', t('web.account'));
  document.getElementById('skip-link').textContent = t('web.skipToContent');
  const select = el(
    'select',
    { id: 'language-select', 'aria-label': t('web.language') },
    ...LANGUAGES.map((lang) => el('option', { value: lang, selected: lang === language() }, t(`web.languageName.${lang}`))),
  );
  select.addEventListener('change', () => changeLanguage(select.value));
  const parts = [el('label', { for: 'language-select' }, t('web.language')), select];
  if (session.user) {
    parts.unshift(el('span', { class: 'who' }, t('web.signedInAs'), ' ', el('strong', {}, session.user.displayName)));
    parts.push(el('button', { type: 'button', id: 'logout', onclick: logout }, t('web.logout')));
  }
  right.replaceChildren(...parts);
}

async function changeLanguage(lang) {
  hideToast();
  await setLanguage(lang);
  if (session.user) {
    try {
      session.user = await api.setLanguage(lang);
    } catch (error) {
      toast(describe(error));
    }
  } else {
    localStorage.setItem('cargosim.language', lang);
  }
  renderHeader();
  route();
}

async function logout() {
  try {
    await api.logout();
  } catch {
    // the session may already be gone; the log-in page is right either way
  }
  session.user = null;
  setCSRFToken(null);
  renderHeader();
  location.hash = '#/';
  renderLogin();
}

function setTitle(text) {
  document.title = text ? `${text} — CargoSim` : 'CargoSim';
}

function focusMain() {
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// ---- log-in ---------------------------------------------------------------------------------

function renderLogin(message) {
  setTitle(t('web.login.title'));
  const error = el('p', { class: 'error-text', id: 'login-error', role: 'alert' }, message || '');
  const username = el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const button = el('button', { type: 'submit', class: 'primary', id: 'login-button' }, t('web.login.submit'));
  const form = el(
    'form',
    { class: 'login', id: 'login-form', novalidate: true },
    el('h1', {}, t('web.login.title')),
    el('p', { class: 'muted' }, t('web.login.intro')),
    el('div', { class: 'field' }, el('label', { for: 'username' }, t('web.login.username')), username),
    el('div', { class: 'field' }, el('label', { for: 'password' }, t('web.login.password')), password),
    error,
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!username.value || !password.value) {
      error.textContent = t('web.login.missing');
      return;
    }
    button.disabled = true;
    try {
      const answer = await api.login(username.value.trim(), password.value);
      await signedIn(answer);
    } catch (err) {
      error.textContent =
        err instanceof APIError && err.code === 'unauthenticated' ? t('web.login.wrong') : describe(err);
      button.disabled = false;
      password.select();
    }
  });
  clear(main).append(form);
  username.focus();
}

async function signedIn(answer) {
  session.user = answer.user;
  setCSRFToken(answer.csrfToken);
  await setLanguage(answer.user.language || language());
  renderHeader();
  route();
}

// ---- assignments ----------------------------------------------------------------------------

async function renderAssignments() {
  setTitle(t('web.assignments.title'));
  const list = await api.assignments();
  const cards = list.map((a) => {
    const percent = a.caseCount ? Math.round((100 * a.submittedCount) / a.caseCount) : 0;
    return el(
      'a',
      { class: 'card', href: `#/assignments/${a.id}`, 'data-assignment': a.id },
      el('div', {}, el('span', { class: `badge ${a.mode}` }, t(`mode.${a.mode}`))),
      el('h2', {}, a.title),
      el('div', { class: 'muted' }, t('web.assignments.assignedAt', { date: instant(a.assignedAt) })),
      el(
        'div',
        { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': a.caseCount, 'aria-valuenow': a.submittedCount, 'aria-label': t('web.assignments.progress') },
        el('span', { style: `width:${percent}%` }),
      ),
      el('div', {}, t('web.assignments.submitted', { done: a.submittedCount, total: a.caseCount })),
      a.mode === 'test' ? el('div', { class: 'muted' }, t(a.resultsReleased ? 'web.assignments.released' : 'web.assignments.notReleased')) : null,
    );
  });
  clear(main).append(
    el('h1', {}, t('web.assignments.title')),
    list.length ? el('div', { class: 'cards' }, ...cards) : el('p', { class: 'muted' }, t('web.assignments.none')),
  );
}

async function renderAssignment(aid) {
  const a = await api.assignment(aid);
  setTitle(a.title);
  const rows = a.cases.map((c) =>
    el(
      'tr',
      { 'data-case': c.caseId },
      el('td', {}, String(c.position + 1)), // positions count from 0 on the wire, from 1 for people
      el(
        'td',
        {},
        el('a', { href: `#/assignments/${aid}/cases/${c.caseId}` }, c.caseId),
        c.stages?.length === 1 ? el('span', { class: 'badge docs-only', title: t('web.assignment.documentsOnlyHint') }, t('web.assignment.documentsOnly')) : null,
      ),
      el('td', {}, el('span', { class: `badge ${c.status === 'submitted' ? 'done' : c.status === 'in-progress' ? 'inprogress' : ''}` }, t(`web.caseStatus.${c.status}`))),
      el('td', {}, c.currentStage ? t(`stage.${c.currentStage}`) : '—'),
      el(
        'td',
        {},
        el('a', { class: 'button', href: `#/assignments/${aid}/cases/${c.caseId}` }, t(c.status === 'submitted' ? 'web.case.review' : c.status === 'new' ? 'web.case.start' : 'web.case.continue')),
      ),
    ),
  );
  clear(main).append(
    el('p', {}, el('a', { href: '#/' }, `← ${t('web.assignments.title')}`)),
    el('div', { class: 'desk-head' }, el('h1', { style: 'font-family:inherit' }, a.title), el('span', { class: `badge ${a.mode}` }, t(`mode.${a.mode}`))),
    a.mode === 'test' ? el('p', { class: 'muted' }, t('web.assignment.testNote')) : el('p', { class: 'muted' }, t('web.assignment.trainingNote')),
    el(
      'div',
      { class: 'panel' },
      table(
        [t('web.assignment.position'), t('label.case'), t('web.assignment.status'), t('web.assignment.stage'), ''],
        rows,
        { class: 'case-table', id: 'case-table' },
      ),
    ),
  );
}

// ---- the case desk --------------------------------------------------------------------------

const RENDERERS = {
  targeting: { render: renderTargeting, decision: targetingDecision },
  screening: { render: renderScreening, decision: screeningDecision },
  examination: { render: renderExamination, decision: examinationDecision },
  evidence: { render: renderEvidence, decision: evidenceDecision },
};

let desk = null;

async function renderCase(aid, cid, tab) {
  desk?.teardown?.();
  const view = await api.caseView(aid, cid);
  const c = view.case;
  const submitted = view.currentStage === null;
  const shown = tab && (view.decided.includes(tab) || tab === view.currentStage) ? tab : submitted ? 'feedback' : view.currentStage;
  setTitle(`${t('label.case')} ${cid}`);
  const context = {
    aid,
    cid,
    view,
    api,
    toast,
    describe,
    readOnly: shown !== view.currentStage,
    reload: (next) => navigate(aid, cid, next),
  };
  const stepItems = view.stages.map((stage, i) => {
    const decided = view.decided.includes(stage);
    const current = stage === view.currentStage;
    const state = decided ? 'decided' : current ? 'current' : 'locked';
    return el(
      'li',
      {},
      el(
        'button',
        {
          type: 'button',
          class: state,
          disabled: state === 'locked',
          'aria-current': shown === stage ? 'page' : null,
          'data-stage': stage,
          onclick: () => navigate(aid, cid, stage),
        },
        el('span', { class: 'n', 'aria-hidden': 'true' }, decided ? '✓' : String(i + 1)),
        el('span', {}, t(`stage.${stage}`), el('span', { class: 'state' }, t(`web.stageState.${state}`))),
      ),
    );
  });
  if (submitted) {
    stepItems.push(
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', class: 'current', 'aria-current': shown === 'feedback' ? 'page' : null, 'data-stage': 'feedback', onclick: () => navigate(aid, cid, 'feedback') },
          el('span', { class: 'n', 'aria-hidden': 'true' }, '★'),
          el('span', {}, t(view.mode === 'test' ? 'web.feedback.resultTab' : 'web.feedback.tab'), el('span', { class: 'state' }, t('web.stageState.submitted'))),
        ),
      ),
    );
  }
  const head = el(
    'div',
    { class: 'desk-head' },
    el('a', { href: `#/assignments/${aid}` }, `← ${t('web.case.backToList')}`),
    el('h1', {}, cid),
    el('span', { class: `badge ${view.mode}` }, t(`mode.${view.mode}`)),
    el(
      'span',
      { class: 'meta' },
      `${t(`vantage.${c.vantage}`)} · ${c.inspectionPort.name} (${c.inspectionPort.locode}) · ${c.inspectionDate}`,
    ),
  );
  const stepper = el('ol', { class: 'stepper', 'aria-label': t('web.case.stages') }, ...stepItems);
  const body = el('div', { id: 'stage-body' });
  clear(main).append(head, stepper, body);
  if (shown === 'feedback') {
    desk = await renderFeedback(body, context);
  } else {
    const renderer = RENDERERS[shown];
    const work = el('div', { class: 'work' });
    const side = el('aside', { class: 'decision', 'aria-label': t('web.decision.title') });
    body.append(el('div', { class: `desk ${shown === 'screening' ? 'wide' : ''}` }, work, side));
    desk = await renderer.render(work, context);
    renderDecisionPanel(side, shown, context, renderer.decision);
  }
}

function renderDecisionPanel(side, stage, context, decisionUI) {
  const { view } = context;
  if (context.readOnly) {
    side.classList.add('read-only');
    side.append(el('h2', {}, t('web.decision.decidedTitle')), el('p', {}, t('web.decision.decidedNote')));
    if (view.currentStage) {
      side.append(el('button', { type: 'button', class: 'primary', onclick: () => context.reload(view.currentStage) }, t('web.decision.goToCurrent', { stage: t(`stage.${view.currentStage}`) })));
    }
    return;
  }
  const isLast = view.stages[view.stages.length - 1] === stage;
  side.append(el('h2', {}, t('web.decision.titleFor', { stage: t(`stage.${stage}`) })));
  const form = el('form', { id: 'decision-form', novalidate: true });
  const collect = decisionUI(form, context, desk);
  const message = el('p', { class: 'error-text', role: 'alert', id: 'decision-error' });
  const confirm = el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'decision-confirm' }), t(isLast ? 'web.decision.confirmFinal' : 'web.decision.confirm'));
  const submit = el('button', { type: 'submit', class: isLast ? 'final' : 'primary', id: 'decision-submit' }, t(isLast ? 'web.decision.submitFinal' : 'web.decision.submit'));
  // Kept at the foot of the panel however long the stage's form: the button never scrolls out of reach.
  form.append(el('div', { class: 'submit-bar' }, el('p', { class: 'final-note' }, t('web.decision.finalNote')), confirm, message, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const decision = collect();
    if (decision.error) {
      message.textContent = decision.error;
      return;
    }
    if (!form.querySelector('#decision-confirm').checked) {
      message.textContent = t('web.decision.confirmMissing');
      return;
    }
    submit.disabled = true;
    message.textContent = '';
    try {
      const answer = await api.decide(context.aid, context.cid, { stage, ...decision.value });
      toast(answer.final ? t('web.decision.submittedFinal') : t('web.decision.submitted', { stage: t(`stage.${stage}`) }), 'info');
      context.reload(answer.nextStage || 'feedback');
    } catch (error) {
      message.textContent = describe(error);
      submit.disabled = false;
    }
  });
  side.append(form);
}

function navigate(aid, cid, stage) {
  const target = `#/assignments/${aid}/cases/${cid}${stage ? `/${stage}` : ''}`;
  if (location.hash === target) route();
  else location.hash = target;
}

// ---- routing --------------------------------------------------------------------------------

async function route() {
  if (!session.user) {
    renderLogin();
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const staff = session.user.role === 'instructor' || session.user.role === 'admin';
  try {
    if (staff && (parts[0] === 'console' || parts.length === 0)) {
      desk?.teardown?.();
      await renderConsole(main, parts.slice(1), { user: session.user, toast, describe, setTitle });
    } else if (parts[0] === 'assignments' && parts[1] && parts[2] === 'cases' && parts[3]) {
      await renderCase(parts[1], parts[3], parts[4]);
    } else if (parts[0] === 'assignments' && parts[1]) {
      desk?.teardown?.();
      await renderAssignment(parts[1]);
    } else {
      desk?.teardown?.();
      await renderAssignments();
    }
    focusMain();
  } catch (error) {
    if (error instanceof APIError && error.status === 401) {
      session.user = null;
      renderHeader();
      renderLogin(t('web.login.expired'));
      return;
    }
    clear(main).append(
      el('div', { class: 'panel', role: 'alert' }, el('h1', {}, t('web.error.title')), el('p', {}, describe(error)), el('a', { href: '#/' }, t('web.assignments.title'))),
    );
  }
}

async function boot() {
  await setLanguage(localStorage.getItem('cargosim.language') || browserLanguage());
  try {
    const me = await api.me();
    session.user = me.user;
    setCSRFToken(me.csrfToken);
    await setLanguage(me.user.language || language());
  } catch {
    session.user = null;
  }
  renderHeader();
  window.addEventListener('hashchange', route);
  await route();
}

boot();
