// The audit log (admins): who did what and when, newest first, filterable, with a CSV download of what is
// shown. Route: #/console/audit (optionally /<limit>).

import { http } from '../api.js';
import { el, clear } from '../dom.js';
import { t, instant } from '../i18n.js';
import { pageHead, csvLink } from './shell.js';

const LIMITS = [100, 500, 2000];

export async function render(body, parts, context) {
  context.setTitle(t('web.console.nav.audit'));
  const limit = LIMITS.includes(Number(parts[0])) ? Number(parts[0]) : LIMITS[0];
  const entries = await http.get(`/api/audit?limit=${limit}`);
  const limitSelect = el(
    'select',
    { id: 'audit-limit' },
    ...LIMITS.map((n) => el('option', { value: n, selected: n === limit }, t('web.console.audit.latest', { count: n }))),
  );
  limitSelect.addEventListener('change', () => (location.hash = `#/console/audit/${limitSelect.value}`));
  const filter = el('input', { type: 'search', id: 'audit-filter', placeholder: t('web.console.audit.filterHint') });
  const actions = [...new Set(entries.map((e) => e.action))].sort();
  const actionSelect = el(
    'select',
    { id: 'audit-action' },
    el('option', { value: '' }, t('web.console.audit.allActions')),
    ...actions.map((a) => el('option', { value: a }, a)),
  );
  const count = el('p', { class: 'hint', role: 'status', id: 'audit-count' });
  const tbody = el('tbody', {});
  const download = el('span', {});
  const headers = [t('web.console.audit.at'), t('web.console.audit.actor'), t('web.console.audit.action'), t('web.console.audit.detail')];
  const apply = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = entries.filter((e) => (!actionSelect.value || e.action === actionSelect.value) && (!q || `${e.actor} ${e.action} ${e.detail}`.toLowerCase().includes(q)));
    tbody.replaceChildren(
      ...shown.map((e) =>
        el(
          'tr',
          { 'data-action': e.action },
          el('td', { class: 'nowrap', title: e.at }, instant(e.at)),
          el('td', { class: 'mono' }, e.actor),
          el('td', { class: 'mono' }, e.action),
          el('td', { class: 'detail' }, e.detail),
        ),
      ),
    );
    count.textContent = t('web.console.audit.count', { shown: shown.length, total: entries.length });
    download.replaceChildren(csvLink('audit.csv', [['at', 'actor', 'action', 'detail'], ...shown.map((e) => [e.at, e.actor, e.action, e.detail])]));
    download.firstChild.id = 'audit-csv';
  };
  filter.addEventListener('input', apply);
  actionSelect.addEventListener('change', apply);
  apply();
  clear(body).append(
    pageHead(t('web.console.nav.audit'), download),
    el('p', { class: 'hint' }, t('web.console.audit.intro')),
    el(
      'div',
      { class: 'toolbar' },
      el('label', { for: 'audit-limit' }, t('web.console.audit.show')),
      limitSelect,
      el('label', { for: 'audit-action' }, t('web.console.audit.action')),
      actionSelect,
      el('label', { for: 'audit-filter' }, t('web.console.audit.filter')),
      filter,
      count,
    ),
    entries.length
      ? el('div', { class: 'panel' }, el('table', { id: 'audit-table' }, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))), tbody))
      : el('p', { class: 'muted' }, t('web.console.audit.none')),
  );
}
