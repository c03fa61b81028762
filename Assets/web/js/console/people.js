// People: the accounts (trainees, and for admins the staff), adding one, enrolling a class from a CSV (all or
// none), resetting a password (shown once), disabling an account, and cohorts. Instructors manage trainees;
// actions on staff accounts appear to admins only (the server refuses them to instructors anyway).
// Routes: #/console/people, /people/new, /people/import, /people/cohorts.

import { http, APIError } from '../api.js';
import { el, clear, table } from '../dom.js';
import { t, LANGUAGES } from '../i18n.js';
import { pageHead, showProblems } from './shell.js';
import { confirmDialog, passwordDialog } from './dialogs.js';

const ROLES = ['trainee', 'instructor', 'admin'];

export async function render(body, parts, context) {
  if (parts[0] === 'new') return renderNewPerson(body, context);
  if (parts[0] === 'import') return renderImport(body, context);
  if (parts[0] === 'cohorts') return renderCohorts(body, context);
  return renderPeople(body, context);
}

/** May the signed-in user reset, disable or enable `user`? (The server's rule, to show only what works.) */
function mayManage(actor, user) {
  return actor.role === 'admin' || user.role === 'trainee';
}

function backLink() {
  return el('p', {}, el('a', { href: '#/console/people' }, `← ${t('web.console.nav.people')}`));
}

/** The cohorts each user id belongs to: Map<id, [name]>. */
function cohortsByUser(cohorts) {
  const map = new Map();
  for (const c of cohorts) for (const id of c.members) map.set(id, [...(map.get(id) || []), c.name]);
  return map;
}

function problemsTable(problems, id) {
  return el(
    'div',
    { class: 'problems', role: 'alert', id },
    el('p', { class: 'error-text' }, t('web.console.people.csvRefused', { count: problems.length })),
    table(
      [t('web.console.lineHead'), t('web.console.field'), t('web.console.problem')],
      problems.map((p) => el('tr', { 'data-line': p.line ?? '' }, el('td', { class: 'num' }, p.line ?? '—'), el('td', { class: 'mono' }, p.field ?? '—'), el('td', {}, p.message))),
    ),
  );
}

// ---- the list ---------------------------------------------------------------------------------

async function renderPeople(body, context) {
  context.setTitle(t('web.console.nav.people'));
  const [users, cohorts] = await Promise.all([http.get('/api/users'), http.get('/api/cohorts')]);
  const memberships = cohortsByUser(cohorts);
  const me = context.user;
  const filter = el('input', { type: 'search', id: 'people-filter', placeholder: t('web.console.people.filterHint') });
  const roleFilter = el(
    'select',
    { id: 'people-role' },
    el('option', { value: '' }, t('web.console.people.allRoles')),
    ...ROLES.map((r) => el('option', { value: r }, t(`web.console.role.${r}`))),
  );
  const count = el('p', { class: 'hint', role: 'status', id: 'people-count' });

  const actions = (user) => {
    if (!mayManage(me, user) || user.id === me.id) return el('span', { class: 'muted' }, '—');
    const reset = el('button', { type: 'button', class: 'small', 'data-action': 'reset' }, t('web.console.people.reset'));
    reset.addEventListener('click', async () => {
      if (!(await confirmDialog(t('web.console.people.resetConfirm', { name: user.displayName, username: user.username }), { confirm: t('web.console.people.reset') }))) return;
      try {
        const answer = await http.post(`/api/users/${user.id}/password`);
        await passwordDialog([answer], { title: t('web.console.people.resetTitle'), intro: t('web.console.people.resetIntro') });
      } catch (error) {
        context.toast(context.describe(error));
      }
    });
    const toggle = el(
      'button',
      { type: 'button', class: user.disabled ? 'small' : 'small danger', 'data-action': user.disabled ? 'enable' : 'disable' },
      t(user.disabled ? 'web.console.people.enable' : 'web.console.people.disable'),
    );
    toggle.addEventListener('click', async () => {
      const verb = user.disabled ? 'enable' : 'disable';
      const ok = await confirmDialog(t(`web.console.people.${verb}Confirm`, { name: user.displayName, username: user.username }), {
        confirm: t(`web.console.people.${verb}`),
        danger: !user.disabled,
      });
      if (!ok) return;
      try {
        await http.post(`/api/users/${user.id}/${verb}`);
        context.toast(t(`web.console.people.${verb}Done`, { username: user.username }), 'info');
        await renderPeople(body, context);
      } catch (error) {
        context.toast(error instanceof APIError && error.message && error.status < 500 ? error.message : context.describe(error));
      }
    });
    return el('div', { class: 'row-actions' }, reset, toggle);
  };

  const rows = users.map((u) => ({
    user: u,
    row: el(
      'tr',
      { 'data-user': u.username, class: u.disabled ? 'disabled-row' : null },
      el('td', {}, el('strong', {}, u.displayName), u.id === me.id ? el('span', { class: 'muted' }, ` (${t('web.console.people.you')})`) : null),
      el('td', { class: 'mono' }, u.username),
      el('td', {}, el('span', { class: `badge role-${u.role}` }, t(`web.console.role.${u.role}`))),
      el('td', {}, t(`web.languageName.${u.language}`)),
      el('td', {}, (memberships.get(u.id) || []).join(', ') || el('span', { class: 'muted' }, '—')),
      el('td', {}, u.disabled ? el('span', { class: 'badge off' }, t('web.console.people.disabled')) : el('span', { class: 'badge done' }, t('web.console.people.active'))),
      el('td', {}, actions(u)),
    ),
  }));
  const tbody = el('tbody', {});
  const apply = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = rows.filter(({ user }) => (!roleFilter.value || user.role === roleFilter.value) && (!q || `${user.displayName} ${user.username} ${(memberships.get(user.id) || []).join(' ')}`.toLowerCase().includes(q)));
    tbody.replaceChildren(...shown.map((r) => r.row));
    count.textContent = t('web.console.people.count', { shown: shown.length, total: users.length });
  };
  filter.addEventListener('input', apply);
  roleFilter.addEventListener('change', apply);
  apply();
  const headers = [t('web.console.people.name'), t('web.login.username'), t('web.console.people.role'), t('web.language'), t('web.console.people.cohorts'), t('web.console.people.status'), t('web.console.people.actions')];
  clear(body).append(
    pageHead(
      t('web.console.nav.people'),
      el('a', { class: 'button primary', href: '#/console/people/new', id: 'add-person' }, t('web.console.people.add')),
      el('a', { class: 'button', href: '#/console/people/import', id: 'import-people' }, t('web.console.people.import')),
      el('a', { class: 'button', href: '#/console/people/cohorts', id: 'cohorts-link' }, t('web.console.people.cohortsTitle')),
    ),
    el('p', { class: 'hint' }, t(me.role === 'admin' ? 'web.console.people.introAdmin' : 'web.console.people.introInstructor')),
    el(
      'div',
      { class: 'toolbar' },
      el('label', { for: 'people-filter' }, t('web.console.people.filter')),
      filter,
      el('label', { for: 'people-role' }, t('web.console.people.role')),
      roleFilter,
      count,
    ),
    users.length
      ? el(
          'div',
          { class: 'panel' },
          el('table', { id: 'people-table' }, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))), tbody),
        )
      : el('p', { class: 'muted' }, t('web.console.people.none')),
  );
}

// ---- one new account ---------------------------------------------------------------------------

async function renderNewPerson(body, context) {
  context.setTitle(t('web.console.people.add'));
  const cohorts = await http.get('/api/cohorts');
  const roles = context.user.role === 'admin' ? ROLES : ['trainee'];
  const username = el('input', { id: 'person-username', autocomplete: 'off', required: true, maxlength: 64, spellcheck: 'false' });
  const displayName = el('input', { id: 'person-name', autocomplete: 'off', required: true, maxlength: 120 });
  const role = el('select', { id: 'person-role' }, ...roles.map((r) => el('option', { value: r }, t(`web.console.role.${r}`))));
  const languageSelect = el('select', { id: 'person-language' }, ...LANGUAGES.map((l) => el('option', { value: l, selected: l === context.user.language }, t(`web.languageName.${l}`))));
  const cohort = el('input', { id: 'person-cohort', list: 'cohort-names', autocomplete: 'off', maxlength: 80 });
  const general = el('div', { id: 'person-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'person-submit' }, t('web.console.people.addSubmit'));
  const form = el(
    'form',
    { class: 'panel narrow', id: 'person-form', novalidate: true },
    el(
      'div',
      { class: 'form-grid' },
      el('div', { class: 'field', 'data-field': 'displayName' }, el('label', { for: 'person-name' }, t('web.console.people.name')), displayName),
      el('div', { class: 'field', 'data-field': 'username' }, el('label', { for: 'person-username' }, t('web.login.username')), username, el('p', { class: 'hint' }, t('web.console.people.usernameHint'))),
      el('div', { class: 'field', 'data-field': 'role' }, el('label', { for: 'person-role' }, t('web.console.people.role')), role),
      el('div', { class: 'field', 'data-field': 'language' }, el('label', { for: 'person-language' }, t('web.language')), languageSelect),
      el(
        'div',
        { class: 'field', 'data-field': 'cohort' },
        el('label', { for: 'person-cohort' }, t('web.console.people.cohortOptional')),
        cohort,
        el('datalist', { id: 'cohort-names' }, ...cohorts.map((c) => el('option', { value: c.name }))),
      ),
    ),
    el('p', { class: 'hint' }, t('web.console.people.passwordGenerated')),
    general,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const payload = { username: username.value.trim(), displayName: displayName.value.trim(), role: role.value, language: languageSelect.value };
    if (cohort.value.trim()) payload.cohort = cohort.value.trim();
    const missing = [];
    if (!payload.displayName) missing.push({ field: 'displayName', message: t('web.console.required') });
    if (!payload.username) missing.push({ field: 'username', message: t('web.console.required') });
    if (missing.length) return showProblems(form, missing, general);
    submit.disabled = true;
    try {
      const answer = await http.post('/api/users', payload);
      showProblems(form, [], general);
      await passwordDialog([answer], { intro: t('web.console.people.passwordIntro') });
      location.hash = '#/console/people';
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError && error.status < 500) showProblems(form, error.problems.length ? error.problems : [{ field: error.field, message: error.message }], general);
      else general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
    }
  });
  clear(body).append(backLink(), pageHead(t('web.console.people.add')), form);
  displayName.focus();
}

// ---- a class from a CSV ------------------------------------------------------------------------

const CSV_HEADER = 'username,displayName,role,language,cohort';

async function renderImport(body, context) {
  context.setTitle(t('web.console.people.import'));
  const text = el('textarea', { id: 'csv-text', rows: 9, spellcheck: 'false', class: 'mono', placeholder: `${CSV_HEADER}\nana.perez,Ana Pérez,trainee,es,Callao 3` });
  const file = el('input', { type: 'file', id: 'csv-file', accept: '.csv,text/csv,text/plain' });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) text.value = await chosen.text();
  });
  const result = el('div', { id: 'csv-result' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'csv-submit' }, t('web.console.people.importSubmit'));
  const template = el(
    'a',
    { class: 'button small', download: 'people.csv', href: URL.createObjectURL(new Blob([`${CSV_HEADER}\n`], { type: 'text/csv;charset=utf-8' })) },
    t('web.console.people.template'),
  );
  const form = el(
    'form',
    { class: 'panel', id: 'csv-form', novalidate: true },
    el('p', {}, t('web.console.people.csvIntro')),
    el('p', { class: 'hint' }, t('web.console.people.csvColumns'), ' ', el('code', {}, 'username,displayName,role,language[,password][,cohort]'), ' ', template),
    el('div', { class: 'field' }, el('label', { for: 'csv-file' }, t('web.console.people.csvFile')), file),
    el('div', { class: 'field' }, el('label', { for: 'csv-text' }, t('web.console.people.csvPaste')), text),
    result,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      result.replaceChildren(el('p', { class: 'error-text' }, t('web.console.people.csvEmpty')));
      return;
    }
    submit.disabled = true;
    result.replaceChildren(el('p', { class: 'muted' }, t('web.console.working')));
    try {
      const added = await http.upload('/api/users/import', new Blob([text.value], { type: 'text/csv' }), 'text/csv; charset=utf-8');
      result.replaceChildren(el('p', { class: 'ok-text', id: 'csv-added' }, t('web.console.people.csvAdded', { count: added.length })));
      const generated = added.filter((a) => a.password);
      if (generated.length) await passwordDialog(generated, { intro: t('web.console.people.csvPasswords') });
      location.hash = '#/console/people';
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError && error.problems.length) result.replaceChildren(problemsTable(error.problems, 'csv-problems'));
      else if (error instanceof APIError && error.status < 500) result.replaceChildren(el('p', { class: 'error-text', id: 'csv-problems' }, error.message));
      else result.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
    }
  });
  clear(body).append(backLink(), pageHead(t('web.console.people.import')), form);
}

// ---- cohorts -------------------------------------------------------------------------------------

async function renderCohorts(body, context) {
  context.setTitle(t('web.console.people.cohortsTitle'));
  const [users, cohorts] = await Promise.all([http.get('/api/users'), http.get('/api/cohorts')]);
  const byId = new Map(users.map((u) => [u.id, u]));
  const trainees = users.filter((u) => u.role === 'trainee');
  const list = cohorts.length
    ? el(
        'div',
        { class: 'panel' },
        table(
          [t('web.console.people.cohort'), t('web.console.people.members'), t('web.console.people.who')],
          cohorts.map((c) =>
            el(
              'tr',
              { 'data-cohort': c.name },
              el('td', {}, el('strong', {}, c.name)),
              el('td', { class: 'num' }, String(c.members.length)),
              el('td', {}, c.members.map((id) => byId.get(id)?.displayName || `#${id}`).join(', ') || '—'),
            ),
          ),
          { id: 'cohort-table' },
        ),
      )
    : el('p', { class: 'muted' }, t('web.console.people.noCohort'));

  const name = el('input', { id: 'cohort-name', list: 'cohort-names', autocomplete: 'off', maxlength: 80, required: true });
  const filter = el('input', { type: 'search', id: 'cohort-filter', placeholder: t('web.console.people.filterHint'), 'aria-label': t('web.console.people.filter') });
  const boxes = trainees.map((u) => ({ user: u, box: el('input', { type: 'checkbox', value: u.id, 'data-username': u.username }) }));
  const labels = boxes.map(({ user, box }) => el('label', { class: 'check', 'data-name': `${user.displayName} ${user.username}`.toLowerCase() }, box, el('span', {}, `${user.displayName} (${user.username})`)));
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const label of labels) label.hidden = q && !label.dataset.name.includes(q);
  });
  // Choosing an existing cohort ticks its members (they stay in it: the server only adds people).
  name.addEventListener('change', () => {
    const existing = cohorts.find((c) => c.name === name.value.trim());
    if (existing) for (const { user, box } of boxes) box.checked = box.checked || existing.members.includes(user.id);
  });
  const general = el('div', { id: 'cohort-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'cohort-submit' }, t('web.console.people.cohortSubmit'));
  const form = el(
    'form',
    { class: 'panel', id: 'cohort-form', novalidate: true },
    el('h2', {}, t('web.console.people.cohortNew')),
    el('p', { class: 'hint' }, t('web.console.people.cohortHint')),
    el(
      'div',
      { class: 'field', 'data-field': 'name' },
      el('label', { for: 'cohort-name' }, t('web.console.people.cohort')),
      name,
      el('datalist', { id: 'cohort-names' }, ...cohorts.map((c) => el('option', { value: c.name }))),
    ),
    trainees.length
      ? el(
          'fieldset',
          { 'data-field': 'userIds' },
          el('legend', {}, t('web.console.people.cohortPeople')),
          filter,
          el('div', { class: 'flag-list', id: 'cohort-people' }, ...labels),
        )
      : el('p', { class: 'muted' }, t('web.console.people.noTrainee')),
    general,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const payload = { name: name.value.trim(), userIds: boxes.filter((b) => b.box.checked).map((b) => Number(b.box.value)) };
    if (!payload.name) return showProblems(form, [{ field: 'name', message: t('web.console.required') }], general);
    submit.disabled = true;
    try {
      const made = await http.post('/api/cohorts', payload);
      context.toast(t('web.console.people.cohortSaved', { name: made.name, count: made.members.length }), 'info');
      await renderCohorts(body, context);
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError && error.status < 500) {
        const field = error.field?.startsWith('userIds') ? 'userIds' : error.field;
        showProblems(form, [{ field, message: error.message }], general);
      } else general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
    }
  });
  clear(body).append(backLink(), pageHead(t('web.console.people.cohortsTitle')), el('div', { class: 'split' }, el('div', {}, list), form));
}
