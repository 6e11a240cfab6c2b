/**
 * Float64 reference of shaders/jumprelu.wgsl: JumpReLU on pre-activations, as SAELens and Gemma
 * Scope define it, f = ReLU(pre)·1[pre > θ_j]; ReLU is θ ≡ 0. Row-major [B, F].
 */
export function jumpRelu(
  pre: ArrayLike<number>,
  theta: ArrayLike<number>,
  B: number,
  F: number,
): { f: Float64Array; l0: Uint32Array } {
  const f = new Float64Array(B * F);
  const l0 = new Uint32Array(B);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < F; j++) {
      const p = pre[b * F + j];
      const v = p > theta[j] ? Math.max(p, 0) : 0;
      f[b * F + j] = v;
      if (v !== 0) l0[b]++;
    }
  return { f, l0 };
}
