// Small DOM helpers: no framework, no innerHTML (every text goes in as text).

/**
 * Creates an element. Attributes: `on<event>` functions become listeners, `style` a CSS text (set through
 * the CSSOM), `text` the text content, true/false/null/undefined add or skip a bare attribute; children may be nodes, strings or
 * numbers (as text), or null (skipped).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'style') node.style.cssText = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child; returns the node. */
export function clear(node) {
  node.replaceChildren();
  return node;
}

/** A definition list of [term, value] pairs (pairs with a null value are left out). */
export function facts(pairs, attributes = {}) {
  const items = [];
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    items.push(el('dt', {}, term), el('dd', {}, value));
  }
  return el('dl', { class: 'facts', ...attributes }, ...items);
}

/** A table with a header row; `rows` are <tr> elements or arrays of cells. */
export function table(headers, rows, attributes = {}) {
  const body = rows.map((row) => (row instanceof Node ? row : el('tr', {}, ...row.map((cell) => el('td', {}, cell)))));
  return el(
    'table',
    attributes,
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...body),
  );
}

/** A group of checkboxes: [{value, label}] → {node, values()}. */
export function checkboxes(name, options, { legend, columns = false, checked = [] } = {}) {
  const inputs = [];
  const labels = options.map((option) => {
    const input = el('input', { type: 'checkbox', name, value: option.value, checked: checked.includes(option.value) });
    inputs.push(input);
    return el('label', { class: 'check' }, input, el('span', {}, option.label));
  });
  const node = el('fieldset', { id: `${name}-group` }, el('legend', {}, legend), el('div', { class: columns ? 'flag-list' : '' }, ...labels));
  return { node, values: () => inputs.filter((i) => i.checked).map((i) => i.value) };
}

/** A group of radio buttons: [{value, label}] → {node, value()}. */
export function radios(name, options, { legend, onchange } = {}) {
  const inputs = [];
  const labels = options.map((option) => {
    const input = el('input', { type: 'radio', name, value: option.value });
    if (onchange) input.addEventListener('change', onchange);
    inputs.push(input);
    return el('label', { class: 'check' }, input, el('span', {}, option.label));
  });
  const node = el('fieldset', { class: 'options', id: `${name}-group` }, el('legend', {}, legend), ...labels);
  return { node, value: () => inputs.find((i) => i.checked)?.value ?? null };
}
