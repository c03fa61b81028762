// The public verification page (/verify): anyone shown a CargoSim certificate checks it here, with no account, by
// its printed code or by its file. The server checks the signature with the programme's key and its current
// revocation list (POST /api/verify), and this page shows the holder, role, policy, validity and revocation.
// `/verify?code=XXXXX-XXXXX` checks the code at once.

import { el, clear, facts } from './dom.js';
import { t, setLanguage, browserLanguage, language, LANGUAGES, instant } from './i18n.js';

const main = document.getElementById('main');

/** POST /api/verify: the answer's JSON, or an Error whose message is the server's. */
async function verify(body) {
  const response = await fetch('/api/verify', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = new Error(json?.error?.message || `HTTP ${response.status}`);
    error.code = json?.error?.code;
    throw error;
  }
  return json;
}

function renderHeader() {
  const nav = document.getElementById('header-right');
  const select = el(
    'select',
    { id: 'verify-language', 'aria-label': t('web.language') },
    ...LANGUAGES.map((code) => el('option', { value: code, selected: code === language() }, t(`web.languageName.${code}`))),
  );
  select.addEventListener('change', async () => {
    localStorage.setItem('cargosim.language', select.value);
    await setLanguage(select.value);
    render();
  });
  clear(nav).append(select);
}

/** The verdict of an answer: its banner class and text. */
function verdict(answer) {
  const good = answer.result === 'valid';
  return el(
    'div',
    { class: `verdict ${good ? 'good' : 'bad'}`, id: 'verify-verdict', 'data-result': answer.result, role: 'status' },
    el('strong', {}, t(`web.verify.result.${answer.result}`)),
    el('p', {}, t(`web.verify.explain.${answer.result}`)),
  );
}

function showAnswer(out, answer) {
  const parts = [verdict(answer)];
  const c = answer.certificate;
  if (c) {
    const r = answer.revocation;
    let revocation = null;
    if (r) {
      revocation = r.revoked
        ? t('web.verify.revokedOn', { at: instant(r.revokedAt), reason: r.reason || '—' })
        : t('web.verify.notRevoked', { sequence: r.listSequence, at: instant(r.listIssuedAt) });
    }
    parts.push(
      facts(
        [
          [t('web.verify.holder'), `${c.holder} (${c.subject})`],
          [t('web.verify.role'), t(`certificate.role.${c.role}`)],
          [t('certificate.policy'), c.policyVersion],
          [t('web.verify.issuer'), c.issuer],
          [t('certificate.issued'), instant(c.issuedAt)],
          [t('certificate.expires'), instant(c.expiresAt)],
          [t('web.verify.revocation'), revocation],
          [t('web.verify.code'), c.verificationCode],
          [t('web.verify.certificateId'), c.certificateId],
          [t('web.verify.keyId'), c.keyId],
        ],
        { id: 'verify-facts' },
      ),
    );
  }
  parts.push(el('p', { class: 'hint', id: 'verify-message' }, answer.message));
  out.replaceChildren(...parts);
}

function render(initialCode) {
  document.title = `CargoSim · ${t('web.verify.title')}`;
  const out = el('div', { id: 'verify-result', 'aria-live': 'polite' });
  const error = el('p', { class: 'error-text', role: 'alert', id: 'verify-error' });
  const code = el('input', { type: 'text', id: 'verify-code', autocomplete: 'off', spellcheck: 'false', placeholder: 'XXXXX-XXXXX', maxlength: 20, value: initialCode || '' });
  const fileInput = el('input', { type: 'file', id: 'verify-file', accept: '.txt,text/plain' });
  const text = el('textarea', { id: 'verify-text', rows: 4, spellcheck: 'false', placeholder: 'CARGOSIM CERTIFICATE v1' });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (file) text.value = await file.text();
  });
  const run = async (body, button) => {
    error.textContent = '';
    button.disabled = true;
    try {
      showAnswer(out, await verify(body));
    } catch (e) {
      out.replaceChildren();
      error.textContent = e.code === 'throttled' ? t('web.verify.throttled') : e.message;
    } finally {
      button.disabled = false;
    }
  };
  const codeButton = el('button', { type: 'submit', class: 'primary', id: 'verify-code-submit' }, t('web.verify.check'));
  const codeForm = el(
    'form',
    { class: 'panel', id: 'verify-code-form' },
    el('h2', {}, t('web.verify.byCode')),
    el('div', { class: 'field' }, el('label', { for: 'verify-code' }, t('web.verify.codeLabel')), code, el('p', { class: 'hint' }, t('web.verify.codeHint'))),
    codeButton,
  );
  codeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!code.value.trim()) {
      error.textContent = t('web.verify.codeMissing');
      return;
    }
    run({ code: code.value.trim() }, codeButton);
  });
  const fileButton = el('button', { type: 'submit', class: 'primary', id: 'verify-file-submit' }, t('web.verify.check'));
  const fileForm = el(
    'form',
    { class: 'panel', id: 'verify-file-form' },
    el('h2', {}, t('web.verify.byFile')),
    el('div', { class: 'field' }, el('label', { for: 'verify-file' }, t('web.verify.fileLabel')), fileInput),
    el('div', { class: 'field' }, el('label', { for: 'verify-text' }, t('web.verify.textLabel')), text),
    fileButton,
  );
  fileForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      error.textContent = t('web.verify.fileMissing');
      return;
    }
    // The file as signed: three lines and a final newline (a paste may lose the last one).
    const content = text.value.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
    run({ certificate: content }, fileButton);
  });
  clear(main).append(
    el('h1', {}, t('web.verify.title')),
    el('p', {}, t('web.verify.intro')),
    el('div', { class: 'split' }, codeForm, fileForm),
    error,
    out,
    el(
      'p',
      { class: 'hint' },
      t('web.verify.offline'),
      ' ',
      el('a', { href: '/api/certification/public-key', id: 'verify-public-key' }, t('web.verify.publicKey')),
      ' · ',
      el('a', { href: '/api/certification/revocations', id: 'verify-revocations' }, t('web.verify.revocations')),
    ),
  );
  renderHeader();
  if (initialCode) run({ code: initialCode }, codeButton);
}

async function boot() {
  await setLanguage(localStorage.getItem('cargosim.language') || browserLanguage());
  render(new URLSearchParams(location.search).get('code') || '');
}

boot();
