// The instructor console (instructors and admins): courses, authoring, people, classes, the class views
// (watching, debrief) and the certification office. Routes in the URL's hash: #/console/<section>/...; each
// section is a module of this folder exporting `render(body, parts, context)`.

import { el, clear } from '../dom.js';
import { t } from '../i18n.js';

/** The sections in the console's navigation, in order; `admin` ones are shown to admins only. */
const SECTIONS = [
  { id: 'classes' },
  { id: 'courses' },
  { id: 'authoring' },
  { id: 'people' },
  { id: 'certification' },
  { id: 'audit', admin: true },
];
const MODULES = {
  classes: () => import('./classes.js'),
  courses: () => import('./courses.js'),
  authoring: () => import('./authoring.js'),
  people: () => import('./people.js'),
  certification: () => import('./certification.js'),
  audit: () => import('./audit.js'),
};

/** Renders the console page for `parts` (the hash after #/console/) into `main`. */
export async function renderConsole(main, parts, context) {
  const visible = SECTIONS.filter((s) => !s.admin || context.user.role === 'admin');
  const section = visible.some((s) => s.id === parts[0]) ? parts[0] : 'classes';
  const nav = el(
    'nav',
    { class: 'console-nav', 'aria-label': t('web.console.title') },
    el('span', { class: 'console-title' }, t('web.console.title')),
    ...visible.map((s) =>
      el('a', { href: `#/console/${s.id}`, 'aria-current': s.id === section ? 'page' : null, 'data-section': s.id }, t(`web.console.nav.${s.id}`)),
    ),
  );
  const body = el('div', { id: 'console-body', class: 'console-body' });
  clear(main).append(nav, body);
  const module = await MODULES[section]();
  await module.render(body, parts.slice(1), context);
}

/** A page heading with optional actions on the right. */
export function pageHead(title, ...actions) {
  return el('div', { class: 'page-head' }, el('h1', {}, title), el('div', { class: 'actions' }, ...actions));
}

/** A CSV download of rows (first row the header) as a link. */
export function csvLink(name, rows, label) {
  const text = rows.map((row) => row.map((cell) => {
    const s = cell === null || cell === undefined ? '' : String(cell);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',')).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  return el('a', { class: 'button small', href: url, download: name }, label || t('web.console.downloadCSV'));
}

/** Shows every problem of a refused form next to its field (`[data-field=name]`), and the rest in `general`. */
export function showProblems(form, problems, general) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const unplaced = [];
  for (const problem of problems) {
    const holder = problem.field ? form.querySelector(`[data-field="${CSS.escape(problem.field)}"]`) : null;
    if (holder) {
      holder.append(el('p', { class: 'field-error', role: 'alert' }, problem.message));
      holder.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
    } else {
      unplaced.push(problem.line ? `${t('web.console.line', { line: problem.line })}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}` : `${problem.field ? `${problem.field}: ` : ''}${problem.message}`);
    }
  }
  if (general) general.replaceChildren(...unplaced.map((text) => el('p', { class: 'error-text' }, text)));
}
