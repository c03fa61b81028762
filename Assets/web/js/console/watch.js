// Watching a class: its progress, live (the server's figures polled every few seconds), its results from
// Scoring's report (per trainee and for the cohort: H, F, d′, c with intervals, breakdowns, learning curves), the
// item analysis, and a trainee's attempt in the same view as their own feedback. Routes:
// #/console/classes/{gid}[/results|/items|/attempts/{aid}/{cid}].

import { http, APIError } from '../api.js';
import { el, clear, table } from '../dom.js';
import { t, number, instant, language } from '../i18n.js';
import { pageHead, csvLink } from './shell.js';
import { barChart, lineChart, scatterChart } from './charts.js';
import { renderFeedback } from '../stages/feedback.js';

const POLL_MS = 5000;
const TABS = ['progress', 'results', 'items'];

export async function render(body, parts, context) {
  const gid = parts[0];
  const group = await http.get(`/api/groups/${encodeURIComponent(gid)}`);
  context.setTitle(group.title);
  if (parts[1] === 'attempts' && parts[2] && parts[3]) return renderAttempt(body, group, parts[2], parts[3], context);
  const tab = TABS.includes(parts[1]) ? parts[1] : 'progress';
  const content = el('div', { id: 'watch-content' });
  clear(body).append(classHead(group, context), tabs(group, tab), content);
  if (tab === 'progress') return renderProgress(content, group, context);
  const report = await http.get(`/api/groups/${group.id}/report`);
  if (tab === 'results') return renderResults(content, group, report, context);
  return renderItems(content, group, report);
}

/** The class's heading: course, mode, window, and what can be done with it. */
function classHead(group, context) {
  const lang = language();
  const course = encodeURIComponent(group.courseId);
  const actions = [
    el('a', { class: 'button', href: `#/console/classes/${group.id}/debrief`, id: 'open-debrief' }, t('web.console.watch.debrief')),
    el('a', { class: 'button', href: `/api/courses/${course}/print/exercise?lang=${lang}`, target: '_blank', rel: 'noopener', id: 'print-exercise' }, t('web.console.watch.printExercise')),
    el('a', { class: 'button', href: `/api/courses/${course}/print/guide?lang=${lang}`, target: '_blank', rel: 'noopener', id: 'print-guide' }, t('web.console.watch.printGuide')),
  ];
  if (group.mode === 'test' && !group.resultsReleased) {
    const release = el('button', { type: 'button', class: 'primary', id: 'release-results' }, t('web.console.watch.release'));
    release.addEventListener('click', async () => {
      if (!window.confirm(t('web.console.watch.releaseConfirm'))) return;
      release.disabled = true;
      try {
        await http.post(`/api/groups/${group.id}/release`);
        context.toast(t('web.console.watch.released'), 'info');
        release.remove();
        const state = document.getElementById('release-state');
        if (state) state.textContent = ` · ${t('web.assignments.released')}`;
      } catch (error) {
        release.disabled = false;
        context.toast(context.describe(error));
      }
    });
    actions.push(release);
  }
  const facts = [
    el('span', { class: `badge ${group.mode}` }, t(`mode.${group.mode}`)),
    ' ',
    group.cohort ? t('web.console.watch.cohort', { cohort: group.cohort }) : t('web.console.classes.people', { count: group.traineeCount }),
    group.opensAt ? ` · ${t('web.console.classes.opens', { at: instant(group.opensAt) })}` : '',
    group.closesAt ? ` · ${t('web.console.classes.closes', { at: instant(group.closesAt) })}` : '',
    group.caseTimeLimitMinutes ? ` · ${t('web.console.classes.limit', { minutes: group.caseTimeLimitMinutes })}` : '',
    group.mode === 'test' ? el('span', { id: 'release-state' }, ` · ${t(group.resultsReleased ? 'web.assignments.released' : 'web.assignments.notReleased')}`) : '',
  ];
  return el(
    'div',
    { class: 'watch-head' },
    el('p', { class: 'crumbs' }, el('a', { href: '#/console/classes' }, `← ${t('web.console.nav.classes')}`)),
    pageHead(group.title, ...actions),
    el('p', { class: 'muted', id: 'class-facts' }, ...facts),
  );
}

function tabs(group, current) {
  return el(
    'nav',
    { class: 'tabs', 'aria-label': t('web.console.watch.views') },
    ...TABS.map((tab) =>
      el('a', { href: `#/console/classes/${group.id}${tab === 'progress' ? '' : `/${tab}`}`, 'aria-current': tab === current ? 'page' : null, 'data-tab': tab }, t(`web.console.watch.tab.${tab}`)),
    ),
  );
}

/** A figure: the chart, and the table of the same figures with its CSV under it. */
function figure(id, title, chart, tableNode, csvName, csvRows) {
  return el(
    'section',
    { class: 'panel figure', id },
    el('h2', {}, title),
    chart,
    el('details', { class: 'figure-table' }, el('summary', {}, t('web.console.watch.showTable')), tableNode),
    csvName ? el('p', { class: 'csv' }, csvLink(csvName, csvRows)) : null,
  );
}

const pct = (v) => (v === null || v === undefined ? '—' : `${number(v * 100)} %`);
const dec = (v, digits = 2) => (v === null || v === undefined ? '—' : number(v, digits));
const pctInterval = (i) => (i ? `[${number(i.lower * 100)}–${number(i.upper * 100)}]` : '');
const interval = (i, digits = 2) => (i ? `[${number(i.lower, digits)}, ${number(i.upper, digits)}]` : '—');
const seconds = (s) => (s === null || s === undefined ? '—' : s < 90 ? t('web.console.watch.seconds', { n: number(s) }) : t('web.console.watch.minutes', { n: number(s / 60, 1) }));

// ---- progress --------------------------------------------------------------------------------

async function renderProgress(content, group, context) {
  const status = el('p', { class: 'live', id: 'live-status', 'aria-live': 'polite' });
  const stats = el('div', { class: 'stat-row', id: 'progress-stats' });
  const grid = el('div', { id: 'progress-grid' });
  const times = el('div', { id: 'stage-times' });
  content.append(status, stats, grid, times);
  let timer = null;
  const poll = async () => {
    // Stops once the page has gone (another route replaced it).
    if (!content.isConnected) return;
    if (!document.hidden) {
      try {
        const progress = await http.get(`/api/groups/${group.id}/progress`);
        if (!content.isConnected) return;
        drawProgress(progress, group, { stats, grid, times });
        status.replaceChildren(el('span', { class: 'dot', 'aria-hidden': 'true' }), t('web.console.watch.live', { at: new Date(progress.at).toLocaleTimeString(language()) }));
        status.classList.remove('stale');
      } catch (error) {
        if (error instanceof APIError && error.status === 401) return;
        status.textContent = t('web.console.watch.stale', { message: context.describe(error) });
        status.classList.add('stale');
      }
    }
    timer = setTimeout(poll, POLL_MS);
  };
  await poll();
  return { teardown: () => clearTimeout(timer) };
}

function drawProgress(progress, group, { stats, grid, times }) {
  const total = progress.trainees.length * progress.caseCount;
  const onCase = progress.trainees.filter((p) => p.current).length;
  stats.replaceChildren(
    stat(t('web.console.classes.trainees'), String(progress.trainees.length), 'stat-trainees'),
    stat(t('web.console.watch.submitted'), `${progress.submitted} / ${total}`, 'stat-submitted'),
    stat(t('web.console.watch.working'), String(onCase), 'stat-working'),
    ...progress.stageTimes.filter((s) => s.decided).map((s) => stat(t('web.console.watch.medianStage', { stage: t(`stage.${s.stage}`) }), seconds(s.medianSeconds))),
  );
  const header = [t('web.console.watch.trainee'), t('web.console.watch.now'), t('web.console.watch.submitted'), t('web.console.watch.lastActivity')];
  const columns = progress.cases.map((c) => el('th', { class: 'cell-head', scope: 'col', title: c.caseId }, String(c.position + 1)));
  const rows = progress.trainees.map((p) => {
    const byCase = new Map(p.cases.map((c) => [c.caseId, c]));
    const cells = progress.cases.map((column) => {
      const cell = byCase.get(column.caseId);
      if (!cell) return el('td', { class: 'cell new', title: `${column.caseId}: ${t('web.caseStatus.new')}` }, el('span', { class: 'visually-hidden' }, t('web.caseStatus.new')));
      const stageText = cell.currentStage ? ` · ${t(`stage.${cell.currentStage}`)}` : '';
      const timesText = Object.entries(cell.seconds).map(([stage, s]) => `${t(`stage.${stage}`)} ${seconds(s)}`).join(', ');
      const label = `${column.caseId}: ${t(`web.console.watch.status.${cell.status}`)}${stageText}${timesText ? ` (${timesText})` : ''}`;
      const glyph = cell.status === 'submitted' ? '✓' : cell.status === 'timed-out' ? '✗' : String(cell.decided.length + 1);
      return el(
        'td',
        { class: `cell ${cell.status}` },
        el('a', { href: `#/console/classes/${group.id}/attempts/${p.assignmentId}/${encodeURIComponent(column.caseId)}`, title: label, 'aria-label': label, 'data-case': column.caseId }, glyph),
      );
    });
    const now = p.current ? `${p.current.caseId} · ${t(`stage.${p.current.stage}`)}` : '—';
    const percent = progress.caseCount ? Math.round((100 * p.submittedCount) / progress.caseCount) : 0;
    return el(
      'tr',
      { 'data-user': p.username },
      el('th', { scope: 'row', class: 'who' }, p.displayName, el('span', { class: 'muted' }, ` ${p.username}`)),
      el('td', { class: 'now' }, now),
      el(
        'td',
        { class: 'done' },
        el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': progress.caseCount, 'aria-valuenow': p.submittedCount, 'aria-label': t('web.console.watch.submitted') }, el('span', { style: `width:${percent}%` })),
        el('span', { class: 'num' }, `${p.submittedCount}/${progress.caseCount}`),
      ),
      el('td', { class: 'muted' }, p.lastActivityAt ? new Date(p.lastActivityAt).toLocaleTimeString(language(), { hour: '2-digit', minute: '2-digit' }) : '—'),
      ...cells,
    );
  });
  const gridTable = el(
    'table',
    { class: 'progress-grid', id: 'progress-table' },
    el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { scope: 'col' }, h)), ...columns)),
    el('tbody', {}, ...rows),
  );
  const csvRows = [['username', 'displayName', 'caseId', 'status', 'currentStage', 'decided', ...progress.stageTimes.map((s) => `${s.stage}Seconds`)]];
  for (const p of progress.trainees) {
    for (const c of p.cases) csvRows.push([p.username, p.displayName, c.caseId, c.status, c.currentStage || '', c.decided.join(' '), ...progress.stageTimes.map((s) => c.seconds[s.stage] ?? '')]);
  }
  grid.replaceChildren(
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('web.console.watch.whoWhere')),
      el('p', { class: 'hint' }, t('web.console.watch.gridHint')),
      el('div', { class: 'scroll-x' }, gridTable),
      el('p', { class: 'csv' }, csvLink(`class-${progress.groupId}-progress.csv`, csvRows)),
    ),
  );
  const timeRows = progress.stageTimes.map((s) => [t(`stage.${s.stage}`), String(s.decided), seconds(s.medianSeconds), seconds(s.meanSeconds), String(s.working)]);
  times.replaceChildren(
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, t('web.console.watch.timePerStage')),
      table([t('web.feedback.stage'), t('web.console.watch.decided'), t('web.console.watch.median'), t('web.console.watch.mean'), t('web.console.watch.onItNow')], timeRows, { id: 'stage-time-table' }),
      el('p', { class: 'csv' }, csvLink(`class-${progress.groupId}-stage-times.csv`, [['stage', 'decided', 'medianSeconds', 'meanSeconds', 'working'], ...progress.stageTimes.map((s) => [s.stage, s.decided, s.medianSeconds ?? '', s.meanSeconds ?? '', s.working])])),
    ),
  );
}

function stat(label, value, id) {
  return el('div', { class: 'stat', id }, el('div', { class: 'value' }, value), el('div', { class: 'label' }, label));
}

// ---- results ---------------------------------------------------------------------------------

function detectionRow(name, report) {
  const d = report.detection;
  return [
    name,
    String(report.attempts),
    `${pct(d.hitRate)} ${interval(d.hitRateInterval)}`,
    `${pct(d.falseAlarmRate)} ${interval(d.falseAlarmRateInterval)}`,
    `${dec(d.dPrime)} ${interval(d.dPrimeInterval)}`,
    `${dec(d.criterion)} ${interval(d.criterionInterval)}`,
    dec(d.aPrime),
    pct(report.meanScore),
  ];
}

const detectionHeader = () => ['', 'n', 'H [95 %]', 'F [95 %]', 'd′ [95 %]', 'c [95 %]', 'A′', t('web.console.watch.meanScore')];

function detectionCSV(rows) {
  return [
    ['subject', 'attempts', 'hits', 'misses', 'falseAlarms', 'correctRejections', 'hitRate', 'hitRateLow', 'hitRateHigh', 'falseAlarmRate', 'falseAlarmRateLow', 'falseAlarmRateHigh', 'dPrime', 'dPrimeLow', 'dPrimeHigh', 'c', 'cLow', 'cHigh', 'aPrime', 'meanScore'],
    ...rows.map(([name, r]) => {
      const d = r.detection, c = d.counts;
      return [name, r.attempts, c.hits, c.misses, c.falseAlarms, c.correctRejections, d.hitRate, d.hitRateInterval?.lower, d.hitRateInterval?.upper, d.falseAlarmRate, d.falseAlarmRateInterval?.lower, d.falseAlarmRateInterval?.upper, d.dPrime, d.dPrimeInterval?.lower, d.dPrimeInterval?.upper, d.criterion, d.criterionInterval?.lower, d.criterionInterval?.upper, d.aPrime, r.meanScore];
    }),
  ];
}

async function renderResults(content, group, report, context) {
  if (!report.graded) {
    content.append(el('p', { class: 'panel muted', id: 'no-results' }, t('web.console.watch.noResults')));
    return {};
  }
  const subject = el('select', { id: 'results-subject' }, el('option', { value: '' }, t('web.console.watch.cohortAll')), ...report.trainees.map((tr) => el('option', { value: tr.username }, tr.displayName)));
  const detail = el('div', { id: 'results-detail' });
  const cohortD = report.cohort.detection;
  const cohortStats = el(
    'div',
    { class: 'stat-row', id: 'cohort-stats' },
    stat('H', `${pct(cohortD.hitRate)} ${pctInterval(cohortD.hitRateInterval)}`, 'stat-h'),
    stat('F', `${pct(cohortD.falseAlarmRate)} ${pctInterval(cohortD.falseAlarmRateInterval)}`, 'stat-f'),
    stat('d′', `${dec(cohortD.dPrime)} ${interval(cohortD.dPrimeInterval)}`, 'stat-dprime'),
    stat('c', `${dec(cohortD.criterion)} ${interval(cohortD.criterionInterval)}`, 'stat-c'),
    stat(t('web.console.watch.graded'), String(report.graded), 'stat-graded'),
  );
  const people = [...report.trainees.map((tr) => [tr.displayName, tr.report]), [t('web.console.watch.cohortAll'), report.cohort]];
  const dChart = barChart({
    id: 'chart-dprime',
    title: t('web.console.watch.dprimeTitle'),
    description: t('web.console.watch.dprimeDesc'),
    rows: report.trainees.map((tr) => ({ label: tr.displayName, value: tr.report.detection.dPrime, low: tr.report.detection.dPrimeInterval?.lower, high: tr.report.detection.dPrimeInterval?.upper })).concat([{ label: t('web.console.watch.cohortAll'), value: cohortD.dPrime, low: cohortD.dPrimeInterval?.lower, high: cohortD.dPrimeInterval?.upper, kind: 'cohort' }]),
    domain: 'auto',
    axisLabel: 'd′',
  });
  content.append(
    cohortStats,
    el(
      'div',
      { class: 'figure-grid' },
      figure('figure-trainees', t('web.console.watch.traineesTitle'), dChart, table(detectionHeader(), people.map(([name, r]) => detectionRow(name, r)), { id: 'trainee-table' }), `class-${group.id}-trainees.csv`, detectionCSV(people)),
      figure(
        'figure-rates',
        t('web.console.watch.ratesTitle'),
        barChart({
          id: 'chart-rates',
          title: t('web.console.watch.ratesTitle'),
          description: t('web.console.watch.ratesDesc'),
          rows: report.trainees.flatMap((tr) => [
            { label: `${tr.displayName} · H`, value: tr.report.detection.hitRate, low: tr.report.detection.hitRateInterval?.lower, high: tr.report.detection.hitRateInterval?.upper, kind: 'good' },
            { label: `${tr.displayName} · F`, value: tr.report.detection.falseAlarmRate, low: tr.report.detection.falseAlarmRateInterval?.lower, high: tr.report.detection.falseAlarmRateInterval?.upper, kind: 'bad' },
          ]),
          axisLabel: t('web.console.watch.rate'),
        }),
        table(detectionHeader(), people.map(([name, r]) => detectionRow(name, r))),
        `class-${group.id}-rates.csv`,
        detectionCSV(people),
      ),
    ),
    el('p', { class: 'csv report-csv' }, el('a', { class: 'button small', href: `/api/groups/${group.id}/report.csv`, download: `class-${group.id}-report.csv`, id: 'report-csv' }, t('web.console.watch.reportCSV')), ' ', el('span', { class: 'hint' }, t('web.console.watch.intervalsNote'))),
    el('div', { class: 'panel subject-pick' }, el('label', { for: 'results-subject' }, t('web.console.watch.breakdownFor')), ' ', subject),
    detail,
  );
  const draw = () => drawBreakdowns(detail, group, report, subject.value);
  subject.addEventListener('change', draw);
  draw();
  return {};
}

/** Breakdowns of one subject (a trainee, or the cohort when `username` is empty). */
function drawBreakdowns(detail, group, report, username) {
  const trainee = report.trainees.find((tr) => tr.username === username);
  const subject = trainee ? trainee.report : report.cohort;
  const byStage = trainee ? trainee.byStage : report.cohortByStage;
  const name = trainee ? trainee.displayName : t('web.console.watch.cohortAll');
  const slug = trainee ? trainee.username : 'cohort';
  const groupRows = (groups, labelOf) => groups.map((g) => [labelOf(g.group), String(g.attempts), `${pct(g.detection.hitRate)} ${interval(g.detection.hitRateInterval)}`, `${pct(g.detection.falseAlarmRate)} ${interval(g.detection.falseAlarmRateInterval)}`, `${dec(g.detection.dPrime)} ${interval(g.detection.dPrimeInterval)}`, pct(g.meanScore)]);
  const groupHeader = (first) => [first, 'n', 'H [95 %]', 'F [95 %]', 'd′ [95 %]', t('web.console.watch.meanScore')];
  const groupCSV = (groups) => [['group', 'attempts', 'hitRate', 'hitRateLow', 'hitRateHigh', 'falseAlarmRate', 'dPrime', 'dPrimeLow', 'dPrimeHigh', 'meanScore'], ...groups.map((g) => [g.group, g.attempts, g.detection.hitRate, g.detection.hitRateInterval?.lower, g.detection.hitRateInterval?.upper, g.detection.falseAlarmRate, g.detection.dPrime, g.detection.dPrimeInterval?.lower, g.detection.dPrimeInterval?.upper, g.meanScore])];
  const kindLabel = (k) => t(`anomaly.${k}`);
  const difficultyLabel = (d) => t('web.console.watch.level', { level: d });
  const kinds = subject.byKind.filter((g) => g.detection.counts.hits + g.detection.counts.misses > 0);
  const kindChart = barChart({
    id: 'chart-kind',
    title: t('web.console.watch.byKindTitle', { name }),
    description: t('web.console.watch.byKindDesc'),
    rows: kinds.map((g) => ({ label: kindLabel(g.group), value: g.detection.hitRate, low: g.detection.hitRateInterval?.lower, high: g.detection.hitRateInterval?.upper, note: `(${g.detection.counts.hits}/${g.detection.counts.hits + g.detection.counts.misses})` })),
    axisLabel: t('web.console.watch.hitRate'),
  });
  const difficultyChart = barChart({
    id: 'chart-difficulty',
    title: t('web.console.watch.byDifficultyTitle', { name }),
    description: t('web.console.watch.byDifficultyDesc'),
    rows: subject.byDifficulty.map((g) => ({ label: difficultyLabel(g.group), value: g.meanScore, note: `(n ${g.attempts})` })),
    axisLabel: t('web.console.watch.meanScore'),
  });
  const stageChart = barChart({
    id: 'chart-stage',
    title: t('web.console.watch.byStageTitle', { name }),
    description: t('web.console.watch.byStageDesc'),
    rows: byStage.map((s) => ({ label: t(`stage.${s.stage}`), value: s.proportionAcceptable, low: s.interval.lower, high: s.interval.upper, note: `(${s.acceptable}/${s.attempts})` })),
    axisLabel: t('web.console.watch.acceptable'),
  });
  const stageRows = byStage.map((s) => [t(`stage.${s.stage}`), String(s.attempts), `${pct(s.proportionAcceptable)} ${interval(s.interval)}`, pct(s.meanScore), seconds(s.medianResponseSeconds), seconds(s.meanResponseSeconds)]);
  const curve = trainee ? trainee.report.learningCurve : report.cohortLearningCurve;
  const series = [];
  if (!trainee) {
    for (const tr of report.trainees) series.push({ label: tr.displayName, points: tr.report.learningCurve.map((p) => ({ x: p.block, y: p.meanScore })) });
  } else {
    series.push({ label: t('web.console.watch.cohortAll'), points: report.cohortLearningCurve.map((p) => ({ x: p.block, y: p.meanScore })) });
  }
  series.push({ label: name, emphasis: true, points: curve.map((p) => ({ x: p.block, y: p.meanScore })) });
  const curveChart = lineChart({
    id: 'chart-learning',
    title: t('web.console.watch.learningTitle', { name }),
    description: t('web.console.watch.learningDesc', { size: report.blockSize }),
    series,
    legendOthers: trainee ? null : t('web.console.watch.eachTrainee'),
    xLabel: report.blockSize === 1 ? t('web.console.watch.blockOne') : t('web.console.watch.block', { size: report.blockSize }),
    yLabel: t('web.console.watch.meanScore'),
  });
  const curveRows = curve.map((p) => [String(p.block), String(p.attempts), pct(p.meanScore), pct(p.proportionCorrect), `${pct(p.detection.hitRate)}`, `${pct(p.detection.falseAlarmRate)}`, `${dec(p.detection.dPrime)} ${interval(p.detection.dPrimeInterval)}`]);
  detail.replaceChildren(
    el(
      'div',
      { class: 'figure-grid' },
      figure('figure-kind', t('web.console.watch.byKindTitle', { name }), kindChart, table(groupHeader(t('web.console.watch.kind')), groupRows(subject.byKind, kindLabel), { id: 'kind-table' }), `class-${group.id}-${slug}-by-kind.csv`, groupCSV(subject.byKind)),
      figure('figure-difficulty', t('web.console.watch.byDifficultyTitle', { name }), difficultyChart, table(groupHeader(t('web.console.watch.difficulty')), groupRows(subject.byDifficulty, difficultyLabel), { id: 'difficulty-table' }), `class-${group.id}-${slug}-by-difficulty.csv`, groupCSV(subject.byDifficulty)),
      figure(
        'figure-stage',
        t('web.console.watch.byStageTitle', { name }),
        stageChart,
        table([t('web.feedback.stage'), 'n', t('web.console.watch.acceptable'), t('web.console.watch.meanScore'), t('web.console.watch.median'), t('web.console.watch.mean')], stageRows, { id: 'stage-table' }),
        `class-${group.id}-${slug}-by-stage.csv`,
        [['stage', 'attempts', 'acceptable', 'proportionAcceptable', 'low', 'high', 'meanScore', 'medianSeconds', 'meanSeconds'], ...byStage.map((s) => [s.stage, s.attempts, s.acceptable, s.proportionAcceptable, s.interval.lower, s.interval.upper, s.meanScore, s.medianResponseSeconds, s.meanResponseSeconds])],
      ),
      figure(
        'figure-learning',
        t('web.console.watch.learningTitle', { name }),
        curveChart,
        table([t('web.console.watch.blockShort'), 'n', t('web.console.watch.meanScore'), t('web.console.watch.correct'), 'H', 'F', 'd′ [95 %]'], curveRows, { id: 'learning-table' }),
        `class-${group.id}-${slug}-learning.csv`,
        [['block', 'attempts', 'meanScore', 'proportionCorrect', 'hitRate', 'falseAlarmRate', 'dPrime', 'dPrimeLow', 'dPrimeHigh'], ...curve.map((p) => [p.block, p.attempts, p.meanScore, p.proportionCorrect, p.detection.hitRate, p.detection.falseAlarmRate, p.detection.dPrime, p.detection.dPrimeInterval?.lower, p.detection.dPrimeInterval?.upper])],
      ),
    ),
  );
}

// ---- items -----------------------------------------------------------------------------------

function renderItems(content, group, report) {
  if (!report.items.length) {
    content.append(el('p', { class: 'panel muted', id: 'no-results' }, t('web.console.watch.noResults')));
    return {};
  }
  const flagged = (item) => item.flags.some((f) => f !== 'tooFewAttempts');
  const chart = scatterChart({
    id: 'chart-items',
    title: t('web.console.watch.itemsTitle'),
    description: t('web.console.watch.itemsDesc'),
    points: report.items.map((item) => ({ x: item.difficulty, y: item.discrimination, label: `${item.position + 1}. ${item.caseId}`, flagged: flagged(item) })),
    xLabel: t('web.console.watch.difficultyP'),
    yLabel: t('web.console.watch.discrimination'),
    guides: [
      { axis: 'x', value: 0.2, label: t('report.flag.tooHard') },
      { axis: 'x', value: 0.95, label: t('report.flag.tooEasy') },
      { axis: 'y', value: 0.2, label: t('report.flag.lowDiscrimination') },
      { axis: 'y', value: -0.2, label: t('report.flag.broken') },
    ],
  });
  const rows = report.items.map((item) => [
    String(item.position + 1),
    el('a', { href: `#/console/classes/${group.id}/debrief/${encodeURIComponent(item.caseId)}` }, item.caseId),
    t(`scenario.${item.scenario}`),
    String(item.attempts),
    dec(item.difficulty),
    dec(item.discrimination),
    item.flags.map((f) => t(`report.flag.${f}`)).join(', ') || '—',
  ]);
  const undrawn = report.items.filter((item) => item.discrimination === null || item.discrimination === undefined).length;
  content.append(
    el('p', { class: 'hint' }, t('web.console.watch.itemsHint')),
    undrawn ? el('p', { class: 'hint', id: 'items-undrawn' }, t('web.console.watch.itemsUndrawn', { count: undrawn })) : null,
    figure(
      'figure-items',
      t('web.console.watch.itemsTitle'),
      chart,
      table(['#', t('label.case'), t('report.topic'), 'n', t('web.console.watch.difficultyP'), t('web.console.watch.discrimination'), t('report.flags')], rows, { id: 'item-table' }),
      `class-${group.id}-items.csv`,
      [['position', 'caseId', 'scenario', 'attempts', 'difficulty', 'discrimination', 'flags'], ...report.items.map((i) => [i.position + 1, i.caseId, i.scenario, i.attempts, i.difficulty, i.discrimination ?? '', i.flags.join(' ')])],
    ),
  );
  content.querySelector('#figure-items').classList.add('side');
  content.querySelector('#figure-items details').open = true;
  return {};
}

// ---- a trainee's attempt ----------------------------------------------------------------------

async function renderAttempt(body, group, aid, cid, context) {
  const attempt = await http.get(`/api/groups/${group.id}/attempts/${encodeURIComponent(aid)}/cases/${encodeURIComponent(cid)}`);
  context.setTitle(`${attempt.trainee.displayName} · ${cid}`);
  const fileURL = (name) => `/api/groups/${group.id}/cases/${encodeURIComponent(cid)}/files/${encodeURIComponent(name)}`;
  const decisions = attempt.decisions.map((d) => [
    t(`stage.${d.stage}`),
    t(`disposition.${d.disposition}`) + (d.agency ? ` (${t(`agency.${d.agency}`)})` : ''),
    instant(d.decidedAt),
    (d.flaggedIndicators || []).map((i) => t(`indicator.${i}`)).join(', ') || (d.markedRegions?.length ? t('web.console.watch.marks', { count: d.markedRegions.length }) : '—'),
  ]);
  const status = attempt.currentStage === null ? t('web.caseStatus.submitted') : attempt.timedOut ? t('web.console.watch.status.timed-out') : `${t('web.caseStatus.in-progress')} · ${t(`stage.${attempt.currentStage}`)}`;
  const feedbackHost = el('div', { id: 'attempt-feedback' });
  clear(body).append(
    el('p', { class: 'crumbs' }, el('a', { href: `#/console/classes/${group.id}` }, `← ${group.title}`)),
    el(
      'div',
      { class: 'desk-head' },
      el('h1', {}, `${attempt.trainee.displayName} · ${cid}`),
      el('span', { class: `badge ${attempt.mode}` }, t(`mode.${attempt.mode}`)),
      el('span', { class: 'meta', id: 'attempt-status' }, status),
      el('a', { class: 'button small', href: `#/console/classes/${group.id}/debrief/${encodeURIComponent(cid)}` }, t('web.console.watch.debriefCase')),
    ),
    el('section', { class: 'panel' }, el('h2', {}, t('web.console.watch.decisions')), decisions.length ? table([t('web.feedback.stage'), t('web.console.watch.decision'), t('web.console.watch.decidedAt'), t('web.console.watch.details')], decisions, { id: 'attempt-decisions' }) : el('p', { class: 'muted' }, t('web.console.watch.noDecision'))),
    feedbackHost,
  );
  if (!attempt.feedback) {
    feedbackHost.append(el('p', { class: 'panel muted', id: 'attempt-pending' }, t('web.console.watch.notGraded')));
    return {};
  }
  // The trainee's own feedback view, fed with this attempt's feedback, marks and the staff's file route.
  const feedbackContext = {
    aid,
    cid,
    view: { case: attempt.case, mode: attempt.mode },
    marks: attempt.marks,
    api: {
      feedback: async () => attempt.feedback,
      scan: async (a, c, name) => {
        const response = await fetch(fileURL(name), { credentials: 'same-origin' });
        if (!response.ok) throw new APIError(response.status, null);
        return response.arrayBuffer();
      },
    },
    backLink: `#/console/classes/${group.id}`,
  };
  return renderFeedback(feedbackHost, feedbackContext);
}
