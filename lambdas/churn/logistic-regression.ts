/**
 * Logistic regression, fitted by Newton's method (iteratively reweighted least squares) with a
 * small L2 penalty: P(churn | x) = 1 / (1 + exp(-(b0 + w·z))), z the standardised features. It
 * is a dozen features and at most some thousands of customers, so the exact Hessian is cheap;
 * the penalty keeps the fit finite when a feature separates the classes. Plain TypeScript, so
 * the same code trains in the local twin and in the loader Lambda.
 */

export interface FitOptions {
  /** L2 penalty on the weights (not the intercept), in units of the log-likelihood. @default 1 */
  readonly l2?: number;
  /** @default 50 */
  readonly maxIterations?: number;
  /** Stops when no coefficient moves more than this. @default 1e-8 */
  readonly tolerance?: number;
}

export interface LogisticModel {
  readonly intercept: number;
  readonly weights: readonly number[];
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const predictProbability = (model: LogisticModel, row: readonly number[]): number =>
  sigmoid(row.reduce((sum, value, j) => sum + value * model.weights[j]!, model.intercept));

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small, symmetric positive definite here). */
const solve = (a: number[][], b: number[]): number[] => {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const factor = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= factor * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r]![n]!;
    for (let c = r + 1; c < n; c++) sum -= m[r]![c]! * x[c]!;
    x[r] = sum / m[r]![r]!;
  }
  return x;
};

/** Fits the model to rows of standardised features and 0/1 labels. */
export const fitLogisticRegression = (rows: readonly (readonly number[])[], labels: readonly number[], options: FitOptions = {}): LogisticModel => {
  const l2 = options.l2 ?? 1;
  const p = (rows[0]?.length ?? 0) + 1;
  // beta[0] is the intercept; x[0] = 1.
  let beta = new Array<number>(p).fill(0);
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    const gradient = new Array<number>(p).fill(0);
    const hessian = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    rows.forEach((row, i) => {
      const x = [1, ...row];
      const mu = sigmoid(x.reduce((sum, value, j) => sum + value * beta[j]!, 0));
      const w = Math.max(mu * (1 - mu), 1e-10);
      for (let j = 0; j < p; j++) {
        gradient[j]! += (labels[i]! - mu) * x[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += w * x[j]! * x[k]!;
      }
    });
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
      if (j > 0) {
        gradient[j]! -= l2 * beta[j]!;
        hessian[j]![j]! += l2;
      }
    }
    const step = solve(hessian, gradient);
    beta = beta.map((value, j) => value + step[j]!);
    if (Math.max(...step.map(Math.abs)) < (options.tolerance ?? 1e-8)) break;
  }
  return { intercept: beta[0]!, weights: beta.slice(1) };
};
