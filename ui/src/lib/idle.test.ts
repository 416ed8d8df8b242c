import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchIdle } from "./idle";

describe("watchIdle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("calls back once the time passes without activity, and only once", () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    watchIdle(5, onIdle, target);
    vi.advanceTimersByTime(4_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("starts over at every key press or pointer move", () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    watchIdle(5, onIdle, target);
    vi.advanceTimersByTime(4_000);
    target.dispatchEvent(new Event("keydown"));
    vi.advanceTimersByTime(4_000);
    target.dispatchEvent(new Event("pointermove"));
    vi.advanceTimersByTime(4_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("stops watching when told", () => {
    const onIdle = vi.fn();
    const stop = watchIdle(1, onIdle, new EventTarget());
    stop();
    vi.advanceTimersByTime(5_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
