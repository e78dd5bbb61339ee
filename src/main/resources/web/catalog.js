// The leaderboard in the page: loaded once per task (all pages), then searched, filtered, sorted and paged here,
// so typing stays instant with a thousand records. Cards are built with textContent only.
import { get, query, setImage } from './api.js';

export async function loadTask(task) {
  const records = [];
  let cursor = null;
  let head = null;
  do {
    const page = await get('/api/v1/models' + query({ task, sort: 'default', limit: 500, cursor }));
    head = head || page;
    records.push(...page.results);
    cursor = page.next_cursor;
  } while (cursor);
  return { ...head, results: records, total: records.length };
}

const lower = (s) => (s || '').toLowerCase();

export function haystack(r) {
  return lower([r.id, r.title_cn, r.title_en, r.author, ...(r.tags_cn || []), ...(r.tags_en || []),
    ...(r.trigger_words || [])].join('\n'));
}

/** Values of one facet, most frequent first. */
export function facet(records, pick) {
  const counts = new Map();
  for (const r of records) for (const v of pick(r)) if (v) counts.set(v, (counts.get(v) || 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export const tagsOf = (r) => [...new Set([...(r.tags_en || []), ...(r.tags_cn || [])])];

// Ties broken by id in code-unit order, as the server does, so the first page it sends matches ours.
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const SORTS = {
  downloads: (a, b) => b.downloads - a.downloads || byId(a, b),
  likes: (a, b) => b.likes - a.likes || byId(a, b),
  updated: (a, b) => Date.parse(b.updated_at || 0) - Date.parse(a.updated_at || 0) || byId(a, b),
  // Rising: downloads per day over the history window; unknown velocity (null) last, as the server sorts.
  trending: (a, b) => (a.downloads_per_day == null) - (b.downloads_per_day == null)
    || (b.downloads_per_day ?? 0) - (a.downloads_per_day ?? 0) || b.downloads - a.downloads || byId(a, b),
};

export function select(records, { q, base, vision, tag, image, sort }) {
  const needle = lower(q).trim();
  const out = records.filter((r) => (!needle || r._hay.includes(needle))
    && (!base || (r.base_models || []).includes(base))
    && (!vision || r.vision_foundation === vision)
    && (!tag || tagsOf(r).includes(tag))
    && (!image || (image === 'needs') === (r.needs_image === true)));
  return SORTS[sort] ? out.sort(SORTS[sort]) : out;
}

const fmt = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
export const count = (n) => fmt.format(n || 0);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else if (k in e && typeof e[k] !== 'function') e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}
export { el };

export function cover(r, { eager = false } = {}) {
  const box = el('div', { class: 'cover' });
  if (!r.cover_local) {
    box.classList.add('missing');
    box.append(el('span', { text: 'No cover' }));
    return box;
  }
  const img = el('img', { alt: `Cover of ${r.title_en || r.id}`, loading: eager ? 'eager' : 'lazy',
    decoding: 'async', width: 320, height: 180 });
  img.addEventListener('load', () => box.classList.add('loaded'), { once: true });
  img.addEventListener('error', () => { box.classList.add('missing'); img.remove(); box.append(el('span', { text: 'Cover unavailable' })); }, { once: true });
  box.append(img);
  setImage(img, r.cover_local);
  return box;
}

/**
 * The author's initial. ModelScope's avatar URL is never loaded: it would be a request to a third party for every
 * card, and a broken image whenever that host is out of reach. The runtime caches covers, not avatars.
 */
export function avatar(r) {
  return el('span', { class: 'avatar initials', 'aria-hidden': 'true', text: (r.author || r.id || '?').slice(0, 1).toUpperCase() });
}

/** ↑n / ↓n since the previous refresh, and "new"; nothing when history does not know (null). */
export function trendBadges(r) {
  const out = [];
  if (r.rank_change > 0) out.push(el('span', { class: 'trend up', title: `Up ${r.rank_change} since the previous refresh`, text: `↑${r.rank_change}` }));
  else if (r.rank_change < 0) out.push(el('span', { class: 'trend down', title: `Down ${-r.rank_change} since the previous refresh`, text: `↓${-r.rank_change}` }));
  if (r.is_new) out.push(el('span', { class: 'trend new', title: r.first_seen_at ? `First seen ${new Date(r.first_seen_at).toLocaleString()}` : 'New', text: 'new' }));
  return out;
}

const exact = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const day = (t) => new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

/**
 * A downloads-over-time line chart (inline SVG) of a history series [{at, downloads}]: the lowest and highest counts
 * written in full on the value axis (200K and 210K look alike compact), the first and last dates on the time axis,
 * and each point's date and count as its tooltip.
 */
export function downloadsChart(series, { width = 360, height = 130 } = {}) {
  const NS = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs = {}, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const t = series.map((p) => Date.parse(p.at));
  const d = series.map((p) => p.downloads);
  const [t0, t1] = [Math.min(...t), Math.max(...t)];
  const [d0, d1] = [Math.min(...d), Math.max(...d)];
  const left = 8 + 7 * Math.max(exact.format(d0).length, exact.format(d1).length);
  const [right, top, bottom] = [10, 8, 22];
  const x = (v) => left + (t1 === t0 ? (width - left - right) / 2 : ((v - t0) / (t1 - t0)) * (width - left - right));
  const y = (v) => height - bottom - (d1 === d0 ? (height - top - bottom) / 2 : ((v - d0) / (d1 - d0)) * (height - top - bottom));
  const svg = svgEl('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img' });
  const label = `Downloads from ${exact.format(d[0])} to ${exact.format(d[d.length - 1])} over ${series.length} refreshes`;
  svg.setAttribute('aria-label', label);
  svg.append(svgEl('title', {}, label));
  const axis = { stroke: '#9aa3b2', 'stroke-width': '1' };
  svg.append(svgEl('line', { ...axis, x1: left, y1: top, x2: left, y2: height - bottom }),
    svgEl('line', { ...axis, x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }));
  const value = (v, yy, cls) => svgEl('text', { class: `axis-value ${cls}`, x: left - 4, y: yy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, exact.format(v));
  svg.append(value(d1, y(d1), 'max'));
  if (d1 !== d0) svg.append(value(d0, y(d0), 'min'));
  const when = (v, anchor, cls) => svgEl('text', { class: `axis-time ${cls}`, x: x(v), y: height - 6, 'text-anchor': anchor }, day(v));
  svg.append(when(t0, t1 === t0 ? 'middle' : 'start', 'first'));
  if (t1 !== t0) svg.append(when(t1, 'end', 'last'));
  svg.append(svgEl('polyline', { points: series.map((p, i) => `${x(t[i]).toFixed(1)},${y(d[i]).toFixed(1)}`).join(' '),
    fill: 'none', stroke: 'currentColor', 'stroke-width': '2' }));
  for (let i = 0; i < series.length; i++) {
    const dot = svgEl('circle', { cx: x(t[i]).toFixed(1), cy: y(d[i]).toFixed(1), r: '3', fill: 'currentColor' });
    dot.append(svgEl('title', {}, `${new Date(t[i]).toLocaleString()}: ${exact.format(d[i])} downloads`));
    svg.append(dot);
  }
  return svg;
}

export function card(r, { shortlisted, index }) {
  const title = el('h3', { class: 'title-cn', lang: 'zh', text: r.title_cn || r.title_en || r.id });
  const tags = el('ul', { class: 'tags', 'aria-label': 'Tags' });
  for (const t of tagsOf(r).slice(0, 6)) tags.append(el('li', { text: t }));
  const base = (r.base_models || []).join(', ') || r.vision_foundation || 'unknown base model';
  return el('article', { class: 'card', 'data-id': r.id, 'aria-labelledby': `t-${index}` },
    cover(r, { eager: index < 8 }),
    el('div', { class: 'card-body' },
      el('div', { class: 'who' }, avatar(r), el('span', { class: 'author', text: r.author || r.id.split('/')[0] })),
      Object.assign(title, { id: `t-${index}` }),
      el('p', { class: 'title-en', lang: 'en', text: r.title_en || '' }),
      el('p', { class: 'stats' },
        el('span', { class: 'downloads', title: `${r.downloads} downloads`, text: `⬇ ${count(r.downloads)}` }),
        el('span', { class: 'likes', title: `${r.likes} likes`, text: `♥ ${count(r.likes)}` }),
        ...trendBadges(r)),
      el('p', { class: 'base', title: 'Base model', text: base }),
      (r.trigger_words || []).length
        ? el('p', { class: 'triggers', title: 'Trigger words: put them in the prompt to bring the LoRA in' },
          'Trigger: ', ...r.trigger_words.map((w) => el('code', { text: w })))
        : null,
      r.needs_image ? el('p', { class: 'needs-image', title: 'This LoRA edits an image you give it', text: '🖼 Needs an input image' }) : null,
      tags,
      el('div', { class: 'actions' },
        el('button', { type: 'button', 'data-act': 'detail', text: 'Details' }),
        el('button', { type: 'button', 'data-act': 'shortlist', 'aria-pressed': String(shortlisted), text: shortlisted ? '★ Shortlisted' : '☆ Shortlist' }),
        el('button', { type: 'button', 'data-act': 'generate', class: 'primary', text: 'Generate' }))));
}
