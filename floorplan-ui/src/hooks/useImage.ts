import { useEffect, useState } from "react";

export type ImageState = { status: "none" | "loading" | "error"; image: null } | { status: "ok"; image: HTMLImageElement };

/** Loads a background image (URL or data: URL) for the plan. */
export function useImage(src: string | undefined): ImageState {
  const [state, setState] = useState<ImageState>({ status: "none", image: null });
  useEffect(() => {
    if (!src) {
      setState({ status: "none", image: null });
      return;
    }
    let live = true;
    const img = new window.Image();
    setState({ status: "loading", image: null });
    img.onload = () => live && setState({ status: "ok", image: img });
    img.onerror = () => live && setState({ status: "error", image: null });
    img.src = src;
    return () => {
      live = false;
    };
  }, [src]);
  return state;
}
