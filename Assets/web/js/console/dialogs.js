// Modal dialogs of the console (the browser's <dialog>: focus stays inside, the page behind is inert):
// a confirmation, and a secret shown once (a generated password) that the user must close themselves.

import { el } from '../dom.js';
import { t } from '../i18n.js';

/** Opens `dialog` as a modal; resolves with what `close(value)` gave, and removes it from the page. */
function open(dialog, { escapeCloses = true } = {}) {
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('cancel', (e) => {
      if (!escapeCloses) e.preventDefault();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue);
    });
    dialog.showModal();
  });
}

/** Asks before an action; resolves true when confirmed. */
export async function confirmDialog(message, { title, confirm, danger = false } = {}) {
  const yes = el('button', { type: 'button', class: danger ? 'primary danger-fill' : 'primary', id: 'confirm-yes' }, confirm || t('web.console.confirm'));
  const no = el('button', { type: 'button', id: 'confirm-no' }, t('web.console.cancel'));
  const dialog = el(
    'dialog',
    { class: 'console-dialog', 'aria-labelledby': 'confirm-title', id: 'confirm-dialog' },
    el('h2', { id: 'confirm-title' }, title || t('web.console.areYouSure')),
    el('p', {}, message),
    el('div', { class: 'dialog-actions' }, no, yes),
  );
  yes.addEventListener('click', () => dialog.close('yes'));
  no.addEventListener('click', () => dialog.close('no'));
  const answer = open(dialog);
  no.focus();
  return (await answer) === 'yes';
}

/** Copies `text` to the clipboard; falls back to selecting it in `node` when the clipboard is not there. */
async function copy(text, node, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = t('web.console.copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = t('web.console.copySelect');
  }
}

/**
 * Shows generated passwords once: rows [{user, password}]. The dialog closes only with its button (not with
 * Escape), so that nobody loses a password by a stray key press.
 */
export function passwordDialog(rows, { title, intro } = {}) {
  const status = el('p', { class: 'hint', role: 'status', id: 'password-copy-status' });
  const items = rows.map(({ user, password }) => {
    const secret = el('code', { class: 'secret', 'data-password-for': user.username }, password);
    return el(
      'tr',
      {},
      el('td', {}, el('strong', {}, user.displayName), el('div', { class: 'muted mono' }, user.username)),
      el('td', {}, secret),
      el('td', {}, el('button', { type: 'button', class: 'small', 'data-copy': user.username, onclick: () => copy(password, secret, status) }, t('web.console.copy'))),
    );
  });
  const all = rows.map(({ user, password }) => `${user.username}\t${password}`).join('\n');
  const close = el('button', { type: 'button', class: 'primary', id: 'password-close' }, t('web.console.people.passwordNoted'));
  const dialog = el(
    'dialog',
    { class: 'console-dialog wide', 'aria-labelledby': 'password-title', id: 'password-dialog' },
    el('h2', { id: 'password-title' }, title || t('web.console.people.passwordTitle')),
    el('p', {}, intro || t('web.console.people.passwordIntro')),
    el(
      'div',
      { class: 'dialog-scroll' },
      el(
        'table',
        { id: 'password-table' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('web.console.people.person')), el('th', { scope: 'col' }, t('web.login.password')), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, t('web.console.copy'))))),
        el('tbody', {}, ...items),
      ),
    ),
    status,
    el(
      'div',
      { class: 'dialog-actions' },
      rows.length > 1 ? el('button', { type: 'button', id: 'password-copy-all', onclick: (e) => copy(all, e.currentTarget.closest('dialog').querySelector('table'), status) }, t('web.console.people.copyAll')) : null,
      close,
    ),
  );
  close.addEventListener('click', () => dialog.close('closed'));
  const closed = open(dialog, { escapeCloses: false });
  (dialog.querySelector('[data-copy]') || close).focus();
  return closed;
}

/** Asks for a short text (a reason) before an action; resolves with the text, or null when cancelled. */
export async function reasonDialog(message, { title, label, confirm, danger = false, maxLength = 300 } = {}) {
  const input = el('textarea', { id: 'reason-input', rows: 3, maxlength: maxLength, required: true });
  const error = el('p', { class: 'error-text', role: 'alert', id: 'reason-error' });
  const yes = el('button', { type: 'button', class: danger ? 'primary danger-fill' : 'primary', id: 'reason-yes' }, confirm || t('web.console.confirm'));
  const no = el('button', { type: 'button', id: 'reason-no' }, t('web.console.cancel'));
  const dialog = el(
    'dialog',
    { class: 'console-dialog', 'aria-labelledby': 'reason-title', id: 'reason-dialog' },
    el('h2', { id: 'reason-title' }, title || t('web.console.areYouSure')),
    el('p', {}, message),
    el('div', { class: 'field' }, el('label', { for: 'reason-input' }, label || t('web.console.reason')), input),
    error,
    el('div', { class: 'dialog-actions' }, no, yes),
  );
  yes.addEventListener('click', () => {
    if (!input.value.trim()) {
      error.textContent = t('web.console.reasonMissing');
      input.focus();
      return;
    }
    dialog.close('yes');
  });
  no.addEventListener('click', () => dialog.close('no'));
  const answer = open(dialog);
  input.focus();
  return (await answer) === 'yes' ? input.value.trim() : null;
}
