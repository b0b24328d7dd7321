// The camera: whether there is one, opening it facing the right way, and
// closing it whenever the screen that used it goes away.

let active = null;

/**
 * cameraAvailable tells whether the device has a camera the page may ask
 * for: "available", "none" (no camera, or no camera API here), or
 * "unknown" (the browser does not say before permission is asked).
 */
export async function cameraAvailable() {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return 'none';
  if (!md.enumerateDevices) return 'unknown';
  try {
    const devices = await md.enumerateDevices();
    return devices.some((d) => d.kind === 'videoinput') ? 'available' : 'none';
  } catch {
    return 'unknown';
  }
}

/** CameraError says why the camera cannot be used: denied, none, busy or other. */
export class CameraError extends Error {
  constructor(code) {
    super(code);
    this.name = 'CameraError';
    this.code = code;
  }
}

/**
 * openCamera starts the camera facing "environment" (documents) or "user"
 * (selfies) and plays it in video. Only one camera is open at a time.
 */
export async function openCamera(video, facing) {
  stopCamera();
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) throw new CameraError('none');
  let stream;
  try {
    stream = await md.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: facing }, width: { ideal: 1920 }, height: { ideal: 1080 } },
    });
  } catch (err) {
    const code = {
      NotAllowedError: 'denied', SecurityError: 'denied', NotFoundError: 'none', OverconstrainedError: 'none',
      NotReadableError: 'busy', AbortError: 'busy',
    }[err && err.name] || 'other';
    throw new CameraError(code);
  }
  active = stream;
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute('playsinline', '');
  await new Promise((resolve) => {
    if (video.readyState >= 1) resolve();
    else video.addEventListener('loadedmetadata', resolve, { once: true });
  });
  try {
    await video.play();
  } catch {
    // Autoplay of a muted stream is allowed; a refusal leaves a still frame.
  }
  return stream;
}

/**
 * stopCamera turns the camera off (its light goes out): the one open, or
 * stream only, if given (one that was opened for a screen already gone).
 */
export function stopCamera(stream) {
  const s = stream || active;
  if (!s) return;
  for (const track of s.getTracks()) track.stop();
  if (s === active) active = null;
}

// A camera left on in a page being left is a privacy worry.
addEventListener('pagehide', () => stopCamera());
