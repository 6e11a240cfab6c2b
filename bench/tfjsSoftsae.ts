/**
 * The peer for the training-step benchmark: the same SoftSAE step written plainly in
 * TensorFlow.js (dense products, autodiff, tf.train.adam), as a researcher would port the
 * PyTorch reference. The soft top-k threshold is found by bisection (40 halvings of the bracket
 * [min h − 1, max h + 1], no gradient) and its exact gradient is supplied with tf.customGrad
 * (spec §3), since autodiff cannot differentiate through the solve.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core ships gradients separately; autodiff needs them registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export interface TfSoftSae {
  step(x: tf.Tensor2D): void;
  dispose(): void;
}

export function createTfSoftSae(
  D: number,
  F: number,
  kMax: number,
  k: number,
  alpha: number,
): TfSoftSae {
  const v = (t: tf.Tensor) => tf.variable(t);
  const wDec = tf.randomNormal([D, F]);
  const p = {
    wEnc: v(tf.transpose(wDec)),
    bEnc: v(tf.zeros([F])),
    wDec: v(wDec),
    bDec: v(tf.zeros([D])),
    w1: v(tf.transpose(wDec)),
    b1: v(tf.zeros([F])),
    w2: v(tf.randomNormal([F, 1], 0, 0.01)),
    b2: v(tf.zeros([1])),
  };
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const a = Math.abs(alpha);
  const cdf = (u: tf.Tensor) =>
    tf.where(tf.lessEqual(u, 0), tf.mul(0.5, tf.exp(u)), tf.sub(1, tf.mul(0.5, tf.exp(tf.neg(u)))));

  // p = L((h − t)/a) with Σp = k̂ per row; gradient from spec §3 (softmax form).
  const softTopK = tf.customGrad((h: tf.Tensor, kHat: tf.Tensor, save: tf.GradSaveFunc) => {
    let lo = tf.sub(tf.min(h, 1, true), 1);
    let hi = tf.add(tf.max(h, 1, true), 1);
    for (let i = 0; i < 40; i++) {
      const mid = tf.mul(0.5, tf.add(lo, hi));
      const s = tf.sum(cdf(tf.div(tf.sub(h, mid), a)), 1, true);
      const tooLow = tf.greater(s, kHat);
      lo = tf.where(tooLow, mid, lo);
      hi = tf.where(tooLow, hi, mid);
    }
    const t = tf.mul(0.5, tf.add(lo, hi));
    save([h, t]);
    return {
      value: cdf(tf.div(tf.sub(h, t), a)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [hs, ts] = saved;
        const logits = tf.neg(tf.div(tf.abs(tf.sub(hs, ts)), a));
        const w = tf.softmax(logits);
        const ubar = tf.sum(tf.mul(dy, w), 1, true);
        const g = tf.mul(0.5, tf.exp(logits));
        return [tf.mul(tf.div(g, a), tf.sub(dy, ubar)), ubar];
      },
    };
  });

  const loss = (x: tf.Tensor2D) => {
    const xc = tf.sub(x, p.bDec);
    const h = tf.relu(tf.add(tf.matMul(xc, p.wEnc, false, true), p.bEnc));
    const z = tf.relu(tf.add(tf.matMul(xc, p.w1, false, true), p.b1));
    const kHat = tf.clipByValue(tf.mul(tf.sigmoid(tf.add(tf.matMul(z, p.w2), p.b2)), kMax), 1, F);
    const f = tf.mul(h, softTopK(h, kHat) as tf.Tensor);
    const xHat = tf.add(tf.matMul(f, p.wDec, false, true), p.bDec);
    const l2 = tf.mean(tf.sum(tf.square(tf.sub(x, xHat)), 1));
    const kl = tf.div(tf.softplus(tf.mul(5, tf.sub(tf.mean(kHat), k))), 5);
    return tf.add(l2, kl) as tf.Scalar;
  };

  return {
    step(x) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => loss(x));
        // Global-norm clipping to 1, as the reference.
        const list = Object.values(grads);
        const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(1, tf.div(1, tf.add(norm, 1e-6)));
        const clipped = Object.fromEntries(
          Object.entries(grads).map(([n, g]) => [n, tf.mul(g, scale)]),
        );
        opt.applyGradients(clipped as tf.NamedTensorMap);
        // Decoder columns back to unit norm.
        p.wDec.assign(tf.div(p.wDec, tf.add(tf.norm(p.wDec, 'euclidean', 0, true), 2 ** -23)));
      });
    },
    dispose() {
      Object.values(p).forEach((t) => t.dispose());
      opt.dispose();
      wDec.dispose();
    },
  };
}
