// Courses: the library (what each course holds), a course's cases, a case as the trainee sees it with its
// key, the course seed on demand; making a course in the browser (a mix → a job that renders and imports it)
// and importing a packed course folder; the jobs, watched live and again after a reload.
// Routes: #/console/courses, /courses/new, /courses/import, /courses/jobs/{jid}, /courses/{id},
// /courses/{id}/{caseId}[/{tab}].

import { http, bytes, APIError } from '../api.js';
import { el, clear, table } from '../dom.js';
import { t, instant, number } from '../i18n.js';
import { pageHead } from './shell.js';
import { confirmDialog } from './dialogs.js';
import { field, placeProblems, progressBar, poll, noImplicitSubmit } from './forms.js';
import { renderCasePreview } from './casepreview.js';

export async function render(body, parts, context) {
  if (parts[0] === 'new') return renderNewCourse(body, context);
  if (parts[0] === 'import') return renderImport(body, context);
  if (parts[0] === 'jobs' && parts[1]) return renderJob(body, parts[1], context);
  if (parts[0] && parts[1]) return renderCase(body, parts[0], parts[1], parts[2], context);
  if (parts[0]) return renderCourse(body, parts[0], context);
  return renderLibrary(body, context);
}

const coursePath = (id) => `/api/courses/${encodeURIComponent(id)}`;

function backTo(href, text) {
  return el('p', {}, el('a', { href }, `← ${text}`));
}

/** `{key: n}` as "label ×n" items, largest first; `family` is the i18n prefix of the keys. */
function counted(map, family, limit = Infinity) {
  const entries = Object.entries(map || {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, limit).map(([k, n]) => `${t(`${family}.${k}`)} ×${n}`);
  const rest = entries.length - shown.length;
  return { text: shown.join(', ') + (rest > 0 ? ` ${t('web.console.courses.more', { count: rest })}` : ''), all: entries.map(([k, n]) => `${t(`${family}.${k}`)} ×${n}`).join('\n'), empty: entries.length === 0 };
}

/** Five small bars, one per difficulty level, with the counts as text for screen readers and print. */
function difficultyBars(difficulty) {
  const counts = [1, 2, 3, 4, 5].map((level) => difficulty?.[String(level)] || 0);
  const most = Math.max(1, ...counts);
  const label = counts.map((n, i) => `${i + 1}: ${n}`).join(', ');
  return el(
    'span',
    { class: 'spread', role: 'img', 'aria-label': t('web.console.courses.difficultySpread', { counts: label }), title: label },
    ...counts.map((n, i) =>
      el('span', { class: 'column', 'data-level': i + 1 }, el('span', { class: 'count' }, n ? String(n) : ''), el('span', { class: 'track' }, el('span', { class: 'bar', style: `height:${Math.round((100 * n) / most)}%` })), el('span', { class: 'level' }, String(i + 1))),
    ),
  );
}

function visibilityText(v) {
  if (!v) return '—';
  return `${number(v.min, 1)} – ${number(v.median, 1)} – ${number(v.max, 1)}`;
}

function jobState(job) {
  const kind = { queued: '', running: 'running', done: 'done', failed: 'off' }[job.state] || '';
  return el('span', { class: `badge ${kind}`, 'data-state': job.state }, t(`web.console.jobs.state.${job.state}`));
}

const active = (job) => job.state === 'queued' || job.state === 'running';

// ---- the library --------------------------------------------------------------------------------

function jobsPanel(jobs) {
  const recent = jobs.slice(0, 6);
  const rows = recent.map((job) =>
    el(
      'tr',
      { 'data-job': job.id },
      el('td', {}, el('a', { href: `#/console/courses/jobs/${job.id}` }, `#${job.id}`)),
      el('td', {}, t(`web.console.jobs.kind.${job.kind}`)),
      el('td', {}, jobState(job)),
      el('td', { class: 'progress-cell' }, progressBar(job.done, job.kind === 'import' && active(job) ? 0 : job.total), el('span', { class: 'hint' }, t('web.console.jobs.doneOf', { done: job.done, total: job.total }))),
      el('td', {}, job.courseId ? el('a', { href: `#/console/courses/${encodeURIComponent(job.courseId)}` }, t('web.console.jobs.openCourse')) : job.error ? el('a', { class: 'error-text', href: `#/console/courses/jobs/${job.id}` }, t('web.console.jobs.seeWhy')) : '—'),
      el('td', { class: 'muted' }, `${instant(job.createdAt)} · ${job.createdBy}`),
    ),
  );
  return el(
    'section',
    { class: 'panel', id: 'jobs-panel', 'aria-labelledby': 'jobs-title' },
    el('h2', { id: 'jobs-title' }, t('web.console.jobs.title')),
    table([t('web.console.jobs.job'), t('web.console.jobs.kindHead'), t('web.console.jobs.state'), t('web.console.jobs.progress'), t('web.console.jobs.result'), t('web.console.jobs.started')], rows, { id: 'jobs-table' }),
  );
}

async function renderLibrary(body, context) {
  context.setTitle(t('web.console.nav.courses'));
  const [courses, jobs] = await Promise.all([http.get('/api/courses'), http.get('/api/jobs')]);
  const rows = courses.map((c) => {
    const scenarios = counted(c.scenarios, 'scenario', 3);
    const concealments = counted(c.concealments, 'anomaly', 3);
    return el(
      'tr',
      { 'data-course': c.id },
      el('td', {}, el('a', { href: `#/console/courses/${encodeURIComponent(c.id)}`, class: 'strong' }, c.title), el('div', { class: 'muted mono small' }, c.id)),
      el('td', { class: 'num' }, String(c.caseCount), c.targetingOnly ? el('div', { class: 'hint', title: t('web.console.courses.targetingOnlyHint') }, t('web.console.courses.targetingOnlyShort', { count: c.targetingOnly })) : null),
      el('td', {}, splitBar(c.irregularCount, c.caseCount - c.irregularCount)),
      el('td', { title: scenarios.all }, scenarios.empty ? '—' : scenarios.text),
      el('td', {}, difficultyBars(c.difficulty)),
      el('td', { title: concealments.all }, concealments.empty ? el('span', { class: 'muted' }, t('web.console.courses.noConcealment')) : concealments.text),
      el('td', { class: 'nowrap' }, visibilityText(c.visibility)),
      el('td', { class: 'muted' }, instant(c.importedAt)),
    );
  });
  const library = courses.length
    ? el(
        'div',
        { class: 'panel scroll-x' },
        table(
          [t('web.console.course'), t('web.console.courses.cases'), t('web.console.courses.irregularClean'), t('web.console.courses.scenarios'), t('web.console.courses.difficulty'), t('web.console.courses.concealments'), t('web.console.courses.visibility'), t('web.console.courses.imported')],
          rows,
          { id: 'course-table', class: 'dense' },
        ),
        el('p', { class: 'hint' }, t('web.console.courses.visibilityHint')),
      )
    : el('p', { class: 'muted panel', id: 'no-course' }, t('web.console.courses.none'));
  const jobsHost = el('div', { id: 'jobs-host' }, jobs.length ? jobsPanel(jobs) : null);
  clear(body).append(
    pageHead(
      t('web.console.nav.courses'),
      el('a', { class: 'button primary', href: '#/console/courses/new', id: 'new-course' }, t('web.console.courses.new')),
      el('a', { class: 'button', href: '#/console/courses/import', id: 'import-course' }, t('web.console.courses.import')),
    ),
    jobsHost,
    library,
  );
  // While a job runs, its row follows it; when one finishes the library is read again.
  if (jobs.some(active)) {
    poll(jobsHost, async () => {
      const now = await http.get('/api/jobs');
      jobsHost.replaceChildren(jobsPanel(now));
      if (now.some((j) => j.state === 'done' && jobs.find((o) => o.id === j.id && active(o)))) {
        await renderLibrary(body, context);
        return false;
      }
      return now.some(active);
    });
  }
}

function splitBar(irregular, clean) {
  const total = Math.max(1, irregular + clean);
  return el(
    'div',
    { class: 'split-cell' },
    el('span', {}, t('web.console.courses.irregularCleanValue', { irregular, clean })),
    el('span', { class: 'split-bar', 'aria-hidden': 'true' }, el('span', { class: 'irregular', style: `width:${Math.round((100 * irregular) / total)}%` })),
  );
}

// ---- one course -----------------------------------------------------------------------------------

function stat(value, label, id) {
  return el('div', { class: 'stat', id }, el('div', { class: 'value' }, value), el('div', { class: 'label' }, label));
}

function seedPanel(course) {
  const host = el('section', { class: 'panel seed-panel', id: 'seed-panel', 'aria-labelledby': 'seed-title' });
  const show = el('button', { type: 'button', id: 'show-seed', class: 'danger' }, t('web.console.courses.showSeed'));
  host.append(el('h2', { id: 'seed-title' }, t('web.console.courses.seed')), el('p', { class: 'hint' }, t('web.console.courses.seedHint')));
  if (!course.hasSeed) {
    host.append(el('p', { class: 'muted' }, t('web.console.courses.noSeed')));
    return host;
  }
  show.addEventListener('click', async () => {
    const ok = await confirmDialog(t('web.console.courses.seedWarning'), { title: t('web.console.courses.seedConfirmTitle'), confirm: t('web.console.courses.showSeed'), danger: true });
    if (!ok) return;
    try {
      const answer = await http.get(`${coursePath(course.id)}/seed`);
      show.replaceWith(
        el(
          'div',
          { class: 'seed-shown' },
          el('p', { class: 'warning', role: 'alert' }, t('web.console.courses.seedWarning')),
          el('code', { class: 'secret', id: 'course-seed' }, answer.courseSeed || '—'),
        ),
      );
    } catch (error) {
      host.append(el('p', { class: 'error-text' }, error instanceof APIError ? error.message : String(error)));
    }
  });
  host.append(show);
  return host;
}

async function renderCourse(body, id, context) {
  const detail = await http.get(coursePath(id));
  const c = detail.course;
  context.setTitle(c.title);
  const rows = detail.cases.map((row) =>
    el(
      'tr',
      { 'data-case': row.caseId },
      el('td', { class: 'num' }, String(row.position)),
      el('td', { class: 'mono nowrap' }, el('a', { href: `#/console/courses/${encodeURIComponent(id)}/${encodeURIComponent(row.caseId)}` }, row.caseId)),
      el('td', {}, t(`scenario.${row.scenario}`)),
      el('td', {}, el('span', { class: `badge ${row.irregular ? 'irregular' : 'clean'}` }, t(row.irregular ? 'web.console.courses.irregular' : 'web.console.courses.clean'))),
      el('td', { class: 'num' }, String(row.difficulty)),
      el('td', {}, row.concealments.length ? row.concealments.map((k) => t(`anomaly.${k}`)).join(', ') : '—'),
      el('td', { class: 'num' }, row.weakestCNR === undefined || row.weakestCNR === null ? '—' : number(row.weakestCNR, 1)),
      el('td', { title: row.stages.map((s) => t(`stage.${s}`)).join(' → ') }, row.stages.length === 1 && row.stages[0] === 'targeting' ? el('span', { class: 'badge targeting-only' }, t('web.console.courses.targetingOnly')) : t('web.console.courses.stageCount', { count: row.stages.length })),
      el('td', {}, t(`vantage.${row.vantage}`)),
      el('td', { class: 'mono' }, row.containerType),
      el('td', {}, el('a', { class: 'button small', href: `#/console/courses/${encodeURIComponent(id)}/${encodeURIComponent(row.caseId)}` }, t('web.console.courses.preview'))),
    ),
  );
  const scenarios = counted(c.scenarios, 'scenario');
  const concealments = counted(c.concealments, 'anomaly');
  clear(body).append(
    backTo('#/console/courses', t('web.console.nav.courses')),
    pageHead(c.title, el('a', { class: 'button', href: '#/console/classes/new' }, t('web.console.courses.assign'))),
    el(
      'div',
      { class: 'stat-row' },
      stat(String(c.caseCount), t('web.console.courses.cases'), 'stat-cases'),
      stat(t('web.console.courses.irregularCleanValue', { irregular: c.irregularCount, clean: c.caseCount - c.irregularCount }), t('web.console.courses.irregularClean'), 'stat-split'),
      stat(String(c.targetingOnly), t('web.console.courses.targetingOnlyCount'), 'stat-targeting'),
      stat(visibilityText(c.visibility), t('web.console.courses.visibility'), 'stat-visibility'),
      stat(instant(c.importedAt), t('web.console.courses.imported'), 'stat-imported'),
    ),
    el(
      'div',
      { class: 'three-col' },
      el('section', { class: 'panel' }, el('h2', {}, t('web.console.courses.scenarios')), scenarios.empty ? el('p', { class: 'muted' }, '—') : el('ul', { class: 'plain' }, ...scenarios.all.split('\n').map((s) => el('li', {}, s)))),
      el('section', { class: 'panel' }, el('h2', {}, t('web.console.courses.difficulty')), el('div', { class: 'spread-large' }, difficultyBars(c.difficulty)), el('p', { class: 'hint' }, [1, 2, 3, 4, 5].map((l) => `${l}: ${c.difficulty?.[String(l)] || 0}`).join(' · '))),
      el('section', { class: 'panel' }, el('h2', {}, t('web.console.courses.concealments')), concealments.empty ? el('p', { class: 'muted' }, t('web.console.courses.noConcealment')) : el('ul', { class: 'plain' }, ...concealments.all.split('\n').map((s) => el('li', {}, s)))),
    ),
    el(
      'section',
      { class: 'panel scroll-x' },
      el('h2', {}, t('web.console.courses.casesTitle')),
      rows.length
        ? table(
            ['#', t('label.case'), t('label.scenario'), t('web.console.courses.truth'), t('web.console.courses.difficultyShort'), t('web.console.courses.concealments'), t('web.console.courses.cnr'), t('web.console.courses.stages'), t('label.vantage'), t('label.containerType'), ''],
            rows,
            { id: 'case-list', class: 'dense' },
          )
        : el('p', { class: 'muted' }, t('web.console.courses.noCases')),
    ),
    seedPanel(c),
    el('p', { class: 'hint mono' }, `${t('web.console.courses.hash')}: ${c.courseHash}`),
  );
}

// ---- a case with its key ---------------------------------------------------------------------------

async function renderCase(body, id, cid, tab, context) {
  const [preview, detail] = await Promise.all([http.get(`${coursePath(id)}/cases/${encodeURIComponent(cid)}`), http.get(coursePath(id))]);
  const row = detail.cases.find((r) => r.caseId === cid);
  context.setTitle(`${t('label.case')} ${cid}`);
  const base = `#/console/courses/${encodeURIComponent(id)}/${encodeURIComponent(cid)}`;
  const fileURL = (name) => `${coursePath(id)}/cases/${encodeURIComponent(cid)}/files/${encodeURIComponent(name)}`;
  const index = detail.cases.findIndex((r) => r.caseId === cid);
  const neighbour = (d) => detail.cases[index + d];
  // the neighbours open on the tab being looked at, so that a class can be walked through one stage at a time
  const neighbourHref = (d, shown) => `#/console/courses/${encodeURIComponent(id)}/${encodeURIComponent(neighbour(d).caseId)}/${shown || ''}`;
  const previous = neighbour(-1) ? el('a', { class: 'button small', href: neighbourHref(-1, tab), id: 'previous-case' }, `← ${t('web.console.courses.previousCase')}`) : null;
  const next = neighbour(1) ? el('a', { class: 'button small', href: neighbourHref(1, tab), id: 'next-case' }, `${t('web.console.courses.nextCase')} →`) : null;
  const nav = el('div', { class: 'case-nav' }, previous, next);
  const host = el('div', { id: 'case-preview' });
  clear(body).append(
    backTo(`#/console/courses/${encodeURIComponent(id)}`, detail.course.title),
    el('div', { class: 'page-head' }, el('h1', { class: 'mono' }, `${t('label.case')} ${row ? row.position : ''} · ${cid}`), nav),
    host,
  );
  await renderCasePreview(host, {
    inspectionCase: preview.case,
    key: preview.key,
    files: preview.files,
    load: (name) => bytes(fileURL(name)),
    doorURL: preview.files.includes('door.svg') ? fileURL('door.svg') : null,
    cacheKey: `course:${id}/${cid}`,
    tab,
    onTab: (shown) => {
      const target = `${base}/${shown}`;
      if (location.hash !== target) history.replaceState(null, '', target);
      if (previous) previous.href = neighbourHref(-1, shown);
      if (next) next.href = neighbourHref(1, shown);
    },
  });
}

// ---- a new course -----------------------------------------------------------------------------------

/** The mix fields of the form: [key, kind, min, max, step]; shares are 0–1. */
const MIX_FIELDS = [
  ['count', 'int', 1, 400, 1],
  ['prevalence', 'share'],
  ['cleanWithRedFlags', 'share'],
  ['irregularWithCleanPapers', 'share'],
  ['difficultyStart', 'level'],
  ['difficultyEnd', 'level'],
  ['targetingOnly', 'share'],
  ['visibilityFloor', 'number', 0.1, 100, 0.5],
  ['maxBelowFloor', 'share'],
];
const MIX_DEFAULTS = { prevalence: 0.5, cleanWithRedFlags: 0.4, irregularWithCleanPapers: 0.5, difficultyStart: 1, difficultyEnd: 4, targetingOnly: 0, visibilityFloor: 5 };
const VANTAGES = ['import', 'export', 'transhipment'];

async function renderNewCourse(body, context) {
  context.setTitle(t('web.console.courses.new'));
  const [curricula, specs, options] = await Promise.all([
    http.get('/api/curricula'),
    http.get('/api/specs'),
    http.get('/api/spec-options').catch(() => null),
  ]);
  const scenarios = options?.scenarios || [];
  const inputs = {};
  const title = el('input', { id: 'course-title', maxlength: 120, required: true, autocomplete: 'off' });
  const starter = el(
    'select',
    { id: 'course-starter' },
    el('option', { value: '' }, t('web.console.courses.ownMix')),
    ...curricula.map((c, i) => el('option', { value: String(i) }, c.mix.name ? `${c.mix.name} (${c.file})` : c.file)),
  );
  const starterNote = el('p', { class: 'hint', id: 'starter-note', 'aria-live': 'polite' });
  for (const [key, kind, min, max, step] of MIX_FIELDS) {
    const attrs = { id: `mix-${key}`, type: 'number', inputmode: 'decimal' };
    if (kind === 'share') Object.assign(attrs, { min: 0, max: 1, step: 0.05 });
    else if (kind === 'level') Object.assign(attrs, { min: 1, max: 5, step: 1 });
    else Object.assign(attrs, { min, max, step });
    if (MIX_DEFAULTS[key] !== undefined) attrs.placeholder = String(MIX_DEFAULTS[key]);
    inputs[key] = el('input', attrs);
  }
  inputs.count.value = '12';
  const vantageInputs = Object.fromEntries(VANTAGES.map((v) => [v, el('input', { id: `mix-vantage-${v}`, type: 'number', min: 0, step: 0.05, inputmode: 'decimal' })]));
  const scenarioInputs = Object.fromEntries(scenarios.map((s) => [s.id, el('input', { id: `mix-scenario-${s.id}`, type: 'number', min: 0, step: 1, inputmode: 'decimal', class: 'weight' })]));
  const seed = el('input', { id: 'course-seed-input', class: 'mono', autocomplete: 'off', spellcheck: 'false', maxlength: 256, 'aria-describedby': 'seed-warning' });
  // the server also takes a short text (the demonstration courses' style); such a seed can be guessed
  const seedWarning = el('p', { class: 'warning', id: 'seed-warning', role: 'status', hidden: true }, t('web.console.courses.weakSeed'));
  seed.addEventListener('input', () => (seedWarning.hidden = !seed.value.trim() || /^[0-9a-fA-F]{64}$/.test(seed.value.trim())));
  const specBoxes = specs.map((s) => ({ spec: s, box: el('input', { type: 'checkbox', value: s.id, 'data-spec': s.name }) }));
  const summary = el('p', { class: 'summary', id: 'mix-summary', 'aria-live': 'polite' });
  const general = el('div', { id: 'course-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'course-submit' }, t('web.console.courses.generate'));

  const label = (key) => t(`web.console.mix.${key}`);
  const hint = (key) => t(`web.console.mix.${key}.hint`);
  const updateSummary = () => {
    const count = Number(inputs.count.value) || 0;
    const given = inputs.prevalence.value === '' ? MIX_DEFAULTS.prevalence : Number(inputs.prevalence.value);
    const prevalence = Number.isFinite(given) ? Math.min(1, Math.max(0, given)) : MIX_DEFAULTS.prevalence;
    const irregular = Math.round(count * prevalence);
    const from = inputs.difficultyStart.value || MIX_DEFAULTS.difficultyStart;
    const to = inputs.difficultyEnd.value || MIX_DEFAULTS.difficultyEnd;
    const chosen = specBoxes.filter((b) => b.box.checked).length;
    summary.textContent = t('web.console.courses.summary', { count, irregular, clean: Math.max(0, count - irregular), from, to, specs: chosen });
  };
  const fill = (mix) => {
    for (const [key] of MIX_FIELDS) inputs[key].value = mix[key] === undefined || mix[key] === null ? '' : String(mix[key]);
    for (const v of VANTAGES) vantageInputs[v].value = mix.vantage?.[v] === undefined ? '' : String(mix.vantage[v]);
    for (const s of scenarios) scenarioInputs[s.id].value = mix.scenarios?.[s.id] === undefined ? '' : String(mix.scenarios[s.id]);
    updateSummary();
  };
  starter.addEventListener('change', () => {
    const chosen = curricula[Number(starter.value)];
    if (!starter.value || !chosen) {
      starterNote.textContent = '';
      return;
    }
    fill(chosen.mix);
    if (!title.value.trim() && chosen.mix.name) title.value = chosen.mix.name;
    const included = chosen.mix.include?.length || 0;
    starterNote.textContent = included ? t('web.console.courses.starterIncludes', { count: included }) : t('web.console.courses.starterFilled');
  });

  const mixField = (key) => field(label(key), inputs[key], { path: `mix.${key}`, hint: hint(key) });
  const clearWeights = el('button', { type: 'button', class: 'small', id: 'clear-weights' }, t('web.console.courses.clearWeights'));
  clearWeights.addEventListener('click', () => {
    for (const input of Object.values(scenarioInputs)) input.value = '';
  });
  const scenarioGroup = (irregular) =>
    el(
      'div',
      { class: 'weights' },
      el('h4', {}, t(irregular ? 'web.console.courses.irregularScenarios' : 'web.console.courses.cleanScenarios')),
      ...scenarios
        .filter((s) => (s.irregular === 'true') === irregular)
        .map((s) => el('div', { class: 'weight-row', 'data-field': `mix.scenarios.${s.id}` }, el('label', { for: scenarioInputs[s.id].id }, t(`scenario.${s.id}`)), scenarioInputs[s.id])),
    );
  const form = el(
    'form',
    { id: 'course-form', novalidate: true },
    el(
      'section',
      { class: 'panel' },
      el(
        'div',
        { class: 'form-grid' },
        field(t('web.console.courses.title'), title, { path: 'title', className: 'span2' }),
        field(t('web.console.courses.starter'), starter, { hint: t('web.console.courses.starterHint'), className: 'span2' }),
        el('div', { class: 'field wide note' }, starterNote),
      ),
    ),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('web.console.courses.mixTitle')),
      el('div', { class: 'form-grid', 'data-field': 'mix' }, ...MIX_FIELDS.map(([key]) => mixField(key))),
      summary,
    ),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('web.console.courses.vantageTitle')),
      el('p', { class: 'hint' }, t('web.console.courses.vantageHint')),
      el('div', { class: 'form-grid', 'data-field': 'mix.vantage' }, ...VANTAGES.map((v) => field(t(`vantage.${v}`), vantageInputs[v], { path: `mix.vantage.${v}` }))),
    ),
    scenarios.length
      ? el(
          'section',
          { class: 'panel', 'data-field': 'mix.scenarios' },
          el('div', { class: 'section-head' }, el('h2', {}, t('web.console.courses.topicsTitle')), clearWeights),
          el('p', { class: 'hint' }, t('web.console.courses.topicsHint')),
          el('div', { class: 'weights-grid' }, scenarioGroup(false), scenarioGroup(true)),
        )
      : null,
    el(
      'section',
      { class: 'panel', 'data-field': 'includeSpecIds' },
      el('h2', {}, t('web.console.courses.includeTitle')),
      specs.length
        ? el('div', {}, el('p', { class: 'hint' }, t('web.console.courses.includeHint')), el('div', { class: 'flag-list', id: 'include-specs' }, ...specBoxes.map(({ spec, box }) => el('label', { class: 'check' }, box, el('span', {}, spec.name, spec.scenario ? el('span', { class: 'muted' }, ` · ${t(`scenario.${spec.scenario}`)}`) : null)))))
        : el('p', { class: 'muted' }, t('web.console.courses.noSpecs'), ' ', el('a', { href: '#/console/authoring/new' }, t('web.console.authoring.new'))),
    ),
    el(
      'section',
      { class: 'panel' },
      el('div', { class: 'form-grid' }, field(t('web.console.courses.seedOptional'), seed, { path: 'seed', hint: t('web.console.courses.seedInputHint'), wide: true })),
      seedWarning,
    ),
    general,
    el('div', { class: 'form-actions' }, submit, el('a', { class: 'button', href: '#/console/courses' }, t('web.console.cancel'))),
  );
  noImplicitSubmit(form);
  form.addEventListener('input', updateSummary);
  form.addEventListener('change', updateSummary);
  updateSummary();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const mix = {};
    for (const [key] of MIX_FIELDS) if (inputs[key].value.trim() !== '') mix[key] = Number(inputs[key].value);
    const vantage = {};
    for (const v of VANTAGES) if (vantageInputs[v].value.trim() !== '') vantage[v] = Number(vantageInputs[v].value);
    if (Object.keys(vantage).length) mix.vantage = vantage;
    const weights = {};
    for (const s of scenarios) if (scenarioInputs[s.id].value.trim() !== '') weights[s.id] = Number(scenarioInputs[s.id].value);
    if (Object.keys(weights).length) mix.scenarios = weights;
    const payload = { title: title.value.trim(), mix };
    const included = specBoxes.filter((b) => b.box.checked).map((b) => Number(b.box.value));
    if (included.length) payload.includeSpecIds = included;
    if (seed.value.trim()) payload.seed = seed.value.trim();
    if (!payload.title) {
      placeProblems(form, [{ field: 'title', message: t('web.console.required') }], general);
      title.focus();
      return;
    }
    submit.disabled = true;
    try {
      const job = await http.post('/api/courses/generate', payload);
      location.hash = `#/console/courses/jobs/${job.id}`;
    } catch (error) {
      submit.disabled = false;
      if (error instanceof APIError && error.status < 500) {
        const problems = error.problems.length ? error.problems : [{ field: error.field, message: error.message }];
        placeProblems(form, problems, general);
        form.querySelector('[aria-invalid="true"]')?.focus();
      } else {
        general.replaceChildren(el('p', { class: 'error-text' }, context.describe(error)));
      }
    }
  });
  clear(body).append(backTo('#/console/courses', t('web.console.nav.courses')), pageHead(t('web.console.courses.new')), el('p', { class: 'hint' }, t('web.console.courses.newIntro')), form);
  title.focus();
}

// ---- importing a packed course ------------------------------------------------------------------------

function archiveType(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'application/gzip';
  return null;
}

async function renderImport(body, context) {
  context.setTitle(t('web.console.courses.import'));
  const file = el('input', { type: 'file', id: 'course-file', accept: '.zip,.tar.gz,.tgz,application/zip,application/gzip', required: true });
  const general = el('div', { id: 'import-errors', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'import-submit' }, t('web.console.courses.upload'));
  const form = el(
    'form',
    { class: 'panel narrow', id: 'import-form', novalidate: true },
    el('p', {}, t('web.console.courses.importIntro')),
    field(t('web.console.courses.archive'), file, { path: 'file', hint: t('web.console.courses.archiveHint') }),
    general,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    const type = chosen && archiveType(chosen);
    if (!chosen || !type) {
      placeProblems(form, [{ field: 'file', message: t(chosen ? 'web.console.courses.archiveKind' : 'web.console.courses.archiveMissing') }], general);
      return;
    }
    submit.disabled = true;
    general.replaceChildren(el('p', { class: 'muted' }, t('web.console.courses.uploading', { size: number(chosen.size / 1048576, 1) })));
    try {
      const job = await http.upload('/api/courses/import', chosen, type);
      location.hash = `#/console/courses/jobs/${job.id}`;
    } catch (error) {
      submit.disabled = false;
      general.replaceChildren(el('p', { class: 'error-text' }, error instanceof APIError && error.status < 500 ? error.message : context.describe(error)));
    }
  });
  clear(body).append(backTo('#/console/courses', t('web.console.nav.courses')), pageHead(t('web.console.courses.import')), form);
}

// ---- a job, watched -----------------------------------------------------------------------------------

function jobView(job) {
  const parts = [
    el('div', { class: 'job-head' }, el('h2', {}, `${t(`web.console.jobs.kind.${job.kind}`)} #${job.id}`), jobState(job)),
    job.state === 'failed' ? null : progressBar(job.done, job.kind === 'import' && active(job) ? 0 : job.total),
    el('p', { id: 'job-count' }, job.kind === 'generate' ? t('web.console.jobs.casesDone', { done: job.done, total: job.total }) : t(`web.console.jobs.importState.${job.state}`)),
    el('p', { class: 'muted' }, t('web.console.jobs.startedBy', { who: job.createdBy, at: instant(job.createdAt) }), ' · ', t('web.console.jobs.updated', { at: instant(job.updatedAt) })),
  ];
  if (active(job)) parts.push(el('p', { class: 'hint' }, t('web.console.jobs.leaveHint')));
  if (job.state === 'done' && job.courseId) {
    parts.push(
      el('p', { class: 'ok-text' }, t('web.console.jobs.doneText')),
      el('a', { class: 'button primary', id: 'job-course', href: `#/console/courses/${encodeURIComponent(job.courseId)}` }, t('web.console.jobs.openCourse')),
    );
  }
  if (job.error) {
    const problems = job.error.problems || [];
    parts.push(
      el('p', { class: job.state === 'failed' ? 'error-text' : 'hint', id: 'job-error' }, job.error.message),
      problems.length
        ? table(
            [t('web.console.jobs.file'), t('web.console.field'), t('web.console.lineHead'), t('web.console.problem')],
            problems.map((p) => [el('span', { class: 'mono nowrap' }, p.file || '—'), el('span', { class: 'mono' }, p.field || '—'), p.line || '—', p.message]),
            { id: 'job-problems' },
          )
        : null,
    );
  }
  return el('section', { class: 'panel', id: 'job', 'data-state': job.state }, ...parts);
}

async function renderJob(body, jid, context) {
  context.setTitle(t('web.console.jobs.title'));
  const host = el('div', { id: 'job-host' });
  clear(body).append(backTo('#/console/courses', t('web.console.nav.courses')), pageHead(t('web.console.jobs.title')), host);
  poll(host, async () => {
    let job;
    try {
      job = await http.get(`/api/jobs/${encodeURIComponent(jid)}`);
    } catch (error) {
      if (!(error instanceof APIError) || error.status >= 500) throw error; // a passing fault: the poll tries again
      host.replaceChildren(el('p', { class: 'error-text panel' }, context.describe(error)));
      return false;
    }
    host.replaceChildren(jobView(job));
    return active(job);
  });
}
