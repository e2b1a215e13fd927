/**
 * How good a probability model is on held-out customers: ranking (AUC), probability quality (log
 * loss, Brier score) and calibration (predicted against observed churn, by predicted-probability
 * bin). Each beside what a constant prediction scores, the baseline a model must beat.
 */

export interface CalibrationBin {
  readonly bin: number;
  readonly customers: number;
  readonly mean_predicted: number;
  readonly observed_rate: number;
}

/** Clipped so that a confident miss costs a large, finite amount. */
const EPSILON = 1e-12;

/**
 * Area under the ROC curve: the chance that a random churner is scored above a random stayer
 * (ties count half), from the ranks (Mann-Whitney U). 0.5 is a constant model; undefined without
 * both classes.
 */
export const auc = (predicted: readonly number[], labels: readonly number[]): number | undefined => {
  const order = predicted.map((p, i) => ({ p, y: labels[i]! })).sort((a, b) => a.p - b.p);
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.p === order[i]!.p) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k]!.y === 1) rankSum += midRank;
    i = j;
  }
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
};

export const logLoss = (predicted: readonly number[], labels: readonly number[]): number =>
  -predicted.reduce((sum, p, i) => {
    const clipped = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
    return sum + (labels[i] === 1 ? Math.log(clipped) : Math.log(1 - clipped));
  }, 0) / Math.max(predicted.length, 1);

export const brierScore = (predicted: readonly number[], labels: readonly number[]): number =>
  predicted.reduce((sum, p, i) => sum + (p - labels[i]!) ** 2, 0) / Math.max(predicted.length, 1);

/** `bins` equal-width bins of predicted probability (empty bins left out). */
export const calibration = (predicted: readonly number[], labels: readonly number[], bins = 5): CalibrationBin[] => {
  const groups = Array.from({ length: bins }, () => ({ customers: 0, predicted: 0, churned: 0 }));
  predicted.forEach((p, i) => {
    const group = groups[Math.min(bins - 1, Math.floor(p * bins))]!;
    group.customers++;
    group.predicted += p;
    group.churned += labels[i]!;
  });
  return groups.flatMap((group, bin) =>
    group.customers === 0 ? [] : [{ bin, customers: group.customers, mean_predicted: group.predicted / group.customers, observed_rate: group.churned / group.customers }],
  );
};
