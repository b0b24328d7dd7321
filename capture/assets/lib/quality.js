// Quality of a picture, measured in the browser before anything is sent,
// so that a person hears at once what to change. The measures are cheap
// (a downscaled grey copy, a few passes) and deliberately lenient: the
// server makes the real checks, this only spares a wasted upload.
//
//   dark   mean brightness of the framed area
//   glare  share of clipped highlights in it (a reflection on a laminate);
//          when most of it is clipped, the picture is overexposed (bright)
//   blur   variance of the Laplacian (little variance: no sharp edges)
//   far    how much of the frame the document's edges cover

const SIZE = 360; // long side of the analysed copy, in pixels

const LIMITS = {
  document: { dark: 50, glare: 0.02, blur: 25, fill: 0.4 },
  selfie: { dark: 45, glare: 0.06, blur: 10, fill: 0 },
};

let canvas = null;

function context(w, h) {
  if (!canvas) canvas = document.createElement('canvas');
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  return canvas.getContext('2d', { willReadFrequently: true });
}

/**
 * measure analyses source (a video, canvas or image bitmap of srcW×srcH)
 * within region {x, y, w, h} (source pixels; the whole picture if absent).
 * kind is "document" or "selfie". It returns the measures and the issues
 * found, most important first: dark, bright or glare, blur, far.
 */
export function measure(source, srcW, srcH, region, kind) {
  const scale = Math.min(1, SIZE / Math.max(srcW, srcH));
  const w = Math.max(8, Math.round(srcW * scale));
  const h = Math.max(8, Math.round(srcH * scale));
  const ctx = context(w, h);
  ctx.drawImage(source, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const grey = new Uint8ClampedArray(w * h);
  for (let i = 0, j = 0; j < grey.length; i += 4, j++) {
    grey[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  const r = region || { x: 0, y: 0, w: srcW, h: srcH };
  const x0 = clamp(Math.round(r.x * scale), 1, w - 2);
  const y0 = clamp(Math.round(r.y * scale), 1, h - 2);
  const x1 = clamp(Math.round((r.x + r.w) * scale), x0 + 1, w - 1);
  const y1 = clamp(Math.round((r.y + r.h) * scale), y0 + 1, h - 1);

  let sum = 0;
  let clipped = 0;
  let lapSum = 0;
  let lapSq = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * w + x;
      const v = grey[i];
      sum += v;
      if (v >= 250) clipped++;
      const lap = 4 * v - grey[i - 1] - grey[i + 1] - grey[i - w] - grey[i + w];
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  const lapMean = lapSum / n;
  const m = {
    brightness: mean,
    glare: clipped / n,
    sharpness: lapSq / n - lapMean * lapMean,
    fill: kind === 'document' ? fill(grey, w, h, x0, y0, x1, y1) : 1,
  };
  const lim = LIMITS[kind] || LIMITS.document;
  const issues = [];
  if (m.brightness < lim.dark) issues.push('dark');
  if (m.glare > 0.35) issues.push('bright');
  else if (m.glare > lim.glare) issues.push('glare');
  if (m.sharpness < lim.blur) issues.push('blur');
  if (m.fill < lim.fill) issues.push('far');
  return { ...m, issues };
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

// fill estimates the share of the region covered by the document: the box
// holding the strong edges of the whole picture (between their 3rd and
// 97th percentiles, so that a stray edge does not stretch it), over the
// region's area. A document held far away leaves a small box.
function fill(grey, w, h, x0, y0, x1, y1) {
  const mags = new Uint16Array(w * h);
  const hist = new Uint32Array(256);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = grey[i + 1] - grey[i - 1];
      const gy = grey[i + w] - grey[i - w];
      const mag = Math.abs(gx) + Math.abs(gy);
      mags[i] = mag;
      hist[Math.min(255, mag >> 1)]++;
    }
  }
  // Strong: the top 8% of gradients, and at least a clear step.
  const total = (w - 2) * (h - 2);
  let acc = 0;
  let bin = 255;
  for (; bin > 0; bin--) {
    acc += hist[bin];
    if (acc >= total * 0.08) break;
  }
  const threshold = Math.max(40, bin * 2);
  const xs = new Uint32Array(w);
  const ys = new Uint32Array(h);
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      if (mags[y * w + x] >= threshold) {
        xs[x]++;
        ys[y]++;
        count++;
      }
    }
  }
  if (count < 50) return 0;
  const [bx0, bx1] = spread(xs, count);
  const [by0, by1] = spread(ys, count);
  const ix = Math.max(0, Math.min(bx1, x1) - Math.max(bx0, x0));
  const iy = Math.max(0, Math.min(by1, y1) - Math.max(by0, y0));
  return Math.min(1, (ix * iy) / ((x1 - x0) * (y1 - y0)));
}

function spread(hist, count) {
  let acc = 0;
  let lo = 0;
  let hi = hist.length - 1;
  for (let i = 0; i < hist.length; i++) {
    acc += hist[i];
    if (acc >= count * 0.03) {
      lo = i;
      break;
    }
  }
  acc = 0;
  for (let i = hist.length - 1; i >= 0; i--) {
    acc += hist[i];
    if (acc >= count * 0.03) {
      hi = i;
      break;
    }
  }
  return [lo, hi + 1];
}

let detector;

/**
 * hasFace reports whether a face is in source, when the browser can tell
 * (the Shape Detection API); null when it cannot, and the server's own
 * face check is then the only one.
 */
export async function hasFace(source) {
  if (detector === undefined) {
    detector = null;
    if ('FaceDetector' in window) {
      try {
        detector = new window.FaceDetector({ fastMode: true, maxDetectedFaces: 2 });
      } catch {
        detector = null;
      }
    }
  }
  if (!detector) return null;
  try {
    return (await detector.detect(source)).length > 0;
  } catch {
    return null;
  }
}
