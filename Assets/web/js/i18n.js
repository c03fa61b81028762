// Translation tables from /i18n/{en,es,pt}.json (the same tables the CLI uses), with {placeholder}s.

export const LANGUAGES = ['en', 'es', 'pt'];
const tables = {};
let current = 'en';

/** The language to start with: the browser's first supported preference, else English. */
export function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/** Loads (once) and selects a language's table. */
export async function setLanguage(language) {
  const lang = LANGUAGES.includes(language) ? language : 'en';
  if (!tables[lang]) {
    const response = await fetch(`/i18n/${lang}.json`);
    if (!response.ok) throw new Error(`/i18n/${lang}.json: HTTP ${response.status}`);
    tables[lang] = await response.json();
  }
  current = lang;
  document.documentElement.lang = lang;
  return lang;
}

export function language() {
  return current;
}

/** The text of `key` with `{name}` replaced from `params`; the key itself when it is missing. */
export function t(key, params = {}) {
  const table = tables[current] || {};
  const text = table[key] ?? tables.en?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** True when the table has `key` (for optional texts). */
export function has(key) {
  return key in (tables[current] || {});
}

/** A LocalizedText ({en, es, pt}) in the current language. */
export function localized(text) {
  if (!text || typeof text !== 'object') return text ?? '';
  return text[current] ?? text.en ?? '';
}

/** Numbers in the current language's style. */
export function number(value, digits = 0) {
  return new Intl.NumberFormat(current, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** An ISO instant as local date and time in the current language. */
export function instant(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(current, { dateStyle: 'medium', timeStyle: 'short' });
}
