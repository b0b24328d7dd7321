// Pictures in the browser: a video frame or a chosen file drawn onto a
// canvas no larger than the server needs, and encoded in the type the
// upload URL was signed for. Drawing onto a canvas also drops the file's
// metadata (place, device, time) before anything leaves the device.

/** MAX_SIDE bounds the long side of what is sent. */
export const MAX_SIDE = 2000;
const MIN_SIDE = 64; // the server refuses smaller images

/** ImageError is a picture that cannot be used; its code names why. */
export class ImageError extends Error {
  constructor(code) {
    super(code);
    this.name = 'ImageError';
    this.code = code;
  }
}

function fit(w, h) {
  const s = Math.min(1, MAX_SIDE / Math.max(w, h));
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

function draw(source, sw, sh) {
  const [w, h] = fit(sw, sh);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, w, h);
  return c;
}

/** fromVideo grabs the current frame of a playing video. */
export function fromVideo(video) {
  if (!video.videoWidth || !video.videoHeight) throw new ImageError('notReady');
  return draw(video, video.videoWidth, video.videoHeight);
}

/** fromFile reads a chosen picture, upright as its EXIF says. */
export async function fromFile(file) {
  if (!file || !/^image\//.test(file.type || 'image/')) throw new ImageError('notImage');
  if (file.size > 40 * 1024 * 1024) throw new ImageError('tooLarge');
  let bmp;
  try {
    bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new ImageError('unreadable');
  }
  try {
    if (bmp.width < MIN_SIDE || bmp.height < MIN_SIDE) throw new ImageError('tooSmall');
    return draw(bmp, bmp.width, bmp.height);
  } finally {
    bmp.close();
  }
}

/** typeForURL is the Content-Type an upload URL was signed for, from its extension. */
export function typeForURL(url) {
  let path = url;
  try {
    path = new URL(url, location.href).pathname;
  } catch {
    // Use the text as it is.
  }
  if (/\.png$/i.test(path)) return 'image/png';
  if (/\.webp$/i.test(path)) return 'image/webp';
  return 'image/jpeg';
}

/** encode makes the bytes of canvas in type. */
export function encode(canvas, type) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) reject(new ImageError('encode'));
      else if (blob.type !== type) reject(new ImageError('encode')); // the browser cannot make this type
      else resolve(blob);
    }, type, type === 'image/png' ? undefined : 0.9);
  });
}

/** preview is a small JPEG of canvas for the review screen, as an object URL. */
export async function preview(canvas) {
  const blob = await new Promise((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
  return blob ? URL.createObjectURL(blob) : '';
}
