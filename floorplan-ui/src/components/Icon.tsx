/** A few line icons drawn inline (no icon font: kiosks and Linux boxes often lack emoji fonts). */
const PATHS = {
  lock: "M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z",
  plan: "M3 3h18v18H3zM3 12h9M12 3v18M12 15h9",
  chart: "M4 20V10M10 20V4M16 20v-7M22 20H2",
  path: "M5 19c3-8 11-2 14-10M17 5h3v3",
  plug: "M9 2v6M15 2v6M6 8h12v4a6 6 0 0 1-12 0zM12 18v4",
  sync: "M20 11a8 8 0 0 0-14.7-4.3M4 4v4h4M4 13a8 8 0 0 0 14.7 4.3M20 20v-4h-4",
  alert: "M12 3 2 21h20zM12 10v5M12 18h.01",
  upload: "M12 16V4M7 9l5-5 5 5M4 16v4h16v-4",
  funnel: "M3 4h18l-7 8v6l-4 2v-8z",
  flask: "M9 3h6M10 3v6L4 19a1.5 1.5 0 0 0 1.3 2h13.4a1.5 1.5 0 0 0 1.3-2L14 9V3M7 15h10",
} as const;
export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={PATHS[name]} />
    </svg>
  );
}
