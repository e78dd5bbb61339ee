// The job request the API accepts (schemas/job-request.schema.json and JobRequestReader): ranges, building the
// request from the form, and checking it with messages that name the field and the allowed range.
export const LIMITS = Object.freeze({
  promptMax: 1999,
  sizeMin: 64, sizeMax: 2048,
  stepsMin: 1, stepsMax: 100,
  guidanceMin: 1.5, guidanceMax: 20,
  seedMax: 2147483647,
  samplerMax: 64,
  lorasMax: 6,
  weightTolerance: 1e-6,
  idMax: 200,
});

export const BACKENDS = ['auto', 'remote', 'local'];

/** Suggested parameters for a base model family; the page offers them, the user decides. */
export function suggestedParams(record) {
  const hay = [...(record.base_models || []), record.vision_foundation || ''].join(' ').toLowerCase();
  const trigger = (record.trigger_words || []).join(', ');
  const base = { prompt: trigger ? trigger + ', ' : '', negative_prompt: '' };
  if (hay.includes('flux')) return { ...base, size: '1024x1024', steps: 28, guidance: 3.5, sampler: 'Euler' };
  if (hay.includes('qwen')) return { ...base, size: '1328x1328', steps: 30, guidance: 4, sampler: 'Euler' };
  if (hay.includes('xl')) return { ...base, size: '1024x1024', steps: 30, guidance: 7, sampler: 'DPM++ 2M Karras' };
  if (hay.includes('1.5') || hay.includes('sd_1') || hay.includes('sd15'))
    return { ...base, size: '512x512', steps: 25, guidance: 7.5, sampler: 'DPM++ 2M Karras' };
  return { ...base, size: '1024x1024', steps: 30, guidance: 5, sampler: '' };
}

/**
 * The prompt with a LoRA's trigger words in front, each word once: words already in the prompt are not added again,
 * so a second click changes nothing.
 */
export function withTriggerWords(prompt, words) {
  const text = prompt || '';
  const have = text.toLowerCase();
  const missing = (words || []).filter((w) => w && !have.includes(w.toLowerCase()));
  if (!missing.length) return text;
  const rest = text.trim();
  return missing.join(', ') + (rest ? ', ' + rest : ', ');
}

/** Why the job cannot run without an input image (a LoRA or task that edits one), or '' when it can. */
export function imageNeed(task, loras) {
  const editing = loras.find((l) => l.needs_image === true);
  if (editing) return `${editing.title_en || editing.id} edits an input image: drop, paste or pick one`;
  if (task === 'image-to-image') return 'image-to-image edits an input image: drop, paste or pick one';
  return '';
}

/** Whether every chosen LoRA was trained for the chosen model; the reason when not. */
export function fit(modelId, loras) {
  const m = (modelId || '').trim().toLowerCase();
  for (const l of loras) {
    const bases = (l.base_models || []).map((b) => b.toLowerCase());
    if (m && bases.length && !bases.includes(m)) {
      return { ok: false, reason: `${l.id} is made for ${l.base_models.join(' or ')}, not ${modelId}: choose that model or another LoRA` };
    }
  }
  return { ok: true, reason: '' };
}

/** The request body, exactly as POST /api/v1/generate takes it; empty optional fields are left out. */
export function buildRequest(f) {
  const params = { prompt: f.prompt };
  if (f.negative_prompt) params.negative_prompt = f.negative_prompt;
  if (f.width !== '' || f.height !== '') params.size = `${f.width}x${f.height}`;
  if (f.steps !== '') params.steps = Number(f.steps);
  if (f.guidance !== '') params.guidance = Number(f.guidance);
  if (f.seed !== '') params.seed = Number(f.seed);
  if (f.sampler) params.sampler = f.sampler;
  if (f.scheduler) params.scheduler = f.scheduler;
  // The trigger words put in with one click that the prompt still holds: recorded with the job.
  const used = (f.triggerWords || []).filter((w) => (f.prompt || '').toLowerCase().includes(w.toLowerCase()));
  if (used.length) params.trigger_words = used;
  const req = { task: f.task, model_id: f.model_id };
  if (f.uploadId) {
    req.images = [`upload:${f.uploadId}`];
    if (f.strength !== undefined && f.strength !== '') params.strength = Number(f.strength);
  }
  const ids = Object.keys(f.weights);
  if (ids.length === 1) req.loras = ids[0];
  else if (ids.length > 1) req.loras = Object.fromEntries(ids.map((id) => [id, Number(f.weights[id])]));
  req.params = params;
  req.backend = f.backend || 'auto';
  return req;
}

const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
const noSpace = /^[^\s]+$/;

/** Problems by field name (the form's input names); empty when the API would accept the request. */
export function validate(req) {
  const e = {};
  const p = req.params || {};
  if (!req.model_id || !noSpace.test(req.model_id) || req.model_id.length > LIMITS.idMax)
    e.model_id = 'Choose a model id (no spaces, at most 200 characters).';
  if (!p.prompt || !p.prompt.trim()) e.prompt = 'A prompt is required.';
  else if (p.prompt.length > LIMITS.promptMax) e.prompt = `The prompt is ${p.prompt.length} characters; at most ${LIMITS.promptMax}.`;
  if (p.negative_prompt && p.negative_prompt.length > LIMITS.promptMax)
    e.negative_prompt = `The negative prompt is ${p.negative_prompt.length} characters; at most ${LIMITS.promptMax}.`;
  if (p.size !== undefined) {
    const m = /^([0-9]{2,4})x([0-9]{2,4})$/.exec(p.size);
    const inRange = (v) => v >= LIMITS.sizeMin && v <= LIMITS.sizeMax;
    if (!m || !inRange(+m[1])) e.width = `Width must be a whole number from ${LIMITS.sizeMin} to ${LIMITS.sizeMax}.`;
    if (!m || !inRange(+m[2])) e.height = `Height must be a whole number from ${LIMITS.sizeMin} to ${LIMITS.sizeMax}.`;
  }
  if (p.steps !== undefined && !(isInt(p.steps) && p.steps >= LIMITS.stepsMin && p.steps <= LIMITS.stepsMax))
    e.steps = `Steps must be a whole number from ${LIMITS.stepsMin} to ${LIMITS.stepsMax}.`;
  if (p.guidance !== undefined && !(Number.isFinite(p.guidance) && p.guidance >= LIMITS.guidanceMin && p.guidance <= LIMITS.guidanceMax))
    e.guidance = `Guidance must be from ${LIMITS.guidanceMin} to ${LIMITS.guidanceMax}.`;
  if (p.seed !== undefined && !(isInt(p.seed) && p.seed >= 0 && p.seed <= LIMITS.seedMax))
    e.seed = `Seed must be a whole number from 0 to ${LIMITS.seedMax}, or empty for a random one.`;
  if (p.sampler !== undefined && p.sampler.length > LIMITS.samplerMax) e.sampler = 'Sampler name is too long.';
  if (!BACKENDS.includes(req.backend)) e.backend = 'Backend must be auto, remote or local.';
  if (req.loras && typeof req.loras === 'object') {
    const ws = Object.values(req.loras);
    if (ws.length > LIMITS.lorasMax) e.weights = `At most ${LIMITS.lorasMax} LoRAs in one job; you chose ${ws.length}.`;
    // A local backend applies any strength from -2 to 2 (negative for "slider" LoRAs); ModelScope takes (0, 1].
    else if (req.backend === 'local' && ws.some((w) => !(Number.isFinite(w) && w !== 0 && w >= -2 && w <= 2)))
      e.weights = 'Each LoRA weight must be from -2 to 2 (not 0) for the local backend.';
    else if (req.backend !== 'local' && ws.some((w) => !(Number.isFinite(w) && w > 0 && w <= 1)))
      e.weights = 'Each LoRA weight must be above 0 and at most 1 for ModelScope (-2 to 2 with the local backend).';
    else {
      const sum = ws.reduce((a, b) => a + b, 0);
      // ModelScope's rule; a local backend applies each weight as given.
      if (req.backend !== 'local' && Math.abs(sum - 1) > LIMITS.weightTolerance)
        e.weights = `LoRA weights must add up to 1.0 for ModelScope; they add up to ${+sum.toFixed(4)} (or choose the local backend).`;
    }
  }
  return e;
}

export const randomSeed = () => {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] % (LIMITS.seedMax + 1);
};

/** Weights that add up to exactly 1.0 (the last one takes the rounding), each rounded to 0.001. */
export function evenWeights(ids) {
  if (!ids.length) return {};
  const w = Math.floor(1000 / ids.length) / 1000;
  const out = Object.fromEntries(ids.map((id) => [id, w]));
  out[ids[ids.length - 1]] = +(1 - w * (ids.length - 1)).toFixed(3);
  return out;
}
