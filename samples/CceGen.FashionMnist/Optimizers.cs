using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;
using static CceGen.FashionMnist.OptimizerConstants;

namespace CceGen.FashionMnist;

internal static class OptimizerConstants
{
    /// <summary>
    /// Moments and velocities below this are flushed to zero. Without it, the state of parameters whose gradient
    /// has become exactly zero (dead ReLUs, always-black pixels) decays geometrically into float subnormals, which
    /// cost the CPU a microcode assist per operation and made the optimizer step ~10x slower than the rest of a batch.
    /// At this size the dropped update is below 1e-20 of the learning rate.
    /// </summary>
    public const float Tiny = 1e-30f;
}

internal interface IOptimizer
{
    /// <summary>The learning rate used by the next Step (the trainer's schedule sets it).</summary>
    float LearningRate { get; set; }

    /// <summary>Applies one update from each parameter's Grad to its Value.</summary>
    void Step();
}

/// <summary>Mini-batch SGD with classical (heavy-ball) momentum: v = mu v + g; w -= lr v.</summary>
internal sealed class SgdMomentum : IOptimizer
{
    private readonly IReadOnlyList<Parameter> parameters;
    private readonly float[][] velocity;
    private readonly float momentum;

    public SgdMomentum(IReadOnlyList<Parameter> parameters, float learningRate, float momentum = 0.9f)
    {
        this.parameters = parameters;
        LearningRate = learningRate;
        this.momentum = momentum;
        velocity = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            velocity[i] = new float[parameters[i].Value.Length];
        }
    }

    public float LearningRate { get; set; }

    public void Step()
    {
        var mu = new Vector<float>(momentum);
        float learningRate = LearningRate;
        var lr = new Vector<float>(learningRate);
        for (int p = 0; p < parameters.Count; p++)
        {
            Span<float> w = parameters[p].Value;
            ReadOnlySpan<float> g = parameters[p].Grad;
            Span<float> v = velocity[p];
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                Span<Vector<float>> wv = MemoryMarshal.Cast<float, Vector<float>>(w);
                ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(g);
                Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(v);
                var tiny = new Vector<float>(Tiny);
                for (int j = 0; j < wv.Length; j++)
                {
                    Vector<float> nv = mu * vv[j] + gv[j];
                    nv = Vector.ConditionalSelect(Vector.GreaterThan(Vector.Abs(nv), tiny), nv, Vector<float>.Zero);
                    vv[j] = nv;
                    wv[j] -= lr * nv;
                }
                i = wv.Length * Vector<float>.Count;
            }
            for (; i < w.Length; i++)
            {
                float nv = momentum * v[i] + g[i];
                v[i] = MathF.Abs(nv) > Tiny ? nv : 0f;
                w[i] -= learningRate * v[i];
            }
        }
    }
}

/// <summary>Adam (Kingma &amp; Ba, 2015), with the bias correction folded into the step size and epsilon.</summary>
internal sealed class Adam : IOptimizer
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly IReadOnlyList<Parameter> parameters;
    private readonly float[][] firstMoment;
    private readonly float[][] secondMoment;
    private long step;

    public Adam(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        this.parameters = parameters;
        LearningRate = learningRate;
        firstMoment = new float[parameters.Count][];
        secondMoment = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            firstMoment[i] = new float[parameters[i].Value.Length];
            secondMoment[i] = new float[parameters[i].Value.Length];
        }
    }

    public float LearningRate { get; set; }

    public void Step()
    {
        step++;
        double correction1 = 1.0 - Math.Pow(Beta1, step);
        double correction2 = 1.0 - Math.Pow(Beta2, step);
        float stepSize = (float)(LearningRate * Math.Sqrt(correction2) / correction1);
        float epsHat = (float)(Epsilon * Math.Sqrt(correction2));
        const float b1 = (float)Beta1, b2 = (float)Beta2;

        var vb1 = new Vector<float>(b1);
        var vb1c = new Vector<float>(1f - b1);
        var vb2 = new Vector<float>(b2);
        var vb2c = new Vector<float>(1f - b2);
        var vStep = new Vector<float>(stepSize);
        var vEps = new Vector<float>(epsHat);

        for (int p = 0; p < parameters.Count; p++)
        {
            Span<float> w = parameters[p].Value;
            ReadOnlySpan<float> g = parameters[p].Grad;
            Span<float> m = firstMoment[p];
            Span<float> v = secondMoment[p];
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                Span<Vector<float>> wv = MemoryMarshal.Cast<float, Vector<float>>(w);
                ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(g);
                Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(m);
                Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(v);
                var tiny = new Vector<float>(Tiny);
                for (int j = 0; j < wv.Length; j++)
                {
                    Vector<float> gj = gv[j];
                    Vector<float> mj = vb1 * mv[j] + vb1c * gj;
                    Vector<float> vj = vb2 * vv[j] + vb2c * (gj * gj);
                    mj = Vector.ConditionalSelect(Vector.GreaterThan(Vector.Abs(mj), tiny), mj, Vector<float>.Zero);
                    vj = Vector.ConditionalSelect(Vector.GreaterThan(vj, tiny), vj, Vector<float>.Zero);
                    mv[j] = mj;
                    vv[j] = vj;
                    wv[j] -= vStep * mj / (Vector.SquareRoot(vj) + vEps);
                }
                i = wv.Length * Vector<float>.Count;
            }
            for (; i < w.Length; i++)
            {
                float gi = g[i];
                float mi = b1 * m[i] + (1f - b1) * gi;
                float vi = b2 * v[i] + (1f - b2) * (gi * gi);
                m[i] = MathF.Abs(mi) > Tiny ? mi : 0f;
                v[i] = vi > Tiny ? vi : 0f;
                w[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) + epsHat);
            }
        }
    }
}
