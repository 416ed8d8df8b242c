// When to lock an authenticator left alone: after a stretch with no key
// press, click, pointer move or scroll in the window.

const ACTIVITY = ["keydown", "pointerdown", "pointermove", "wheel"] as const;

/**
 * Calls `onIdle` once `seconds` pass with no activity on `target`. Returns
 * the function that stops watching. Checking once a second keeps the cost
 * of a listener per event low: activity only notes the time.
 */
export function watchIdle(seconds: number, onIdle: () => void, target: EventTarget = window): () => void {
  let lastActive = Date.now();
  const active = () => (lastActive = Date.now());
  for (const name of ACTIVITY) target.addEventListener(name, active, { passive: true });
  const timer = setInterval(() => {
    if (Date.now() - lastActive >= seconds * 1000) {
      stop();
      onIdle();
    }
  }, 1000);
  function stop() {
    clearInterval(timer);
    for (const name of ACTIVITY) target.removeEventListener(name, active);
  }
  return stop;
}
