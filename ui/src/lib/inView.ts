// Whether an element is on screen, for work worth doing only where it shows:
// one IntersectionObserver for every element watched, as a Svelte action.

type Watcher = (shown: boolean) => void;

const watchers = new WeakMap<Element, Watcher>();
let observer: IntersectionObserver | undefined;

function sharedObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) watchers.get(entry.target)?.(entry.isIntersecting);
  });
  return observer;
}

/**
 * `use:inView={(shown) => …}`: called once the element's first layout says
 * whether it is on screen, then whenever that changes (scrolling, filtering,
 * resizing the window).
 */
export function inView(node: Element, onChange: Watcher) {
  watchers.set(node, onChange);
  sharedObserver().observe(node);
  return {
    update(next: Watcher) {
      watchers.set(node, next);
    },
    destroy() {
      sharedObserver().unobserve(node);
      watchers.delete(node);
    },
  };
}
