/**
 * Ranks with ties given the average of the ranks they span ("mid-ranks"), the convention of
 * Spearman's rho and of the Wilcoxon signed-rank test (Kendall & Gibbons, Rank Correlation
 * Methods, 5th ed., §3.8). Also returns the tie group sizes, which the tie corrections need.
 */
export function averageRanks(xs: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = xs.map((_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const ranks = new Array<number>(xs.length);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]!] === xs[order[i]!]) j++;
    const avg = (i + j) / 2 + 1; // ranks are 1-based
    for (let m = i; m <= j; m++) ranks[order[m]!] = avg;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}
