using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CceGen.Runtime;

/// <summary>
/// The TensorFlow/Keras probability clip, clip(p) = min(max(p, 1e-7), 1 - 1e-7), with IEEE min/max so a NaN stays NaN
/// (as <c>tf.clip_by_value</c> does) on every width.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ClipOperator
{
    /// <summary>Keras' default epsilon, the lower clip bound.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>The upper clip bound, 1 - epsilon rounded to float32 (0.99999988).</summary>
    public const float Upper = 1f - Epsilon;

    /// <summary>clip(p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float p) => MathF.Min(MathF.Max(p, Epsilon), Upper);

    /// <summary>clip(p) on 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> p) =>
        Vector256.Min(Vector256.Max(p, Vector256.Create(Epsilon)), Vector256.Create(Upper));

    /// <summary>clip(p) on 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> p) =>
        Vector512.Min(Vector512.Max(p, Vector512.Create(Epsilon)), Vector512.Create(Upper));
}
