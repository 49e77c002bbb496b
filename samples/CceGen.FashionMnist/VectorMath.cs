using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CceGen.FashionMnist;

/// <summary>Small Span + Vector&lt;float&gt; building blocks for the models (no BLAS, no TensorPrimitives).</summary>
internal static class VectorMath
{
    /// <summary>y += a * x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLengthMismatch();
        }
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            int last = n - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                Vector<float> vy = Vector.LoadUnsafe(ref ry, (nuint)i);
                Vector<float> vx = Vector.LoadUnsafe(ref rx, (nuint)i);
                Vector.MultiplyAddEstimate(va, vx, vy).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) += a * Unsafe.Add(ref rx, i);
        }
    }

    /// <summary>Sum of x[i] * y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLengthMismatch();
        }
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Vector<float> acc = Vector<float>.Zero;
            int last = n - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                acc = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref rx, (nuint)i), Vector.LoadUnsafe(ref ry, (nuint)i), acc);
            }
            sum = Vector.Sum(acc);
        }
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
        }
        return sum;
    }

    /// <summary>v = max(v, 0) in place.</summary>
    public static void Relu(Span<float> values)
    {
        int i = 0;
        ref float r = ref MemoryMarshal.GetReference(values);
        if (Vector.IsHardwareAccelerated)
        {
            int last = values.Length - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                Vector.Max(Vector.LoadUnsafe(ref r, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref r, (nuint)i);
            }
        }
        for (; i < values.Length; i++)
        {
            ref float v = ref Unsafe.Add(ref r, i);
            v = v > 0f ? v : 0f;
        }
    }

    /// <summary>grad[i] = activation[i] &gt; 0 ? grad[i] : 0 (ReLU backward using the ReLU output).</summary>
    public static void ReluBackward(ReadOnlySpan<float> activation, Span<float> grad)
    {
        if (activation.Length != grad.Length)
        {
            ThrowLengthMismatch();
        }
        int i = 0;
        ref float ra = ref MemoryMarshal.GetReference(activation);
        ref float rg = ref MemoryMarshal.GetReference(grad);
        if (Vector.IsHardwareAccelerated)
        {
            int last = grad.Length - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                Vector<int> mask = Vector.GreaterThan(Vector.LoadUnsafe(ref ra, (nuint)i), Vector<float>.Zero);
                Vector.ConditionalSelect(mask, Vector.LoadUnsafe(ref rg, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref rg, (nuint)i);
            }
        }
        for (; i < grad.Length; i++)
        {
            if (!(Unsafe.Add(ref ra, i) > 0f))
            {
                Unsafe.Add(ref rg, i) = 0f;
            }
        }
    }

    private static void ThrowLengthMismatch() => throw new ArgumentException("span lengths differ");
}
