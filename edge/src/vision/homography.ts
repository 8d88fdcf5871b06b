/**
 * Image-to-floor calibration: a plane homography from four or more image <-> floor point pairs by
 * the normalised DLT (Hartley & Zisserman, alg. 4.2), applied to foot points to get metres on the
 * floor plan. Pure: the 9x9 normal matrix is solved by Jacobi eigen-decomposition, no library.
 */
type Pt = readonly [number, number];

/** Row-major 3x3, `H[8]` normalised to 1 when it can be. */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

export interface PointPair {
  /** Image point in pixels. */
  image: Pt;
  /** Floor point in metres. */
  floor: Pt;
}

export function applyHomography(H: Homography, p: Pt): [number, number] {
  const w = H[6] * p[0] + H[7] * p[1] + H[8];
  return [(H[0] * p[0] + H[1] * p[1] + H[2]) / w, (H[3] * p[0] + H[4] * p[1] + H[5]) / w];
}

/** Whether `p` maps to a finite point in front of the camera (the same side of the horizon as the pairs). */
export function mapsInFront(H: Homography, p: Pt, sign = 1): boolean {
  const w = H[6] * p[0] + H[7] * p[1] + H[8];
  return Number.isFinite(w) && w * sign > 1e-12;
}

function mul(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j]! += a[i * 3 + k]! * b[k * 3 + j]!;
  return out;
}

export function invertHomography(H: Homography): Homography {
  const [a, b, c, d, e, f, g, h, i] = H;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) throw new Error("homography is singular");
  const inv = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
  return normalise(inv);
}

function normalise(m: readonly number[]): Homography {
  const s = Math.abs(m[8]!) > 1e-12 ? m[8]! : Math.hypot(...m);
  return m.map((v) => v / s) as unknown as Homography;
}

/** Similarity that moves the centroid to the origin and the mean distance to sqrt(2). */
function normaliser(points: readonly Pt[]): number[] {
  const n = points.length;
  const cx = points.reduce((s, p) => s + p[0], 0) / n;
  const cy = points.reduce((s, p) => s + p[1], 0) / n;
  const mean = points.reduce((s, p) => s + Math.hypot(p[0] - cx, p[1] - cy), 0) / n;
  const k = mean > 0 ? Math.SQRT2 / mean : 1;
  return [k, 0, -k * cx, 0, k, -k * cy, 0, 0, 1];
}

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi): eigenvalues and column eigenvectors. */
export function symmetricEigen(input: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = input.length;
  const a = input.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!,
            akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!,
            aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!,
            vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}

/**
 * The homography mapping each `image` point to its `floor` point, by least squares on the
 * normalised DLT equations. Throws when fewer than 4 pairs are given or they are degenerate
 * (three or more of four collinear, all on one line...).
 */
export function computeHomography(pairs: readonly PointPair[]): Homography {
  if (pairs.length < 4) throw new Error(`a homography needs at least 4 point pairs, got ${pairs.length}`);
  for (const [i, p] of pairs.entries()) {
    if (![...p.image, ...p.floor].every(Number.isFinite)) throw new Error(`point pair ${i} has a coordinate that is not a finite number`);
  }
  const T1 = normaliser(pairs.map((p) => p.image));
  const T2 = normaliser(pairs.map((p) => p.floor));
  const ata = Array.from({ length: 9 }, () => new Array<number>(9).fill(0));
  for (const { image, floor } of pairs) {
    const [x, y] = [T1[0]! * image[0] + T1[2]!, T1[4]! * image[1] + T1[5]!];
    const [u, v] = [T2[0]! * floor[0] + T2[2]!, T2[4]! * floor[1] + T2[5]!];
    const rows = [
      [-x, -y, -1, 0, 0, 0, u * x, u * y, u],
      [0, 0, 0, -x, -y, -1, v * x, v * y, v],
    ];
    for (const r of rows) for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) ata[i]![j]! += r[i]! * r[j]!;
  }
  const { values, vectors } = symmetricEigen(ata);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const [smallest, second] = [order[0]!, order[1]!];
  const largest = order[8]![0];
  // A well-posed problem has a one-dimensional null space: the second smallest eigenvalue is clearly > 0.
  if (second[0] <= 1e-10 * Math.max(largest, 1e-300)) {
    throw new Error("the point pairs are degenerate (collinear or repeated points): choose 4+ points spread over the floor, no 3 of them on one line");
  }
  const hn = vectors.map((row) => row[smallest[1]]!);
  // H = T2^-1 * Hn * T1
  const k2 = T2[0]!;
  const T2inv = [1 / k2, 0, -T2[2]! / k2, 0, 1 / k2, -T2[5]! / k2, 0, 0, 1];
  const H = normalise(mul(mul(T2inv, hn), T1));
  const det = H[0] * (H[4] * H[8] - H[5] * H[7]) - H[1] * (H[3] * H[8] - H[5] * H[6]) + H[2] * (H[3] * H[7] - H[4] * H[6]);
  if (!H.every(Number.isFinite) || Math.abs(det) < 1e-14) throw new Error("the point pairs give a singular homography: spread the points out");
  return H;
}

export interface ReprojectionError {
  /** Root mean square distance in floor units (metres). */
  rms: number;
  max: number;
  perPoint: number[];
}

/** Distance in metres between each floor point and its image point mapped through `H`. */
export function reprojectionError(H: Homography, pairs: readonly PointPair[]): ReprojectionError {
  const perPoint = pairs.map((p) => {
    const q = applyHomography(H, p.image);
    return Math.hypot(q[0] - p.floor[0], q[1] - p.floor[1]);
  });
  const rms = perPoint.length ? Math.sqrt(perPoint.reduce((s, d) => s + d * d, 0) / perPoint.length) : 0;
  return { rms, max: Math.max(0, ...perPoint), perPoint };
}
