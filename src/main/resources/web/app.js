// Top-LoRAs gallery: wiring of the catalog view, refresh runs, shortlist, details and the studio.
import { get, post, query, takeKeyFromFragment, apiKey, setApiKey, whenUnauthorized } from './api.js';
import { loadTask, select, facet, tagsOf, haystack, card, cover, avatar, el, count, trendBadges, downloadsChart } from './catalog.js';
import { initStudio, openStudio, setModels, loadHistory } from './generate.js';
import { suggestedParams } from './jobrequest.js';

const $ = (s) => document.querySelector(s);
const RATIO = 'toploras.coverRatio';
const view = { task: '', records: [], byId: new Map(), matches: [], page: 0, shortlist: [] };

function problem(msg) {
  const p = $('#problem');
  p.textContent = msg || '';
  p.hidden = !msg;
}

function ago(seconds) {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function fillSelect(sel, entries) {
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '', text: 'Any' }),
    ...entries.slice(0, 300).map(([v, n]) => el('option', { value: v, text: `${v} (${n})` })));
  sel.value = entries.some(([v]) => v === keep) ? keep : '';
}

function tasksSwitcher(tasks) {
  const sel = $('#task');
  sel.replaceChildren(...tasks.map((t) => el('option', { value: t, text: t })));
  if (view.task && !tasks.includes(view.task)) sel.append(el('option', { value: view.task, text: view.task }));
  sel.value = view.task;
  $('#task-switch').hidden = tasks.length < 2;
}

async function load(task) {
  problem('');
  $('#summary').textContent = 'Loading…';
  try {
    const full = loadTask(task);
    await preview(task);
    const data = await full;
    performance.mark('catalog-loaded'); // read by the render benchmark (WebRenderBenchmark)
    view.task = data.task;
    view.records = data.results;
    for (const r of view.records) r._hay = haystack(r);
    view.byId = new Map(view.records.map((r) => [r.id, r]));
    tasksSwitcher(data.available_tasks || [data.task]);
    const f = $('#freshness');
    f.textContent = `${data.stale ? 'Stale: ' : ''}cached ${ago(data.age_seconds)} ago`;
    f.classList.toggle('stale', !!data.stale);
    f.title = `cached at ${data._cached_at}; fresh for ${ago(data.ttl_seconds)}`;
    fillSelect($('#f-base'), facet(view.records, (r) => r.base_models || []));
    fillSelect($('#f-vision'), facet(view.records, (r) => [r.vision_foundation]));
    fillSelect($('#f-tag'), facet(view.records, tagsOf));
    setModels(facet(view.records, (r) => r.base_models || []).map(([m]) => m));
    view.shortlist = view.shortlist.filter((id) => view.byId.has(id));
    apply(true);
  } catch (e) {
    view.records = [];
    view.byId = new Map();
    apply(true);
    if (e.status === 404) {
      view.task = e.details.task || task || '';
      tasksSwitcher(e.details.available_tasks || []);
      $('#freshness').textContent = '';
      $('#summary').textContent = `Nothing cached for ${view.task || 'this task'} yet: press Refresh to fetch the leaderboard.`;
      explainLastFailure(view.task);
    } else {
      problem(`Could not load the leaderboard: ${e.message}`);
    }
  }
}

/** Why a refresh failed, and, when ModelScope could not be reached, how to point the runtime at a mirror. */
function refreshFailure(error) {
  const unreachable = error.code === 'upstream_unavailable';
  return `${error.message}${unreachable ? ' — no access to ModelScope from this machine? Start serve with MODELSCOPE_BASE_URL=http://your-mirror:port (or set modelscope.base-url in the home folder\'s application.properties), or try `top-loras demo`, which runs offline.' : ''}`;
}

/** Nothing cached: when the refresh `serve` ran at start (or the last one) failed, say why instead of only "press Refresh". */
async function explainLastFailure(task) {
  try {
    const { runs } = await get('/api/v1/runs' + query({ kind: 'refresh', limit: 20 }));
    const last = (runs || []).find((r) => !r.params || !r.params.task || r.params.task === task);
    if (!last || last.state !== 'failed' || !last.error || view.records.length) return;
    $('#summary').textContent = `Nothing cached for ${task || 'this task'}: the last refresh failed: ${refreshFailure(last.error)} Press Refresh to try again.`;
  } catch {
    // the summary already says to press Refresh
  }
}

/**
 * The first page, asked of the server in the chosen order, shown while the whole leaderboard (for filters and facets)
 * is still on its way: covers start loading at once. Only when no filter is set; the full list then keeps these cards.
 */
async function preview(task) {
  const f = filters();
  if (view.records.length || f.q || f.base || f.vision || f.tag || f.image) return;
  try {
    const first = await get('/api/v1/models' + query({ task, sort: f.sort, limit: $('#per-page').value }));
    if (view.records.length) return;
    view.matches = first.results;
    view.page = 0;
    render();
    $('#summary').textContent = `Loading all ${first.total} LoRAs…`;
  } catch {
    // the full load reports the problem
  }
}

function filters() {
  return { q: $('#q').value, base: $('#f-base').value, vision: $('#f-vision').value, tag: $('#f-tag').value, image: $('#f-image').value, sort: $('#sort').value };
}

function apply(resetPage) {
  view.matches = select(view.records, filters());
  if (resetPage) view.page = 0;
  render();
}

function render() {
  const per = Number($('#per-page').value);
  const pages = Math.max(1, Math.ceil(view.matches.length / per));
  view.page = Math.min(view.page, pages - 1);
  const slice = view.matches.slice(view.page * per, view.page * per + per);
  const gallery = $('#lora-gallery');
  const key = slice.map((r) => r.id).join('\n');
  if (gallery.dataset.key !== key) { // the same cards again (the full list after the preview): keep them, and their covers
    const frag = document.createDocumentFragment();
    slice.forEach((r, i) => frag.append(card(r, { shortlisted: view.shortlist.includes(r.id), index: i })));
    gallery.replaceChildren(frag);
    gallery.dataset.key = key;
    if (slice.length) performance.mark('gallery-rendered');
  }
  if (view.records.length) $('#summary').textContent = `${view.matches.length} of ${view.records.length} LoRAs`;
  risingHint();
  $('#page-info').textContent = `Page ${view.page + 1} of ${pages}`;
  $('#prev').disabled = view.page === 0;
  $('#next').disabled = view.page >= pages - 1;
  renderShortlist();
}

/** "Rising" orders by downloads per day, which history knows only after refreshes an hour or more apart: say so. */
function risingHint() {
  const hint = $('#sort-hint');
  const known = view.records.filter((r) => r.downloads_per_day != null).length;
  hint.hidden = $('#sort').value !== 'trending' || !view.records.length || known === view.records.length;
  hint.textContent = known === 0
    ? 'Rising needs history: downloads per day are known once a LoRA has been seen by refreshes at least an hour apart. Until then this order is the same as Downloads.'
    : `${view.records.length - known} LoRAs have no history yet (downloads per day unknown): they come last.`;
}

function renderShortlist() {
  const box = $('#shortlist');
  box.hidden = view.shortlist.length === 0;
  $('#shortlist-items').replaceChildren(...view.shortlist.map((id) => {
    const r = view.byId.get(id);
    const rm = el('button', { type: 'button', class: 'linklike', 'aria-label': `Remove ${id} from the shortlist`, text: '✕' });
    rm.addEventListener('click', () => toggleShortlist(id));
    return el('li', {}, el('span', { text: r?.title_en || id }), rm);
  }));
}

function toggleShortlist(id) {
  const i = view.shortlist.indexOf(id);
  if (i >= 0) view.shortlist.splice(i, 1); else view.shortlist.push(id);
  syncShortlist();
}

/** Updates the cards' buttons in place (keeping keyboard focus where it is) and the shortlist panel. */
function syncShortlist() {
  for (const b of document.querySelectorAll('#lora-gallery .card button[data-act="shortlist"]')) {
    const on = view.shortlist.includes(b.closest('.card').dataset.id);
    b.setAttribute('aria-pressed', String(on));
    b.textContent = on ? '★ Shortlisted' : '☆ Shortlist';
  }
  renderShortlist();
}

function dl(pairs) {
  const d = el('dl');
  for (const [k, v] of pairs) d.append(el('dt', { text: k }), el('dd', {}, v instanceof Node ? v : document.createTextNode(v || '—')));
  return d;
}

function details(r) {
  const s = suggestedParams(r);
  const link = el('a', { href: r.modelscope_url, target: '_blank', rel: 'noopener noreferrer', text: 'Open on ModelScope' });
  const use = el('button', { type: 'button', class: 'primary', text: 'Generate with this LoRA' });
  use.addEventListener('click', () => { $('#detail').close(); openStudio([r], view.task); });
  const chart = el('div', { class: 'chart-box', text: 'Loading history…' });
  $('#detail-title').textContent = r.title_cn && r.title_en && r.title_cn !== r.title_en ? `${r.title_cn} · ${r.title_en}` : (r.title_en || r.title_cn || r.id);
  $('#detail-body').replaceChildren(
    cover(r, { eager: true }),
    el('p', { class: 'who' }, avatar(r), el('span', { text: r.author || '' })),
    dl([
      ['Id', r.id],
      ['Trigger words', (r.trigger_words || []).join(', ')],
      ['Base models', (r.base_models || []).join(', ')],
      ['Vision foundation', r.vision_foundation],
      ['License', r.license],
      ['Downloads / likes', `${count(r.downloads)} / ${count(r.likes)}`],
      ['Trend', trendLine(r)],
      ['Updated', r.updated_at ? new Date(r.updated_at).toLocaleString() : ''],
      ['Tags', tagsOf(r).join(', ')],
      ['Suggested parameters', `${s.size}, ${s.steps} steps, guidance ${s.guidance}${s.sampler ? ', ' + s.sampler : ''}${s.prompt ? `; start the prompt with "${s.prompt.trim().replace(/,$/, '')}"` : ''}`],
      ['ModelScope', link],
    ]),
    el('section', { class: 'trend-history', 'aria-label': 'Downloads over time' }, el('h3', { text: 'Downloads over time' }), chart),
    use);
  $('#detail').showModal();
  loadChart(r, chart);
}

function trendLine(r) {
  const box = el('span', { class: 'trend-line' }, ...trendBadges(r));
  const parts = [];
  if (r.rank) parts.push(`#${r.rank}`);
  if (r.downloads_delta != null) parts.push(`${r.downloads_delta >= 0 ? '+' : ''}${count(r.downloads_delta)} downloads since the previous refresh`);
  if (r.downloads_per_day != null) parts.push(`${count(r.downloads_per_day)} / day`);
  box.append(document.createTextNode(' ' + (parts.join(' · ') || 'no history yet')));
  return box;
}

/** The model id owner/name goes into the path as two segments, each encoded. */
async function loadChart(r, box) {
  try {
    const path = r.id.split('/').map(encodeURIComponent).join('/');
    const h = await get(`/api/v1/models/${path}/history` + query({ task: view.task }));
    if (h.series.length < 2) { box.textContent = 'One refresh so far: the chart starts with the next one.'; return; }
    box.replaceChildren(downloadsChart(h.series));
  } catch (e) {
    box.textContent = e.status === 404 ? 'No history yet.' : `History unavailable: ${e.message}`;
  }
}

function compareShortlist() {
  const rs = view.shortlist.map((id) => view.byId.get(id)).filter(Boolean);
  $('#compare-body').replaceChildren(...rs.map((r) => el('div', { class: 'compare-col' },
    cover(r, { eager: true }),
    el('h3', { text: r.title_en || r.id }),
    dl([['Author', r.author], ['Downloads', count(r.downloads)], ['Likes', count(r.likes)],
      ['Base models', (r.base_models || []).join(', ')], ['Trigger words', (r.trigger_words || []).join(', ')],
      ['License', r.license], ['Tags', tagsOf(r).slice(0, 8).join(', ')]]))));
  $('#compare').showModal();
}

async function refresh() {
  const btn = $('#refresh');
  let runId;
  btn.disabled = true;
  try {
    runId = (await post('/api/v1/refresh' + query({ task: view.task }))).run_id;
  } catch (e) {
    if (e.status === 409 && e.details.run_id) runId = e.details.run_id;
    else { $('#refresh-status').textContent = `Refresh not started: ${e.message}`; btn.disabled = false; return; }
  }
  await followRun(runId);
}

/** Shows a refresh run's progress until it ends, then reloads the leaderboard (also for a run `serve` started). */
async function followRun(runId) {
  const btn = $('#refresh');
  const status = $('#refresh-status');
  btn.disabled = true;
  if (!view.records.length) $('#summary').textContent = 'Fetching the leaderboard: the cards appear when the refresh ends.';
  try {
    for (;;) {
      const run = await get(`/api/v1/runs/${encodeURIComponent(runId)}`);
      const c = run.counts || {};
      status.textContent = `Refreshing: ${c.done ?? 0} / ${c.items ?? '?'} done, ${c.warnings ?? 0} warnings, ${c.failed ?? 0} failed`;
      if (run.state !== 'running') {
        status.textContent = `Refresh ${run.state.replaceAll('_', ' ')}: ${c.done ?? 0} / ${c.items ?? 0} done, ${c.warnings ?? 0} warnings`
          + (run.error ? ` — ${refreshFailure(run.error)}` : '');
        break;
      }
      await new Promise((ok) => setTimeout(ok, 500));
    }
    await load(view.task);
  } catch (e) {
    status.textContent = `Refresh: ${e.message}`;
  } finally {
    btn.disabled = false;
  }
}

/**
 * A refresh already running for the task (`serve` refreshes a missing or stale cache at start): follow it. One that
 * ended between the leaderboard's load and this look has left a cache the page has not shown yet: load it. With
 * nothing cached and no refresh running, the start-up one may not have begun yet (it starts half a second after the
 * server): look again once a second, `looks` times in all.
 */
async function followRunningRefresh(looks = 10) {
  try {
    const { runs } = await get('/api/v1/runs' + query({ kind: 'refresh', limit: 20 }));
    const run = (runs || []).find((r) => !view.task || !r.params || !r.params.task || r.params.task === view.task);
    if (run && run.state === 'running') await followRun(run.run_id);
    else if (run && run.state.startsWith('completed') && !view.records.length) await load(view.task);
    else if (!view.records.length && looks > 1) {
      // a run the Refresh button started is followed already: the button stays disabled while it is
      setTimeout(() => $('#refresh').disabled || followRunningRefresh(looks - 1), 1000);
    }
  } catch (e) {
    // the page works without it: the Refresh button still shows a run's progress
  }
}

function setRatio(r) {
  $('#lora-gallery').style.setProperty('--cover-ratio', r);
  document.documentElement.style.setProperty('--cover-ratio', r);
}

function init() {
  takeKeyFromFragment();
  whenUnauthorized(() => {
    problem('This runtime needs its API key: enter it under Settings.');
    $('#settings').open = true;
    $('#api-key').focus();
  });
  const useKey = () => { problem(''); $('#settings').open = false; $('#api-key').value = apiKey(); load(view.task); loadHistory($('#history')); };
  $('#api-key').value = apiKey();
  $('#api-key-save').addEventListener('click', () => { setApiKey($('#api-key').value.trim()); useKey(); });
  window.addEventListener('hashchange', () => { if (takeKeyFromFragment()) useKey(); });
  const ratio = localStorage.getItem(RATIO) || '16 / 9';
  $('#ratio').value = ratio;
  setRatio(ratio);
  $('#ratio').addEventListener('change', (e) => { localStorage.setItem(RATIO, e.target.value); setRatio(e.target.value); });

  let typing;
  $('#q').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => apply(true), 80); });
  for (const id of ['#f-base', '#f-vision', '#f-tag', '#f-image', '#sort', '#per-page']) $(id).addEventListener('change', () => apply(true));
  $('#filters').addEventListener('submit', (e) => e.preventDefault());
  $('#filters').addEventListener('reset', () => setTimeout(() => apply(true)));
  $('#prev').addEventListener('click', () => { view.page--; render(); $('#lora-gallery').focus(); });
  $('#next').addEventListener('click', () => { view.page++; render(); $('#lora-gallery').focus(); });
  $('#task').addEventListener('change', (e) => load(e.target.value));
  $('#refresh').addEventListener('click', refresh);
  $('#lora-gallery').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const r = view.byId.get(b.closest('.card').dataset.id);
    if (b.dataset.act === 'detail') details(r);
    else if (b.dataset.act === 'shortlist') toggleShortlist(r.id);
    else openStudio([r], view.task);
  });
  const shortlisted = () => view.shortlist.map((id) => view.byId.get(id)).filter(Boolean);
  $('#compare-open').addEventListener('click', compareShortlist);
  $('#shortlist-generate').addEventListener('click', () => openStudio(shortlisted(), view.task));
  $('#shortlist-clear').addEventListener('click', () => { view.shortlist = []; syncShortlist(); $('#lora-gallery').focus(); });
  $('#history-reload').addEventListener('click', () => loadHistory($('#history')));
  initStudio({ getShortlist: shortlisted, onJobsChanged: () => loadHistory($('#history')) });

  load(new URLSearchParams(location.search).get('task') || '').then(() => followRunningRefresh());
  loadHistory($('#history'));
}

init();
