/**
 * Topic groups with the semantics of sentence-transformers' util.community_detection: every row with
 * at least min_community_size rows (itself included) at cosine ≥ threshold seeds a community of those
 * rows, ordered by similarity to the seed (most central first); communities are taken largest first,
 * members already taken are dropped, and what still has min_community_size members is kept; the
 * result is sorted by size, largest first (stable, as Python's sorted).
 *
 * ST's CPU path finds each row's members with topk(sort_max_size), doubling sort_max_size while the
 * last value is still > threshold; that yields exactly the members ≥ threshold, which the neighbour
 * lists give directly. (One corner differs: when ST's last top-k value equals the threshold exactly,
 * it stops early and can miss tied members; Trove keeps them.)
 */
import { neighboursAbove, type Neighbours } from './neighbours-above';
import type { VectorKernels } from './vector-kernels';

export interface CommunityOptions {
  threshold?: number;
  minCommunitySize?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function communityDetection(kernels: VectorKernels, matrix: Float32Array, options: CommunityOptions = {}): Promise<number[][]> {
  const threshold = options.threshold ?? 0.75;
  const nb = await neighboursAbove(kernels, matrix, threshold, { onProgress: options.onProgress });
  return communitiesFromNeighbours(nb, options.minCommunitySize ?? 10);
}

export function communitiesFromNeighbours(nb: Neighbours, minCommunitySize: number): number[][] {
  const minSize = Math.min(minCommunitySize, nb.n);
  const extracted: number[][] = [];
  for (let i = 0; i < nb.n; i++) {
    const a = nb.offsets[i];
    const b = nb.offsets[i + 1];
    if (b - a >= minSize && b > a) extracted.push(Array.from(nb.cols.subarray(a, b)));
  }
  extracted.sort((x, y) => y.length - x.length);
  const taken = new Uint8Array(nb.n);
  const unique: number[][] = [];
  for (const community of extracted) {
    if (taken[community[0]]) continue;
    const rest = community.filter((idx) => !taken[idx]);
    if (rest.length >= minSize) {
      unique.push(rest);
      for (const idx of rest) taken[idx] = 1;
    }
  }
  return unique.sort((x, y) => y.length - x.length);
}
