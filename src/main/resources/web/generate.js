// Generate: the form (validated with the API's ranges), presets, export, submit, live progress, results, cancel,
// run again, compare across the shortlist, and reopening past jobs.
import { get, post, follow, query, setImage, apiKey, ApiError } from './api.js';
import { LIMITS, buildRequest, validate, fit, imageNeed, randomSeed, evenWeights, suggestedParams, withTriggerWords } from './jobrequest.js';
import { el } from './catalog.js';

const PRESETS = 'toploras.presets';
const TERMINAL = ['succeeded', 'failed', 'cancelled'];
const $ = (s) => document.querySelector(s);

const state = { loras: [], weights: {}, task: '', views: new Map(), image: null, touched: new Set() };
let form;

export function initStudio({ getShortlist, onJobsChanged }) {
  form = $('#gen-form');
  // A field's error shows once the user has changed it, or at Generate: not on a form nobody has typed in (leaving
  // a field is no change: the prompt has the focus when the form opens).
  const touch = (e) => { const n = e.target?.name; if (n) state.touched.add(n.startsWith('weight-') ? 'weights' : n); };
  form.addEventListener('input', (e) => { touch(e); check(false); });
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  $('#seed-random').addEventListener('click', () => { form.seed.value = randomSeed(); check(false); });
  $('#export').addEventListener('click', exportJson);
  $('#preset-save').addEventListener('click', savePreset);
  $('#preset-load').addEventListener('click', loadPreset);
  $('#preset-delete').addEventListener('click', deletePreset);
  $('#gen-compare').addEventListener('click', () => compare(getShortlist()));
  $('#gen-local-lora').addEventListener('change', (e) => { addInstalled(e.target.value); e.target.value = ''; });
  state.onJobsChanged = onJobsChanged;
  initImageZone();
  // A token typed in lives in this field only: never stored, and cleared even if the browser restores form state.
  form.token.value = '';
  window.addEventListener('pageshow', () => { form.token.value = ''; });
  renderPresets();
}

export function openStudio(records, task) {
  state.task = task;
  state.loras = records.slice(0, LIMITS.lorasMax);
  state.weights = evenWeights(state.loras.map((r) => r.id));
  const s = suggestedParams(records[0] || {});
  form.model_id.value = records[0]?.base_models?.[0] || form.model_id.value || '';
  // The prompt is the user's, except when it is still the previous LoRA's suggestion.
  if (!form.prompt.value || form.prompt.value === state.suggested) form.prompt.value = s.prompt;
  state.suggested = s.prompt;
  state.triggerWords = [...(records[0]?.trigger_words || [])];
  const [w, h] = s.size.split('x');
  if (!form.width.value) { form.width.value = w; form.height.value = h; }
  if (!form.steps.value) form.steps.value = s.steps;
  if (!form.guidance.value) form.guidance.value = s.guidance;
  renderLoras();
  state.touched.clear();
  const need = imageNeed(task, state.loras);
  $('#gen-image-need').textContent = need ? '(needed by this LoRA)' : '(optional)';
  check(false);
  showLocalBackend();
  offerBackendNames();
  $('#gen-compare').hidden = records.length < 2;
  $('#studio').showModal();
  form.prompt.focus();
}

/** The Backend choice names the configured local backend (local.backend) and whether it answers (/api/health). */
async function showLocalBackend() {
  const opt = form.backend.querySelector('option[value="local"]');
  let local;
  try { local = (await get('/api/health'))?.local; } catch { return; }
  if (!local || !local.backend || local.backend === 'preview') return;
  const answers = local.reachable === true ? 'answering' : local.reachable === false ? 'not answering' : '';
  opt.textContent = `Local (${local.backend}${answers ? ', ' + answers : ''})`;
  opt.dataset.reachable = String(local.reachable);
}

export function setModels(models) {
  const list = $('#models');
  list.replaceChildren(...models.map((m) => el('option', { value: m })));
}

/**
 * The local backend's own sampler and scheduler names (GET /api/v1/local/samplers, read live from ComfyUI or A1111)
 * replace the form's built-in sampler choices, and its installed LoRAs (GET /api/v1/local/loras) can be added to
 * the job as "local:<name>". A backend without lists leaves the form as it is.
 */
async function offerBackendNames() {
  let names;
  let installed;
  try {
    [names, installed] = await Promise.all([get('/api/v1/local/samplers'), get('/api/v1/local/loras')]);
  } catch { return; }
  fill(form.sampler, names?.samplers);
  fill(form.scheduler, names?.schedulers);
  form.scheduler.closest('label').hidden = !(names?.schedulers || []).length;
  const pick = $('#gen-local-lora');
  const loras = installed?.loras || [];
  pick.closest('label').hidden = !loras.length;
  pick.replaceChildren(el('option', { value: '', text: `Add a LoRA installed on ${installed?.backend || 'the backend'}…` }),
    ...loras.map((l) => el('option', { value: l.job_key, text: l.alias && l.alias !== l.name ? `${l.name} (${l.alias})` : l.name })));
}

function fill(select, values) {
  if (!values || !values.length) return;
  const keep = select.value;
  select.replaceChildren(el('option', { value: '', text: 'Default' }), ...values.map((v) => el('option', { value: v, text: v })));
  if (values.includes(keep)) select.value = keep;
}

function addInstalled(jobKey) {
  if (!jobKey || state.loras.some((r) => r.id === jobKey) || state.loras.length >= LIMITS.lorasMax) return;
  state.loras.push({ id: jobKey, title_en: `${jobKey.slice('local:'.length)} (installed)`, base_models: [] });
  state.weights = { ...state.weights, [jobKey]: 1 };
  form.backend.value = 'local';
  renderLoras();
  check(false);
}

function renderLoras() {
  const box = $('#gen-loras');
  box.replaceChildren();
  if (!state.loras.length) box.append(el('p', { text: 'No LoRA: the base model alone.' }));
  state.loras.forEach((r, i) => {
    const row = el('div', { class: 'lora-row' }, el('span', { class: 'lora-name', text: r.title_en || r.id }));
    const words = r.trigger_words || [];
    if (words.length) {
      const add = el('button', { type: 'button', class: 'add-triggers', title: `Put ${words.join(', ')} in the prompt`,
        text: `+ ${words.join(', ')}` });
      add.addEventListener('click', () => {
        form.prompt.value = withTriggerWords(form.prompt.value, words);
        state.triggerWords = [...new Set([...(state.triggerWords || []), ...words])];
        check(false);
      });
      row.append(add);
    }
    if (state.loras.length > 1) {
      const input = el('input', { type: 'number', min: '-2', max: '2', step: '0.001', value: state.weights[r.id], name: `weight-${i}` });
      input.addEventListener('input', () => { state.weights[r.id] = input.value; check(false); });
      row.append(el('label', {}, 'Weight ', input));
    } else {
      row.append(el('span', { class: 'hint', text: 'weight 1.0 (one LoRA)' }));
    }
    box.append(row);
  });
}

function formState() {
  const f = form;
  return { task: state.task, model_id: f.model_id.value.trim(), prompt: f.prompt.value, negative_prompt: f.negative_prompt.value,
    width: f.width.value, height: f.height.value, steps: f.steps.value, guidance: f.guidance.value, seed: f.seed.value,
    sampler: f.sampler.value, scheduler: f.scheduler.value, backend: f.backend.value, triggerWords: state.triggerWords,
    uploadId: state.image?.uploadId, strength: f.strength.value,
    weights: Object.fromEntries(state.loras.map((r) => [r.id, state.weights[r.id]])) };
}

/** Validates and shows the messages; with show=false, only fields the user has touched get a message. */
function check(showAll) {
  const req = buildRequest(formState());
  const errors = validate(req);
  if (showAll) Object.keys(errors).forEach((n) => state.touched.add(n));
  const shown = Object.fromEntries(Object.entries(errors).filter(([n]) => state.touched.has(n)));
  for (const p of form.querySelectorAll('.field-error')) {
    const name = p.dataset.for;
    const input = form.elements[name];
    const msg = shown[name] || '';
    // Every field the reason line counts shows why, so "Fix 2 fields" is never said with no field marked.
    p.textContent = msg;
    if (input && input.setAttribute) {
      input.setAttribute('aria-invalid', msg ? 'true' : 'false');
      if (msg) input.setAttribute('aria-describedby', `err-${name}`);
      p.id = `err-${name}`;
    }
  }
  const f = fit(req.model_id, state.loras);
  const need = state.image ? '' : imageNeed(state.task, state.loras);
  // Only errors shown count here: with untouched mistakes Generate stays enabled, and pressing it shows them.
  const problems = Object.keys(shown).length;
  const submit = $('#gen-submit');
  submit.disabled = !f.ok || !!need || problems > 0;
  $('#gen-compare').disabled = !req.params.prompt;
  const names = Object.keys(shown).map(fieldLabel).join(', ');
  $('#gen-reason').textContent = !f.ok ? f.reason : need ? `${need}.`
    : problems ? `Fix ${problems} field${problems > 1 ? 's' : ''} to generate: ${names}.` : '';
  return { req, errors, ok: f.ok && !need && !Object.keys(errors).length };
}

/** The input image: dropped, pasted or picked, uploaded at once (POST /api/v1/uploads), shown as a thumbnail. */
function initImageZone() {
  const zone = $('#image-zone');
  const pick = $('#image-pick');
  const use = (file) => { if (file) uploadImage(file); };
  pick.addEventListener('change', () => use(pick.files[0]));
  zone.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick.click(); } });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('dragging'); use(e.dataTransfer.files[0]); });
  $('#studio').addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (item) { e.preventDefault(); use(item.getAsFile()); }
  });
  $('#image-clear').addEventListener('click', () => showImage(null));
  form.strength.addEventListener('input', () => { $('#strength-out').value = form.strength.value; });
}

async function uploadImage(file) {
  const err = form.querySelector('.field-error[data-for="images"]');
  err.textContent = 'Uploading…';
  try {
    const headers = { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json' };
    if (apiKey()) headers.Authorization = 'Bearer ' + apiKey();
    const res = await fetch('/api/v1/uploads', { method: 'POST', headers, body: file });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error?.message || `HTTP ${res.status}`);
    err.textContent = '';
    showImage({ uploadId: body.upload_id, url: URL.createObjectURL(file), width: body.width, height: body.height });
  } catch (e) {
    err.textContent = `The image was not taken: ${e.message}`;
    showImage(null, true);
  }
}

function showImage(image, keepError = false) {
  if (state.image?.url) URL.revokeObjectURL(state.image.url);
  state.image = image;
  // The thumbnail exists only while there is an image: an <img> without one would count as a broken image.
  $('#image-thumb').replaceChildren(...(image ? [el('img', { src: image.url, alt: `Input image, ${image.width}×${image.height}` })] : []));
  $('#image-clear').hidden = !image;
  if (!keepError) form.querySelector('.field-error[data-for="images"]').textContent = '';
  check(false);
}

/** The label a user sees for a field, for the reason line. */
function fieldLabel(name) {
  if (name === 'weights') return 'LoRA weights';
  const input = form.elements[name];
  const label = input?.closest?.('label');
  return label ? label.firstChild.textContent.trim() : name;
}

function tokenHeader() {
  const t = form.token.value.trim();
  return t ? { 'X-ModelScope-Token': t } : {};
}

async function submit() {
  const { req, ok } = check(true);
  if (!ok) return;
  await start(req);
}

async function start(req) {
  $('#gen-submit').disabled = true;
  try {
    const accepted = await post('/api/v1/generate', req, { headers: tokenHeader() });
    openJob(accepted.job_id, { clear: true });
    state.onJobsChanged?.();
  } catch (e) {
    showSubmitError(e);
  } finally {
    check(false);
  }
}

function showSubmitError(e) {
  const field = e instanceof ApiError ? e.details?.field : null;
  const box = $('#job');
  box.replaceChildren(el('p', { class: 'problem', role: 'alert', text: `Not accepted: ${e.message}${field ? ` (field ${field})` : ''}` }));
}

async function compare(records) {
  const { req } = check(true);
  const errors = validate(req);
  delete errors.weights;
  if (Object.keys(errors).length || records.length < 2) return;
  const body = { task: state.task, model_id: req.model_id, params: req.params, backend: req.backend,
    items: records.slice(0, 12).map((r) => ({ model_id: r.base_models?.[0] || req.model_id, loras: r.id })) };
  try {
    const run = await post('/api/v1/batches', body, { headers: tokenHeader() });
    const box = $('#job');
    box.replaceChildren(el('h3', { text: `Compare run ${run.run_id}` }), el('div', { class: 'compare-jobs' }));
    for (const j of run.jobs) openJob(j.job_id, { into: box.querySelector('.compare-jobs') });
    state.onJobsChanged?.();
  } catch (e) {
    showSubmitError(e);
  }
}

/** Shows a job (new, past or from a batch) and follows it until it ends. */
export async function openJob(jobId, { clear = false, into = null } = {}) {
  const box = $('#job');
  if (clear || !into) {
    for (const v of state.views.values()) v.stop?.();
    state.views.clear();
    box.replaceChildren();
  }
  const view = el('article', { class: 'job-view', 'data-job': jobId });
  (into || box).append(view);
  const v = { view, log: [], stop: null };
  state.views.set(jobId, v);
  if (!$('#studio').open) $('#studio').showModal();
  let job;
  try {
    job = await get(`/api/v1/generate/${encodeURIComponent(jobId)}`);
  } catch (e) {
    view.replaceChildren(el('p', { class: 'problem', text: `Job ${jobId}: ${e.message}` }));
    return;
  }
  // A live stream replays the job's events from the start, so it builds the log itself; a finished job shows the
  // server's log lines as they are.
  v.log = TERMINAL.includes(job.status) ? [...(job.log || [])] : [];
  render(v, job, {});
  if (!TERMINAL.includes(job.status)) {
    v.stop = follow(jobId, async ({ event, data }) => {
      if (event === 'log' && data.message) v.log.push(data.message);
      if (event === 'status' || event === 'log' || event === 'asset') {
        if (data.message && event !== 'log') v.log.push(data.message);
        render(v, job, data);
      }
      if (event === 'done' || event === 'failed' || event === 'closed') {
        v.stop?.();
        job = await get(`/api/v1/generate/${encodeURIComponent(jobId)}`).catch(() => job);
        v.log = [...(job.log || [])];
        render(v, job, {});
        state.onJobsChanged?.();
      }
    });
  }
}

function render(v, job, live) {
  const status = TERMINAL.includes(job.status) ? job.status : (live.stage && ['queued', 'running'].includes(live.stage) ? live.stage : job.status);
  const progress = job.status === 'succeeded' ? 100 : (live.progress ?? job.progress ?? 0);
  const backend = job.meta?.backend || job.backend || 'auto';
  const kids = [
    el('header', { class: 'job-head' },
      el('strong', { text: job.job_id }),
      el('span', { class: `status status-${status}`, text: status }),
      el('span', { class: 'backend', text: `backend: ${backend}` })),
    el('p', { class: 'stage', text: live.stage ? `stage: ${live.stage}` : '' }),
    el('progress', { max: 100, value: progress, 'aria-label': `Progress of ${job.job_id}` }, `${progress}%`),
  ];
  const log = el('ol', { class: 'log', 'aria-label': 'Log' });
  for (const line of v.log) log.append(el('li', { text: line }));
  kids.push(log);
  if (job.error) kids.push(el('p', { class: 'problem', role: 'alert', text: `${job.error.code}: ${job.error.message}` }));
  for (const n of job.meta?.notes || []) kids.push(el('p', { class: 'note', text: `${n.code}: ${n.message}` }));
  const out = el('div', { class: 'outputs' });
  // The input beside the output: what the job started from (GET /assets/{job}/inputs/{index}.{ext}).
  for (const input of job.inputs || []) {
    const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }[input.mime] || 'png';
    const img = el('img', { alt: `Input ${input.index + 1} of job ${job.job_id}`, width: input.width, height: input.height, class: 'job-input' });
    setImage(img, `/assets/${encodeURIComponent(job.job_id)}/inputs/${input.index}.${ext}`);
    out.append(el('figure', {}, img, el('figcaption', { text: `input ${input.index + 1} · ${input.width}×${input.height}` })));
  }
  for (const r of job.result || []) {
    if (r.type !== 'image' || !r.data?.asset_url || !r.data.asset_url.startsWith('/assets/')) continue;
    const m = r.meta || {};
    const img = el('img', { alt: `Output ${r.index + 1} of job ${job.job_id}: ${job.params?.prompt || ''}`.slice(0, 300), width: m.width || 256, height: m.height || 256 });
    setImage(img, r.data.asset_url);
    // The seed the image was made with: the backend's, else the one the runtime drew before submitting (params).
    const seed = m.seed ?? job.params?.seed;
    out.append(el('figure', {}, img,
      el('figcaption', { text: `${m.width || '?'}×${m.height || '?'} · ${seed != null ? `seed ${seed}` : 'seed not recorded'} · ${backend}` })));
  }
  if (out.children.length) { out.classList.add('inputs-outputs'); kids.push(out); }
  kids.push(el('details', { class: 'snapshot' }, el('summary', { text: 'Parameters' }),
    el('pre', { text: JSON.stringify({ task: job.task, model_id: job.model_id, loras: job.loras, params: job.params, backend: job.backend }, null, 2) })));
  const actions = el('div', { class: 'row' });
  if (!TERMINAL.includes(job.status)) {
    const cancel = el('button', { type: 'button', text: 'Cancel' });
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try { await post(`/api/v1/generate/${encodeURIComponent(job.job_id)}/cancel`, {}); } catch (e) { v.log.push(`cancel: ${e.message}`); }
    });
    actions.append(cancel);
  } else {
    const again = el('button', { type: 'button', text: 'Run again with same parameters' });
    again.addEventListener('click', () => start(rerun(job)));
    actions.append(again);
  }
  kids.push(actions);
  v.view.replaceChildren(...kids);
  log.scrollTop = log.scrollHeight; // follow: the newest line (DONE at the end) is the one in view
}

/** The original request again: same task, model, LoRAs, parameters and backend; a new job id. */
export function rerun(job) {
  const req = { task: job.task, model_id: job.model_id, params: job.params };
  // The same images again: each stored input is an upload already (its sha256 is its upload id).
  if (job.inputs?.length) req.images = job.inputs.map((i) => `upload:${i.sha256}`);
  if (job.loras && (typeof job.loras === 'string' || Object.keys(job.loras).length)) req.loras = job.loras;
  req.backend = ['auto', 'remote', 'local'].includes(job.backend) ? job.backend : 'auto';
  return req;
}

function exportJson() {
  const { req, errors } = check(true);
  if (Object.keys(errors).length) return;
  const blob = new Blob([JSON.stringify(req, null, 2) + '\n'], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: 'job-request.json' });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}

const presets = () => { try { return JSON.parse(localStorage.getItem(PRESETS)) || {}; } catch { return {}; } };
const PRESET_FIELDS = ['model_id', 'prompt', 'negative_prompt', 'width', 'height', 'steps', 'guidance', 'seed', 'sampler', 'scheduler', 'backend'];

function renderPresets() {
  const sel = $('#preset');
  sel.replaceChildren(el('option', { value: '', text: '—' }), ...Object.keys(presets()).sort().map((n) => el('option', { value: n, text: n })));
}
function savePreset() {
  const name = (prompt('Name of this preset') || '').trim();
  if (!name) return;
  const all = presets();
  all[name] = Object.fromEntries(PRESET_FIELDS.map((k) => [k, form.elements[k].value]));
  localStorage.setItem(PRESETS, JSON.stringify(all));
  renderPresets();
  $('#preset').value = name;
}
function loadPreset() {
  const p = presets()[$('#preset').value];
  if (!p) return;
  for (const k of PRESET_FIELDS) if (k in p) form.elements[k].value = p[k];
  check(false);
}
function deletePreset() {
  const all = presets();
  delete all[$('#preset').value];
  localStorage.setItem(PRESETS, JSON.stringify(all));
  renderPresets();
}

export async function loadHistory(list) {
  try {
    const page = await get('/api/v1/jobs' + query({ limit: 20 }));
    list.replaceChildren(...page.jobs.map((j, i) => {
      const b = el('button', { type: 'button', class: 'linklike', text: `${j.job_id} · ${j.status} · ${(j.params?.prompt || '').slice(0, 60)}` });
      b.addEventListener('click', () => openJob(j.job_id, { clear: true }));
      return el('li', {}, el('span', { class: 'num', 'aria-hidden': 'true', text: `${i + 1}.` }), b);
    }));
    if (!page.jobs.length) list.replaceChildren(el('li', { class: 'muted', text: 'No jobs yet.' }));
  } catch (e) {
    list.replaceChildren(el('li', { class: 'muted', text: e.status === 404 ? 'Job history is not available on this runtime yet.' : `History: ${e.message}` }));
  }
}
