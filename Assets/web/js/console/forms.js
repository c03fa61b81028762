// Helpers the console's bigger forms share: placing a problem at the nearest field the form has, a
// labelled field, a progress bar, and a poll that stops when its page is left.

import { el } from '../dom.js';
import { t } from '../i18n.js';
import { showProblems } from './shell.js';

/**
 * The `data-field` of `form` nearest to a problem's field path: the path itself, else the longest prefix
 * the form has (`goods[1].commodity` → `goods[1]` → `goods`; `mix.scenarios.clean` → `mix.scenarios`).
 */
export function nearestField(form, field) {
  if (!field) return null;
  let path = field;
  while (path) {
    if (form.querySelector(`[data-field="${CSS.escape(path)}"]`)) return path;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) break;
    path = path.slice(0, cut);
  }
  return null;
}

/** Shows every problem at its nearest field (see `nearestField`); those with none go to `general`. */
export function placeProblems(form, problems, general) {
  const placed = problems.map((p) => {
    const at = nearestField(form, p.field);
    // a problem placed on a parent keeps the exact path in its text, so that "goods[1]" stays readable
    return at ? { ...p, field: at, message: at === p.field ? p.message : `${p.field}: ${p.message}` } : p;
  });
  showProblems(form, placed, general);
  return placed;
}

/** A `.field` block: its label (for the input's id), the input, an optional hint; `data-field` for errors. */
export function field(label, input, { path, hint, wide = false, className = '' } = {}) {
  return el(
    'div',
    { class: `field ${wide ? 'wide' : ''} ${className}`.trim(), 'data-field': path || null },
    el('label', { for: input.id }, label),
    input,
    hint ? el('p', { class: 'hint' }, hint) : null,
  );
}

/** A progress bar (role progressbar) showing `done` of `total`; indeterminate when total is 0 or unknown. */
export function progressBar(done, total, label) {
  const percent = total > 0 ? Math.min(100, Math.round((100 * done) / total)) : 0;
  return el(
    'div',
    {
      class: `job-progress ${total > 0 ? '' : 'indeterminate'}`,
      role: 'progressbar',
      'aria-label': label || t('web.console.jobs.progress'),
      'aria-valuemin': 0,
      'aria-valuemax': total > 0 ? total : null,
      'aria-valuenow': total > 0 ? done : null,
    },
    el('span', { style: `width:${total > 0 ? percent : 100}%` }),
  );
}

/**
 * Calls `step` now and then every `ms` while `node` is on the page and `step` returns true; the loop ends by
 * itself when the user leaves the page (the console replaces its body on every navigation).
 */
export function poll(node, step, ms = 1000) {
  let stopped = false;
  const tick = async () => {
    if (stopped || !node.isConnected) return;
    let again = false;
    try {
      again = await step();
    } catch {
      again = true; // a dropped request: try again at the next tick
    }
    if (again && !stopped && node.isConnected) setTimeout(tick, ms);
  };
  setTimeout(tick, 0); // after the caller has put `node` on the page
  return () => (stopped = true);
}

/**
 * Enter in a text field does not submit `form` (only its button does): in a long form an Enter meant to pick a
 * suggestion or end a number would otherwise save a spec or start a course.
 */
export function noImplicitSubmit(form) {
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement && !['submit', 'button', 'checkbox', 'radio'].includes(e.target.type)) e.preventDefault();
  });
}
