// Classes: the class assignments (a course given to a cohort or to people at once), a form to make one, and
// the class's own pages (watching it: watch.js; the projector debrief: debrief.js).

import { http, APIError } from '../api.js';
import { el, clear, table } from '../dom.js';
import { t, instant } from '../i18n.js';
import { pageHead, showProblems } from './shell.js';

export async function render(body, parts, context) {
  if (parts[0] === 'new') return renderNewClass(body, context);
  if (parts[0] && parts[1] === 'debrief') return (await import('./debrief.js')).render(body, parts, context);
  if (parts[0]) return (await import('./watch.js')).render(body, parts, context);
  return renderClasses(body, context);
}

function windowText(g) {
  const from = g.opensAt ? t('web.console.classes.opens', { at: instant(g.opensAt) }) : '';
  const to = g.closesAt ? t('web.console.classes.closes', { at: instant(g.closesAt) }) : '';
  const limit = g.caseTimeLimitMinutes ? t('web.console.classes.limit', { minutes: g.caseTimeLimitMinutes }) : '';
  return [from, to, limit].filter(Boolean).join(' · ') || '—';
}

async function renderClasses(body, context) {
  context.setTitle(t('web.console.nav.classes'));
  const groups = await http.get('/api/groups');
  const rows = groups.map((g) =>
    el(
      'tr',
      { 'data-group': g.id },
      el('td', {}, el('a', { href: `#/console/classes/${g.id}` }, g.title)),
      el('td', {}, el('span', { class: `badge ${g.mode}` }, t(`mode.${g.mode}`))),
      el('td', {}, g.cohort || t('web.console.classes.people', { count: g.traineeCount })),
      el('td', { class: 'num' }, String(g.traineeCount)),
      el('td', {}, windowText(g)),
      el('td', {}, g.mode === 'test' ? t(g.resultsReleased ? 'web.assignments.released' : 'web.assignments.notReleased') : '—'),
      el('td', { class: 'muted' }, `${instant(g.createdAt)} · ${g.createdBy}`),
    ),
  );
  clear(body).append(
    pageHead(t('web.console.nav.classes'), el('a', { class: 'button primary', href: '#/console/classes/new', id: 'new-class' }, t('web.console.classes.new'))),
    groups.length
      ? el('div', { class: 'panel' }, table(
          [t('web.console.course'), t('web.console.classes.mode'), t('web.console.classes.who'), t('web.console.classes.trainees'), t('web.console.classes.window'), t('web.console.classes.results'), t('web.console.classes.made')],
          rows,
          { id: 'class-table' },
        ))
      : el('p', { class: 'muted' }, t('web.console.classes.none')),
  );
}

/** `datetime-local` text (the browser's time zone) to an ISO instant, or undefined when empty. */
function isoFromLocal(value) {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? 'invalid' : date.toISOString();
}

async function renderNewClass(body, context) {
  context.setTitle(t('web.console.classes.new'));
  const [courses, users, cohorts] = await Promise.all([http.get('/api/courses'), http.get('/api/users'), http.get('/api/cohorts')]);
  const trainees = users.filter((u) => u.role === 'trainee' && !u.disabled);
  const course = el('select', { id: 'class-course', required: true }, ...courses.map((c) => el('option', { value: c.id }, `${c.title} (${c.caseCount})`)));
  const mode = el('select', { id: 'class-mode' }, el('option', { value: 'training' }, t('mode.training')), el('option', { value: 'test' }, t('mode.test')));
  const whoCohort = el('input', { type: 'radio', name: 'who', value: 'cohort', id: 'who-cohort', checked: cohorts.length > 0 });
  const whoPeople = el('input', { type: 'radio', name: 'who', value: 'people', id: 'who-people', checked: cohorts.length === 0 });
  const cohort = el('select', { id: 'class-cohort' }, ...cohorts.map((c) => el('option', { value: c.name }, `${c.name} (${c.members.length})`)));
  const people = trainees.map((u) => ({ user: u, box: el('input', { type: 'checkbox', value: u.id, 'data-username': u.username }) }));
  const peopleList = el('div', { class: 'flag-list', id: 'class-people' }, ...people.map(({ user, box }) => el('label', { class: 'check' }, box, el('span', {}, `${user.displayName} (${user.username})`))));
  const opens = el('input', { type: 'datetime-local', id: 'class-opens' });
  const closes = el('input', { type: 'datetime-local', id: 'class-closes' });
  const limit = el('input', { type: 'number', min: 1, max: 600, id: 'class-limit', placeholder: '—' });
  const override = el('input', { type: 'checkbox', id: 'class-override' });
  const overrideRow = el('div', { class: 'field wide', hidden: true, 'data-field': 'overrideModeConflict' }, el('label', { class: 'check' }, override, el('span', {}, t('web.console.classes.override'))));
  const general = el('div', { id: 'class-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'class-submit' }, t('web.console.classes.assign'));
  const limitRow = el('div', { class: 'field', 'data-field': 'caseTimeLimitMinutes' }, el('label', { for: 'class-limit' }, t('web.console.classes.limitLabel')), limit, el('p', { class: 'hint' }, t('web.console.classes.limitHint')));
  const syncMode = () => (limitRow.hidden = mode.value !== 'test');
  mode.addEventListener('change', syncMode);
  syncMode();
  const form = el(
    'form',
    { class: 'panel', id: 'class-form', novalidate: true },
    el(
      'div',
      { class: 'form-grid' },
      el('div', { class: 'field', 'data-field': 'courseId' }, el('label', { for: 'class-course' }, t('web.console.course')), course),
      el('div', { class: 'field', 'data-field': 'mode' }, el('label', { for: 'class-mode' }, t('web.console.classes.mode')), mode, el('p', { class: 'hint' }, t('web.console.classes.modeHint'))),
      el('div', { class: 'field', 'data-field': 'opensAt' }, el('label', { for: 'class-opens' }, t('web.console.classes.opensLabel')), opens),
      el('div', { class: 'field', 'data-field': 'closesAt' }, el('label', { for: 'class-closes' }, t('web.console.classes.closesLabel')), closes),
      limitRow,
      el(
        'fieldset',
        { class: 'field wide', 'data-field': 'cohort' },
        el('legend', {}, t('web.console.classes.who')),
        el('label', { class: 'check' }, whoCohort, el('span', {}, t('web.console.classes.aCohort'))),
        cohort,
        el('label', { class: 'check' }, whoPeople, el('span', {}, t('web.console.classes.somePeople'))),
        el('div', { 'data-field': 'userIds' }, peopleList),
      ),
      overrideRow,
    ),
    general,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const payload = { courseId: course.value, mode: mode.value };
    if (whoCohort.checked) payload.cohort = cohort.value;
    else payload.userIds = people.filter((p) => p.box.checked).map((p) => Number(p.box.value));
    const opensAt = isoFromLocal(opens.value), closesAt = isoFromLocal(closes.value);
    if (opensAt) payload.opensAt = opensAt;
    if (closesAt) payload.closesAt = closesAt;
    if (mode.value === 'test' && limit.value) payload.caseTimeLimitMinutes = Number(limit.value);
    if (override.checked) payload.overrideModeConflict = true;
    submit.disabled = true;
    try {
      const made = await http.post('/api/groups', payload);
      context.toast(t('web.console.classes.madeToast', { count: made.assignmentIds.length }), 'info');
      location.hash = `#/console/classes/${made.id}`;
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError) {
        if (error.code === 'mode-conflict') overrideRow.hidden = false;
        const field = error.field && error.field.startsWith('userIds') ? 'userIds' : error.field;
        showProblems(form, error.problems.length ? error.problems : [{ field, message: error.message }], general);
      } else {
        general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
      }
    }
  });
  clear(body).append(
    el('p', {}, el('a', { href: '#/console/classes' }, `← ${t('web.console.nav.classes')}`)),
    pageHead(t('web.console.classes.new')),
    courses.length ? form : el('p', { class: 'muted' }, t('web.console.classes.noCourse')),
  );
}
