import { afterEach, describe, expect, it, vi } from "vitest";

const invoke = vi.hoisted(() => vi.fn());
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

import type { AppError, Opening } from "./bindings";
import { openWindow } from "./opening";

const opening = { status: { state: "locked" } } as unknown as Opening;
const locked: AppError = { kind: "locked", message: "The vault is locked." } as AppError;

describe("openWindow", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    invoke.mockReset();
  });

  it("takes the answer index.html asked for, once, then asks the shell anew", async () => {
    vi.stubGlobal("window", { __twofoldOpening: Promise.resolve(opening) });
    expect(await openWindow()).toEqual({ status: "ok", data: opening });
    expect(invoke).not.toHaveBeenCalled();

    invoke.mockResolvedValue(opening);
    expect(await openWindow()).toEqual({ status: "ok", data: opening });
    expect(invoke).toHaveBeenCalledWith("open_window");
  });

  it("reads the shell's refusal as an error value, as the generated commands do", async () => {
    vi.stubGlobal("window", { __twofoldOpening: Promise.reject(locked) });
    expect(await openWindow()).toEqual({ status: "error", error: locked });
  });

  it("lets a failure of the page itself through", async () => {
    vi.stubGlobal("window", { __twofoldOpening: Promise.reject(new TypeError("broken")) });
    await expect(openWindow()).rejects.toThrow("broken");
  });
});
